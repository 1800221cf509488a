"""Candidates a majority of the seeded layouts agree on, and how stable each is across them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["consensus", "renumber"]


def renumber(labels: np.ndarray) -> np.ndarray:
    """Largest cluster first (0, 1, ...), ties by first occurrence: stable numbering."""
    import numpy as np

    found = [c for c in dict.fromkeys(labels.tolist()) if c >= 0]
    sizes = {c: int((labels == c).sum()) for c in found}
    order = sorted(found, key=lambda c: -sizes[c])
    mapping = {old: new for new, old in enumerate(order)}
    return np.asarray([mapping.get(c, -1) for c in labels.tolist()], dtype=int)


def consensus(unit: np.ndarray, runs: list[np.ndarray], same_theme: float) -> tuple[np.ndarray, list[float]]:
    """Candidates a majority of the layouts agree on: each segment's label (-1: no majority), and stability.

    UMAP's layout, and HDBSCAN's selection with it, move with the seed on weakly separated
    text (interview answers, patient feedback): one layout alone gave an ARI of 0.6-0.75
    between two seeds. So every layout's clusters are pooled, clusters from different
    layouts whose centroids lie within ``same_theme`` (cosine distance, average linkage)
    count as one theme, and a theme found by more than half of the layouts becomes a
    candidate. A segment belongs to it when more than half of the layouts put it there; the
    others are placed by similarity afterwards. Stability is each candidate's mean
    best-match Jaccard with the clusters of every layout.
    """
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    n, total = len(unit), len(runs)
    centroids, owners, locals_ = [], [], []
    for r, labels in enumerate(runs):
        for c in range(int(labels.max()) + 1 if len(labels) else 0):
            mean = unit[labels == c].mean(axis=0)
            centroids.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
            owners.append(r)
            locals_.append(c)
    if not centroids:
        return np.full(n, -1, dtype=int), []
    pooled = np.asarray(centroids, dtype=np.float64)
    groups = (fcluster(linkage(pooled, method="average", metric="cosine"), t=same_theme, criterion="distance")
              if len(pooled) > 1 else np.ones(1, dtype=int))
    support = {g: len({owners[i] for i in np.flatnonzero(groups == g)}) for g in np.unique(groups).tolist()}
    kept = [g for g in sorted(support) if support[g] * 2 > total]
    voters = total
    if not kept:  # no theme in most layouts: keep the best-supported ones, voted on by their layouts
        voters = max(support.values())
        kept = [g for g in sorted(support) if support[g] == voters]
    index = {g: i for i, g in enumerate(kept)}
    votes = np.zeros((n, len(kept)), dtype=np.int32)
    for r, labels in enumerate(runs):
        mapping = np.full(int(labels.max()) + 2 if len(labels) else 1, -1)
        for i in np.flatnonzero(np.asarray(owners) == r):
            mapping[locals_[i]] = index.get(int(groups[i]), -1)
        mapped = mapping[labels]  # noise (-1) reads the last slot, which stays -1
        hit = np.flatnonzero(mapped >= 0)
        votes[hit, mapped[hit]] += 1  # one vote per layout: a segment is in one cluster of each
    labels = np.where(votes.max(axis=1) * 2 > voters, votes.argmax(axis=1), -1)
    labels = renumber(labels)
    k = int(labels.max()) + 1 if labels.max() >= 0 else 0
    stability = np.zeros(k)
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    for run in runs:
        run_k = int(run.max()) + 1 if run.max() >= 0 else 0
        if run_k == 0 or k == 0:
            continue
        both = (labels >= 0) & (run >= 0)
        overlap = np.zeros((k, run_k))
        np.add.at(overlap, (labels[both], run[both]), 1)
        union = sizes[:, None] + np.bincount(run[run >= 0], minlength=run_k)[None, :] - overlap
        stability += (overlap / np.maximum(union, 1)).max(axis=1)
    return labels, (stability / total).round(3).tolist()
