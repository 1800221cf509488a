"""Seeded layouts drawn in worker processes, the parent's side.

Workers run ``python -m workbench.engine.layout_worker``.

UMAP runs in one thread per layout, so on a machine with several cores the layouts of a
large study are drawn side by side. The parent writes the unit vectors, the neighbour
graph and the layouts' settings (``LayoutSettings``, as JSON with named fields) to a private
temporary folder; each worker (``layout_worker``) reads them memory-mapped, draws its seeds'
layouts, clusters each, saves the labels next to them and prints the seed, which the parent
reads as progress.

The folder holds vectors made from the study's text, so nothing may outlive the run: the
parent removes it and stops the workers however the run ends (a stop signal included, see
``cli.support.Stopped``); a worker exits by itself when its parent dies, even by SIGKILL,
because its end of a pipe from the parent closes; and on POSIX systems a folder left by a
parent that was killed outright is removed by the next run of this user on the machine:
the parent holds a lock on the folder while it lives, which the system releases however it
ends, and a run removes only folders whose lock it can take.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from queue import Queue
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

    from workbench.engine.discovery_settings import LayoutSettings

ARRAYS = ("unit", "idx", "dist")  # the files ARRAYS[i].npy: unit vectors, neighbours' indices and distances
SETTINGS = "settings.json"  # the layouts' LayoutSettings
_PREFIX = "workbench-layouts-"
_OWNER = "owner.json"  # locked by the parent while its run lives (and names it, for people)
WORKERS_ENV = "WORKBENCH_LAYOUT_WORKERS"  # how many processes draw layouts (default: one per core)


def draw_apart(unit: np.ndarray, knn: tuple[np.ndarray, np.ndarray], seeds: list[int],
               settings: LayoutSettings, workers: int, done: Callable[[int], None],
               idle: Callable[[], None] | None = None) -> list[np.ndarray]:
    """Each seed's cluster labels, in seed order, drawn by ``workers`` processes.

    Shares differ by at most one layout, so near the end some workers have finished while
    another draws its last: ``idle`` is called once, then, for work that can use the core.
    """
    _remove_left_over(Path(tempfile.gettempdir()))
    claims: list[int] = []
    try:
        with tempfile.TemporaryDirectory(prefix=_PREFIX) as tmp:
            claims.extend(_claim(Path(tmp)))
            return _draw_in(Path(tmp), unit, knn, seeds, settings, workers, done, idle)
    finally:  # released only once the folder is gone, so no other run removes it under us
        for claim in claims:
            os.close(claim)


def _draw_in(folder: Path, unit: np.ndarray, knn: tuple[np.ndarray, np.ndarray], seeds: list[int],
             settings: LayoutSettings, workers: int, done: Callable[[int], None],
             idle: Callable[[], None] | None) -> list[np.ndarray]:
    import numpy as np

    for name, array in zip(ARRAYS, (unit, *knn), strict=True):
        np.save(folder / f"{name}.npy", array)
    (folder / SETTINGS).write_text(settings.to_json(), encoding="utf-8")
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                          *filter(None, [os.environ.get("PYTHONPATH")])])}
    shares = [seeds[w::workers] for w in range(workers) if seeds[w::workers]]
    finished: Queue[int | None] = Queue()
    procs: list[tuple[subprocess.Popen, object]] = []
    try:
        for w, share in enumerate(shares):
            log = (folder / f"worker-{w}.log").open("wb")
            proc = subprocess.Popen([sys.executable, "-m", "workbench.engine.layout_worker", str(folder),
                                     *map(str, share)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=log, env=env, text=True)
            procs.append((proc, log))
            threading.Thread(target=_relay, args=(proc, finished), daemon=True).start()
        count, ended = 0, 0
        while ended < len(procs):
            item = finished.get()
            if item is None:
                ended += 1
                if idle is not None and ended == 1 and len(procs) > 1:
                    idle()
            else:
                count += 1
                done(count)
        for proc, _log in procs:
            proc.wait()
    finally:  # interrupted (or a progress callback failed): no worker outlives the run
        for proc, log in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdin.close()  # type: ignore[union-attr]
            log.close()  # type: ignore[attr-defined]
    failed = [f"worker {w} (exit {proc.returncode}): "
              + (folder / f"worker-{w}.log").read_text(encoding="utf-8", errors="replace")[-2000:].strip()
              for w, (proc, _log) in enumerate(procs) if proc.returncode != 0]
    if failed:
        raise WorkbenchError(f"drawing the layouts in {WORKERS_ENV}={workers} worker processes failed; nothing "
                             f"was saved. Set {WORKERS_ENV}=1 to draw them in this process instead. What the "
                             "workers reported:\n" + "\n".join(failed))
    return [np.load(folder / f"labels-{seed}.npy") for seed in seeds]


def _claim(folder: Path) -> list[int]:
    """Lock ``folder`` for this run: the returned descriptor holds the lock until it is closed.

    The lock file is made and locked under another name, then renamed into place, so no
    other run can find it unlocked in between. A process id alone would not do: ids are
    reused, and other containers sharing the temporary folder number processes apart.
    POSIX only (elsewhere nothing is claimed, and nothing removed).
    """
    if os.name != "posix":
        return []
    import fcntl
    import socket

    pending = folder / f"{_OWNER}.new"
    fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: only a file system without locks refuses
    except OSError:  # then the folder names no owner and no run judges it, rather than one judging it wrongly
        os.close(fd)
        pending.unlink(missing_ok=True)
        return []
    os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode("utf-8"))
    os.replace(pending, folder / _OWNER)
    return [fd]


def _remove_left_over(tmp: Path) -> None:
    """Remove this user's layout folders whose run has ended without removing them.

    A run killed outright (SIGKILL, out of memory, power) cannot clean up; the system
    releases its lock (``_claim``), and a folder whose lock can be taken has no run alive.
    A folder without a lock file is not judged.
    """
    if os.name != "posix":
        return
    import fcntl

    for folder in tmp.glob(f"{_PREFIX}*"):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            fd = os.open(folder / _OWNER, os.O_RDONLY)
        except OSError:  # gone meanwhile, or no lock file
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its run is alive
            continue
        else:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(fd)


def _relay(proc: subprocess.Popen, finished: Queue) -> None:
    """Pass each finished seed (a line of digits) on; other output (a library's chatter) is ignored."""
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip().isdigit():
                finished.put(int(line))
    finally:
        finished.put(None)
