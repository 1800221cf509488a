"""Compiled code for UMAP and HDBSCAN kept between processes: set up before either is imported."""

from __future__ import annotations

import os

__all__ = ["clustering_stack"]


def clustering_stack() -> None:
    """Cache numba's compiled code so UMAP and HDBSCAN do not recompile in every process.

    Setting NUMBA_CACHE_DIR is not enough: most of UMAP's and pynndescent's kernels are
    declared without ``cache=True`` and recompile (about 10 s here) in each new process.
    So, before they are imported, numba's decorators are given ``cache=True`` as a default;
    kernels numba cannot cache are compiled as before. Measured: the first UMAP fit in a
    fresh process is measured with and without this in benchmarks/bench_startup.py.
    """
    import sys

    if "NUMBA_CACHE_DIR" not in os.environ:
        from workbench.engine.embed import cache_dir

        os.environ["NUMBA_CACHE_DIR"] = str(cache_dir() / "numba")
    if "umap" in sys.modules or "pynndescent" in sys.modules:
        return
    import functools
    import warnings

    import numba

    if getattr(numba.njit, "_workbench_cached", False):
        return

    def cached(decorator):
        @functools.wraps(decorator)
        def wrapper(*args, **kwargs):
            kwargs.setdefault("cache", True)
            return decorator(*args, **kwargs)

        wrapper._workbench_cached = True  # type: ignore[attr-defined]
        return wrapper

    numba.njit = cached(numba.njit)
    numba.jit = cached(numba.jit)
    warnings.filterwarnings("ignore", message=".*cannot cache.*")
