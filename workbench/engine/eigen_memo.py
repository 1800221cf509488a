"""UMAP's spectral start solved once per process, not once per layout.

A run draws many seeded layouts from one neighbour graph (``consensus.consensus``), and
UMAP starts each from a spectral embedding of that graph: an eigenproblem per connected
component, solved by ARPACK from a fixed start vector (ones). The seed plays no part in
those solutions; it only adds noise to them afterwards. So the layouts of a run solved the
same eigenproblems again and again: on 20,000 interview segments (16 components) that was
8 of a layout's 22 s (a session profile of one layout; the speed benchmark has the whole
run).

``install`` wraps ``scipy.sparse.linalg.eigsh`` with a memo keyed by the exact bytes of
the problem. Only calls with a given start vector are memoised: without one ARPACK starts
at random, and a memo would change what the caller gets. With one, solving again gives the
same bits (the layouts run in one thread), so a layout is bit-for-bit what it was without
the memo (a test). The memo holds at most ``LIMIT_BYTES`` of solutions, least recently
used first out.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

# A run's solutions are its segments times six float64s at five dimensions: about 4.6 MiB per
# 100,000 segments (measured), so the limit keeps many runs' and never grows past it.
LIMIT_BYTES = 256 << 20

_memo: OrderedDict[tuple[Any, ...], tuple[Any, ...]] = OrderedDict()
_held = 0
_lock = threading.Lock()
_MARK = "_workbench_memoised"


def _problem_key(matrix: Any, k: int, options: dict[str, Any]) -> tuple[Any, ...] | None:
    """The problem's identity, or None where it cannot be told exactly (then it is solved as usual)."""
    import numpy as np
    import scipy.sparse

    start = options.get("v0")
    if start is None or not scipy.sparse.issparse(matrix):
        return None
    scalars = {}
    for name, value in options.items():
        if name == "v0":
            continue
        if value is not None and not isinstance(value, (bool, int, float, str)):
            return None  # an operator or a matrix as an option: not a problem we memoise
        scalars[name] = value
    digest = hashlib.blake2b(digest_size=32)
    csr = matrix.tocsr()
    digest.update(f"{csr.shape}|{csr.dtype}|{np.asarray(start).dtype}".encode())
    for part in (csr.indptr, csr.indices, csr.data, start):
        digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest(), int(k), tuple(sorted(scalars.items()))


def memoised(solve: Callable[..., Any]) -> Callable[..., Any]:
    """``solve`` (eigsh's signature) with its solutions kept for repeated problems."""

    def eigsh(A: Any, k: int = 6, *args: Any, **options: Any) -> Any:
        global _held
        key = None if args else _problem_key(A, k, options)
        if key is None:
            return solve(A, k, *args, **options)
        with _lock:
            found = _memo.get(key)
            if found is not None:
                _memo.move_to_end(key)
        if found is not None:
            parts = tuple(part.copy() for part in found)  # the caller may change what it gets
            return parts if len(parts) > 1 else parts[0]
        result = solve(A, k, **options)
        kept = tuple(part.copy() for part in (result if isinstance(result, tuple) else (result,)))
        with _lock:
            if key not in _memo:
                _memo[key] = kept
                _held += sum(int(part.nbytes) for part in kept)
            while _held > LIMIT_BYTES and len(_memo) > 1:
                _, dropped = _memo.popitem(last=False)
                _held -= sum(int(part.nbytes) for part in dropped)
        return result

    setattr(eigsh, _MARK, True)
    eigsh.__wrapped__ = solve  # type: ignore[attr-defined]
    eigsh.__doc__ = solve.__doc__
    return eigsh


def install() -> None:
    """Memoise ``scipy.sparse.linalg.eigsh`` in this process (UMAP looks it up there at each call)."""
    import scipy.sparse.linalg as linalg

    with _lock:
        if not getattr(linalg.eigsh, _MARK, False):
            linalg.eigsh = memoised(linalg.eigsh)


def clear() -> None:
    """Forget every kept solution."""
    global _held
    with _lock:
        _memo.clear()
        _held = 0
