"""Stopping discovery part-way: nothing saved, no worker left running, no vectors left on disk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from .conftest import topic_table
from .test_cli import wb

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and /proc as on Linux")


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


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_a_stop_signal_during_the_layouts_saves_nothing_and_leaves_nothing(tmp_path):
    study = str(tmp_path / "study")
    wb("init", study)
    wb("ingest", str(topic_table(tmp_path / "answers.csv")), "--study", study)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "WORKBENCH_LAYOUT_WORKERS": "2"}
    # Many small layouts in two workers: long enough to be stopped in the middle.
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "discover", "--study", study, "--min-size", "5",
                             "--runs", "49"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def drawing():
            assert proc.poll() is None, proc.communicate()
            return next((f for f in temp.glob("workbench-layouts-*") if any(f.glob("labels-*.npy"))), None)

        folder = _wait_for(drawing, 240, "the first layout")
        workers = _processes_naming(str(folder))
        assert len(workers) == 2, "both workers are drawing"
        proc.send_signal(signal.SIGTERM)
        _out, errors = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, errors
    assert "stopped (SIGTERM): nothing from the interrupted action was saved" in errors
    assert "Traceback" not in errors
    assert list(temp.glob("workbench-layouts-*")) == [], "the vectors' folder is removed"
    assert _processes_naming(str(folder)) == [], "no worker outlives the run"
    from workbench.study import Study

    stopped = Study.open(study)
    assert stopped.runs() == [], "no half-recorded run"
    stopped.close()


def _worker_folder(tmp_path: Path) -> Path:
    """A layout worker's input: 120 unit vectors in three groups and their neighbours."""
    from workbench.discover import _neighbours

    rng = np.random.default_rng(0)
    unit = (np.repeat(np.eye(3, 16), 40, axis=0) + rng.normal(0, 0.05, (120, 16))).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    idx, dist = _neighbours(unit, 15)
    for name, array in (("unit", unit), ("idx", idx), ("dist", dist)):
        np.save(tmp_path / f"{name}.npy", array)
    (tmp_path / "settings.json").write_text(json.dumps([5, 10, 3]), encoding="utf-8")
    return tmp_path


def test_a_worker_whose_parent_is_gone_stops_by_itself(tmp_path):
    folder = _worker_folder(tmp_path)
    root = str(Path(__file__).resolve().parent.parent)
    worker = subprocess.Popen([sys.executable, "-m", "workbench.layout_worker", str(folder), *map(str, range(500))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": root})
    try:
        assert worker.stdout is not None and worker.stdin is not None
        first = _wait_for(lambda: next((line for line in worker.stdout if line.strip().isdigit()), "end"), 120,
                          "the first layout")
        assert first.strip() == "0", "it draws while the parent lives"
        worker.stdin.close()  # what the system does when the parent dies, even by SIGKILL
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 3
    assert not (folder / "labels-499.npy").exists()


def test_folders_left_by_a_killed_run_are_removed_by_the_next(tmp_path):
    from workbench.layout_worker import _remove_left_over

    gone = subprocess.Popen(["true"])
    gone.wait()  # a process id that no longer exists
    folders = {}
    for name, owner in (("gone", {"pid": gone.pid}), ("alive", {"pid": os.getpid()}), ("unknown", None)):
        folder = tmp_path / f"workbench-layouts-{name}"
        folder.mkdir()
        np.save(folder / "unit.npy", np.ones((3, 4), dtype=np.float32))
        if owner is not None:
            (folder / "owner.json").write_text(json.dumps(owner), encoding="utf-8")
        folders[name] = folder
    other = tmp_path / "someone-elses-folder"
    shutil.copytree(folders["gone"], other)
    _remove_left_over(tmp_path)
    assert not folders["gone"].exists()
    assert folders["alive"].exists(), "a run still going keeps its folder"
    assert folders["unknown"].exists(), "a folder that names no parent is not ours to judge"
    assert other.exists(), "only the workbench's layout folders are looked at"
