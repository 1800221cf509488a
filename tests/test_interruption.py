"""Stopping discovery part-way: nothing saved, no worker left running, no vectors left on disk."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from .conftest import topic_table
from .test_cli import wb

POSIX = pytest.mark.skipif(os.name != "posix" or not Path("/proc/self/cmdline").exists(),
                           reason="signals, file locks and /proc as on Linux")


def _processes_naming(text: str) -> list[int]:
    """Live processes whose command line contains ``text`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_for(check, seconds: float, what: str):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def _study(tmp_path: Path) -> str:
    study = str(tmp_path / "study")
    wb("init", study)
    wb("ingest", str(topic_table(tmp_path / "answers.csv")), "--study", study)
    return study


def _discover(study: str, temp: Path, runs: int, wrapper: list[str] = ()) -> subprocess.Popen:
    """``workbench discover`` in the background, in two workers, with its own temporary folder."""
    env = {**os.environ, "TMPDIR": str(temp), "WORKBENCH_LAYOUT_WORKERS": "2"}
    return subprocess.Popen([*wrapper, sys.executable, "-m", "workbench", "discover", "--study", study, "--min-size",
                             "5", "--runs", str(runs)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _drawing(proc: subprocess.Popen, temp: Path) -> Path:
    """The layouts' folder, once a worker has drawn its first layout."""
    def found():
        assert proc.poll() is None, proc.communicate()
        return next((f for f in temp.glob("workbench-layouts-*") if any(f.glob("labels-*.npy"))), None)

    return _wait_for(found, 240, "the first layout")


@POSIX
def test_a_stop_signal_during_the_layouts_saves_nothing_and_leaves_nothing(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    study = _study(tmp_path)
    proc = _discover(study, temp, runs=49)  # many small layouts: long enough to be stopped in the middle
    try:
        folder = _drawing(proc, temp)
        assert len(_processes_naming(str(folder))) == 2, "both workers are drawing"
        proc.send_signal(signal.SIGTERM)
        proc.send_signal(signal.SIGTERM)  # a second notice must not cut the clean-up short
        _out, errors = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, errors
    assert "stopped (SIGTERM): what was not yet saved was discarded" in errors
    assert "Traceback" not in errors
    assert list(temp.glob("workbench-layouts-*")) == [], "the vectors' folder is removed"
    assert _processes_naming(str(folder)) == [], "no worker outlives the run"
    from workbench.study import Study

    stopped = Study.open(study)
    assert stopped.runs() == [], "no half-recorded run"
    stopped.close()


@POSIX
def test_a_hang_up_that_was_ignored_stays_ignored(tmp_path):
    """Under nohup (SIGHUP ignored), closing the terminal does not stop discovery."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    study = _study(tmp_path)
    ignoring = [sys.executable, "-c", "import signal, subprocess, sys; signal.signal(signal.SIGHUP, signal.SIG_IGN); "
                "sys.exit(subprocess.call(sys.argv[1:]))"]
    nohup = _discover(study, temp, runs=9, wrapper=ignoring)
    try:
        _drawing(nohup, temp)
        for pid in _processes_naming("workbench\x00discover"):
            os.kill(pid, signal.SIGHUP)
        out, errors = nohup.communicate(timeout=240)
    finally:
        if nohup.poll() is None:
            nohup.kill()
    assert nohup.returncode == 0, errors
    assert "candidate themes from" in out


def _worker_folder(tmp_path: Path) -> Path:
    """A layout worker's input: 120 unit vectors in three groups and their neighbours."""
    from workbench.engine.clustering import HdbscanClusterer
    from workbench.engine.discovery_settings import LayoutSettings
    from workbench.engine.neighbours import neighbours

    rng = np.random.default_rng(0)
    unit = (np.repeat(np.eye(3, 16), 40, axis=0) + rng.normal(0, 0.05, (120, 16))).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    idx, dist = neighbours(unit, 15)
    for name, array in (("unit", unit), ("idx", idx), ("dist", dist)):
        np.save(tmp_path / f"{name}.npy", array)
    settings = LayoutSettings(components=5, clusterer=HdbscanClusterer(min_size=10, min_samples=3))
    (tmp_path / "settings.json").write_text(settings.to_json(), encoding="utf-8")
    return tmp_path


def test_a_worker_whose_parent_is_gone_stops_by_itself(tmp_path):
    folder = _worker_folder(tmp_path)
    root = str(Path(__file__).resolve().parent.parent)
    worker = subprocess.Popen([sys.executable, "-m", "workbench.engine.layout_worker", str(folder),
                               *map(str, range(500))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": root})
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in worker.stdout], daemon=True).start()
    try:
        assert worker.stdin is not None
        first = lines.get(timeout=120)
        while not first.strip().isdigit():
            first = lines.get(timeout=120)
        assert first.strip() == "0", "it draws while the parent lives"
        worker.stdin.close()  # what the system does when the parent dies, even by SIGKILL
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 3
    assert not (folder / "labels-499.npy").exists()


@POSIX
def test_folders_left_by_a_killed_run_are_removed_by_the_next(tmp_path):
    from workbench.engine.layout_processes import _claim, _remove_left_over

    folders = {name: tmp_path / f"workbench-layouts-{name}" for name in ("ended", "alive", "unknown")}
    for folder in folders.values():
        folder.mkdir()
        np.save(folder / "unit.npy", np.ones((3, 4), dtype=np.float32))
    # A run killed outright: its lock file is there, but the system has released the lock.
    os.close(_claim(folders["ended"])[0])
    alive = _claim(folders["alive"])  # a run still going (the lock is taken in this process)
    assert json.loads((folders["alive"] / "owner.json").read_text(encoding="utf-8"))["pid"] == os.getpid()
    try:
        _remove_left_over(tmp_path)
    finally:
        os.close(alive[0])
    assert not folders["ended"].exists()
    assert folders["alive"].exists(), "a run still going keeps its folder"
    assert folders["unknown"].exists(), "a folder without a lock file is not judged"
    _remove_left_over(tmp_path)
    assert not folders["alive"].exists(), "once its run has ended, the folder goes"


@pytest.fixture
def default_stop_signals():
    """SIGTERM and SIGHUP at their defaults for one test, whatever the suite was started under.

    Under ``nohup`` SIGHUP arrives ignored, and a test that assumed otherwise failed for a
    newcomer; the test sets the dispositions it relies on and puts the old ones back.
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    for sig in saved:
        signal.signal(sig, signal.SIG_DFL)
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
def test_stop_signals_are_raised_once_and_ignored_ones_stay_ignored(default_stop_signals):
    from workbench.cli.support import Stopped, _signals_stop, _stop

    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    assert before == (signal.SIG_DFL, signal.SIG_DFL)
    with _signals_stop():
        assert signal.getsignal(signal.SIGTERM) is _stop and signal.getsignal(signal.SIGHUP) is _stop
        with pytest.raises(Stopped):
            _stop(signal.SIGTERM, None)
        # Clean-up runs next: a second notice is ignored until the command ends.
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN and signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with _signals_stop():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN and signal.getsignal(signal.SIGTERM) is _stop
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, before[1])


@POSIX
def test_a_file_system_without_locks_leaves_the_folder_unjudged(tmp_path, monkeypatch):
    import fcntl

    from workbench.engine.layout_processes import _claim, _remove_left_over

    def refuse(fd, operation):
        raise OSError(38, "locks are not supported here")

    folder = tmp_path / "workbench-layouts-nolocks"
    folder.mkdir()
    monkeypatch.setattr(fcntl, "flock", refuse)
    assert _claim(folder) == [] and list(folder.iterdir()) == [], "no lock file that another run could take"
    monkeypatch.undo()
    _remove_left_over(tmp_path)
    assert folder.exists()
