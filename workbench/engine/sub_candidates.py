"""A candidate's sub-candidates: the finer themes inside it, from the same run's layouts.

A candidate too broad to accept as it stands ("whatever mentions mum, a bed and the
police") can be opened into the narrower groups inside it. Each seeded layout of the run
is clustered twice (``layouts.clustered_layout``): at the candidate grain, and at a finer
one (half the minimum size). Within a candidate, the finer clusters of every layout vote
as the candidates' clusters did (``consensus``): a sub-candidate is a group most layouts
find inside it. Nothing is drawn again, so opening a candidate costs no second discovery;
members no sub-candidate holds go to the nearest one, so the parts share out the whole
candidate and can be accepted as themes in one step (a split).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.engine.consensus import consensus

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SubGroups", "sub_groups"]


@dataclass(frozen=True)
class SubGroups:
    """One candidate's parts: each member's part (rows in the order given), and each part's stability."""

    parts: np.ndarray
    stability: list[float]

    @property
    def count(self) -> int:
        return len(self.stability)


def sub_groups(unit: np.ndarray, members: np.ndarray, fine_runs: list[np.ndarray], same_theme: float,
               min_size: int) -> SubGroups | None:
    """The parts most layouts find inside one candidate, or None when they find fewer than two.

    ``members``: the candidate's rows in ``unit``; ``fine_runs``: each layout's finer labels
    for every row. A finer cluster counts inside the candidate by its members there, and
    only when at least ``min_size`` of them are; every member ends in a part.
    """
    import numpy as np

    if len(members) < 2 * min_size or not fine_runs:
        return None
    inner = unit[members]
    runs = []
    for fine in fine_runs:
        local = np.asarray(fine)[members]
        kept = np.full(len(local), -1, dtype=int)
        number = 0
        for label in sorted(set(local.tolist()) - {-1}):
            where = local == label
            if where.sum() >= min_size:
                kept[where] = number
                number += 1
        runs.append(kept)
    labels, stability = consensus(inner, runs, same_theme)
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    sizes = np.bincount(labels[labels >= 0], minlength=k) if k else np.zeros(0, dtype=int)
    if k < 2 or (sizes < min_size).any():
        big = [c for c in range(k) if sizes[c] >= min_size]
        if len(big) < 2:
            return None
        remap = np.full(k + 1, -1)
        remap[big] = np.arange(len(big))
        labels = remap[labels]
        stability = [stability[c] for c in big]
        k = len(big)
    centroids = np.stack([inner[labels == c].mean(axis=0) for c in range(k)])
    centroids /= np.clip(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12, None)
    nearest = (inner @ centroids.T).argmax(axis=1)
    return SubGroups(np.where(labels >= 0, labels, nearest), stability)
