"""Every segment's candidate: members kept unless far out, the rest placed by similarity or left for triage."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["assign_segments", "far_out_fences", "place", "strays"]


def far_out_fences(labels: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """Each candidate's far-out fence: Tukey's Q1 - 3 IQR of its members' similarities to it.

    Below it, a segment is far out by the candidate's own standard; ``-inf`` for candidates
    of fewer than four members, whose spread says nothing.
    """
    import numpy as np

    fences = np.full(sims.shape[1], -np.inf)
    for c in range(sims.shape[1]):
        own = sims[labels == c, c]
        if len(own) >= 4:
            q1, q3 = np.percentile(own, [25, 75])
            fences[c] = q1 - 3 * (q3 - q1)
    return fences


def strays(labels: np.ndarray, sims: np.ndarray, threshold: float, fences: np.ndarray | None = None) -> np.ndarray:
    """Members that do not belong: far out within their own candidate, and under the threshold.

    A member is a stray when its similarity to its candidate is below both the similarity
    threshold and its candidate's far-out fence (``far_out_fences``). Either alone would be
    wrong: short texts (titles, one-line answers) sit below the threshold as a matter of
    course, and every candidate has a lowest member.
    """
    import numpy as np

    if sims.shape[1] == 0:
        return np.zeros(len(labels), dtype=bool)
    fences = far_out_fences(labels, sims) if fences is None else fences
    own = np.where(labels >= 0, labels, 0)
    mine = sims[np.arange(len(labels)), own]
    return (labels >= 0) & (mine < threshold) & (mine < fences[own])


def place(labels: np.ndarray, sims: np.ndarray, threshold: float) -> np.ndarray:
    """Each segment's candidate, or -1 for triage.

    Members keep their candidate unless they are strays. Every other segment goes to its
    nearest candidate unless it fails the same two tests there: under the threshold and
    below that candidate's far-out fence.
    """
    import numpy as np

    n, k = sims.shape
    if k == 0:
        return np.full(n, -1, dtype=int)
    fences = far_out_fences(labels, sims)
    kept = (labels >= 0) & ~strays(labels, sims, threshold, fences)
    near = sims.argmax(axis=1)
    close = sims[np.arange(n), near]
    placed = np.where((close >= threshold) | (close >= fences[near]), near, -1)
    return np.where(kept, labels, placed)


def assign_segments(unit: np.ndarray, labels: np.ndarray,
                    threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every segment's candidate from the consensus labels: (centroids, similarities, placement).

    The candidates' centroids are their members' mean direction; ``place`` then keeps
    members and places the rest. One function, so benchmarks that replay the consensus
    place segments exactly as discovery does.
    """
    import numpy as np

    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    centroids = np.zeros((k, unit.shape[1]), dtype=np.float32)
    for c in range(k):
        mean = unit[labels == c].mean(axis=0)
        centroids[c] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    sims = unit @ centroids.T if k else np.zeros((len(unit), 0), dtype=np.float32)
    return centroids, sims, place(labels, sims, threshold)
