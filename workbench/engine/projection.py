"""The map's 2-D layout of segments: the layouts stage, drawn once with two dimensions and some spacing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.engine.compiled import clustering_stack
from workbench.engine.layouts import umap_layout
from workbench.engine.neighbours import neighbours

if TYPE_CHECKING:
    import numpy as np

__all__ = ["project_2d"]


def project_2d(embeddings: np.ndarray, seed: int = 42) -> np.ndarray:
    """A 2-D layout of segments for the map: UMAP on cosine distance, seeded."""
    import numpy as np

    clustering_stack()
    n = len(embeddings)
    if n < 4:
        return np.zeros((n, 2), dtype=np.float32)
    unit = np.asarray(embeddings, dtype=np.float32)
    unit = unit / np.clip(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12, None)
    return umap_layout(unit, neighbours(unit, max(2, min(15, n - 1))), 2, seed, min_dist=0.1)
