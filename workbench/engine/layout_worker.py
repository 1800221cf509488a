"""A layout worker: ``python -m workbench.engine.layout_worker FOLDER SEED...`` draws those seeds' layouts.

Started by ``layout_processes.draw_apart``, which wrote the unit vectors, the neighbour graph
and the ``LayoutSettings`` (JSON with named fields) into FOLDER. For each seed the worker
draws and clusters one layout (``layouts.clustered_layout``), saves its labels there and
prints the seed, which the parent reads as progress. It imports the layouts stage, not the
discovery pipeline, and exits by itself when its parent dies.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from workbench.engine.compiled import clustering_stack
from workbench.engine.discovery_settings import LayoutSettings
from workbench.engine.layout_processes import ARRAYS, SETTINGS
from workbench.engine.layouts import clustered_layout


def _exit_with_parent() -> None:
    """End this worker when the parent dies: its end of our stdin closes, and reading it returns."""
    def watch() -> None:
        # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader holds its
        # lock, and the interpreter aborts at exit when it cannot take that lock.
        while os.read(fd, 4096):
            continue
        os._exit(3)

    fd = sys.stdin.fileno()

    threading.Thread(target=watch, name="workbench-parent-watch", daemon=True).start()


def main(argv: list[str]) -> None:
    import numpy as np

    folder, seeds = Path(argv[0]), [int(s) for s in argv[1:]]
    _exit_with_parent()
    clustering_stack()
    unit, idx, dist = (np.load(folder / f"{name}.npy", mmap_mode="c") for name in ARRAYS)
    settings = LayoutSettings.from_json((folder / SETTINGS).read_text(encoding="utf-8"))
    for seed in seeds:
        labels = clustered_layout(np.asarray(unit), (np.asarray(idx), np.asarray(dist)), settings, seed)
        np.save(folder / f"labels-{seed}.npy", labels)
        print(seed, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
