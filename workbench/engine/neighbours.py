"""Each segment's exact nearest neighbours by cosine: the graph every layout of a run shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SIMILARITY_CELLS", "neighbours"]

# Similarities computed at once when finding neighbours: about 256 MB of float32.
SIMILARITY_CELLS = 1 << 26


def neighbours(unit: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest neighbours by cosine (rows of ``unit`` have length 1), each row's own first.

    Computed once and shared by every layout of a run. Exact rather than UMAP's approximate
    search (pynndescent) for two reasons: it is deterministic, and pynndescent's kernels
    cannot be cached by numba, so every new process spent 30-45 s compiling them before its
    first layout of 4,096 or more segments (seen in session experiments, not scripted).
    torch does the block products and top-k (142 s for 100,000 segments on two cores before
    the buffer below: benchmarks/bench_speed.py); a block of rows at a time keeps memory
    flat. The blocks' products are written into one buffer: with a fresh 256 MB result per
    block, about a tenth of the time went on the operating system handing out and clearing
    new memory (109-116 s against 99-100 s for 100,000 random vectors on two cores,
    identical neighbours; a session measurement, not scripted).
    """
    import numpy as np
    import torch

    n = len(unit)
    k = max(1, min(k, n))
    vectors = torch.from_numpy(np.ascontiguousarray(unit, dtype=np.float32))
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    block = max(1, min(n, SIMILARITY_CELLS // n))
    buffer = torch.empty((block, n), dtype=torch.float32)
    with torch.inference_mode():
        for start in range(0, n, block):
            stop = min(n, start + block)
            sims = buffer[:stop - start]
            torch.matmul(vectors[start:stop], vectors.T, out=sims)
            rows = torch.arange(stop - start)
            sims[rows, rows + start] = float("inf")  # itself first, even when another segment is identical
            top_sims, top = torch.topk(sims, k, dim=1)
            top_sims, top = top_sims.numpy(), top.numpy()
            order = np.lexsort((top, -top_sims), axis=1)  # most similar first, ties by position
            indices[start:stop] = np.take_along_axis(top, order, axis=1)
            distances[start:stop] = np.clip(1.0 - np.take_along_axis(top_sims, order, axis=1), 0.0, 2.0)
    return indices, distances
