"""Seeded UMAP layouts and their clusters: one layout in one thread, and a run's layouts here or in workers.

UMAP reduces the unit vectors to a few dimensions from a neighbour graph shared by every
layout (``neighbours``); the layout's ``Clusterer`` (HDBSCAN by default) then clusters it.
A run draws many such layouts, one per seed, and ``consensus`` keeps what most agree on.
Drawing them in worker processes is ``layout_processes``'s part; this module does not
know the pipeline (``discover``), so a worker imports it and nothing more.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

    from workbench.engine.discovery_settings import LayoutSettings

__all__ = ["PARALLEL_FROM", "clustered_layout", "draw_layouts", "umap_layout", "worker_count"]

# Below this many segments the layouts run in this process: starting a worker (a fresh
# interpreter importing UMAP and HDBSCAN, a few seconds) costs more than a few small layouts.
# From here a study's layouts (31 of about a second each at this size: auto_runs) are drawn
# side by side by one worker per core.
PARALLEL_FROM = 1000


def umap_layout(unit: np.ndarray, knn: tuple[np.ndarray, np.ndarray], components: int, seed: int,
                min_dist: float = 0.0) -> np.ndarray:
    """One seeded UMAP layout from the shared neighbour graph."""
    import warnings

    from umap import UMAP

    n = len(unit)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")
        warnings.filterwarnings("ignore", message=".*n_jobs value.*")
        reducer = UMAP(n_neighbors=knn[0].shape[1], n_components=max(2, min(components, n - 2)), min_dist=min_dist,
                       metric="cosine", random_state=seed, low_memory=True, n_jobs=1, precomputed_knn=knn)
        return reducer.fit_transform(unit)


def clustered_layout(unit: np.ndarray, knn: tuple[np.ndarray, np.ndarray], settings: LayoutSettings,
                     seed: int) -> np.ndarray:
    """One seeded layout's clusters, computed in one thread: one row of labels, or two with ``settings.finer``.

    The second row clusters the same points at a finer grain: what a candidate's
    sub-candidates are drawn from, without drawing a layout again.

    UMAP's layout is chaotic: a different rounding anywhere (BLAS or numba splitting a sum
    over another number of threads) gives another layout. One thread makes the result the
    same on every machine, and the same whether layouts are drawn here or in workers
    (seen in a session experiment, not scripted: without this, 10,000 NHS answers gave
    other candidates in workers than in this process).
    """
    settings.clusterer.prepare()  # loaded first: threadpool_limits limits only the thread pools already loaded
    import numba
    import numpy as np
    import umap  # noqa: F401
    from threadpoolctl import threadpool_limits

    from workbench.engine import eigen_memo

    eigen_memo.install()  # the spectral start is the same for every seed: solved once per process

    if settings.finer is not None:
        settings.finer.prepare()
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            points = umap_layout(unit, knn, settings.components, seed)
            labels = settings.clusterer.labels(points)
            if settings.finer is None:
                return labels
            return np.vstack([labels, settings.finer.labels(points)])
    finally:
        numba.set_num_threads(threads)


def draw_layouts(unit: np.ndarray, knn: tuple[np.ndarray, np.ndarray], seeds: list[int], settings: LayoutSettings,
                 workers: int, done: Callable[[int], None],
                 idle: Callable[[], None] | None = None) -> list[np.ndarray]:
    """Every seeded layout's clusters, in seed order, in ``workers`` processes (1: this one).

    Each layout depends on its seed alone, so the result is the same however many workers
    draw them (a test). Workers are fresh interpreters running ``workbench.engine.layout_worker``,
    not forks (this process may hold ONNX Runtime's and torch's thread pools, which are not
    safe to fork) and not multiprocessing's spawn (which re-runs the caller's main script,
    so a researcher's unguarded script would start discovery again in every worker).
    ``idle`` is called once, when a worker has finished its share and the others still draw.
    """
    if workers <= 1:
        found = []
        for seed in seeds:
            found.append(clustered_layout(unit, knn, settings, seed))
            done(len(found))
        return found
    from workbench.engine.layout_processes import draw_apart

    return draw_apart(unit, knn, seeds, settings, workers, done, idle)


def worker_count(n: int, runs: int, requested: int | None) -> int:
    """How many processes draw the layouts: one per core (at most one per layout) from PARALLEL_FROM segments.

    ``requested``, or the WORKBENCH_LAYOUT_WORKERS setting, overrides the core count (1: none).
    """
    from workbench.engine.layout_processes import WORKERS_ENV

    setting = os.environ.get(WORKERS_ENV, "").strip()
    if requested is None and setting:
        if not setting.isdigit() or int(setting) < 1:
            raise WorkbenchError(f"{WORKERS_ENV} must be a whole number of at least 1 (got {setting!r})")
        requested = int(setting)
    if requested is not None:
        return max(1, min(requested, runs))
    if n < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, runs))
