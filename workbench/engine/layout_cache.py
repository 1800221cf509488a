"""Seeded layouts kept between runs: what a layout depends on, as a key, and its clusters as bytes.

A layout's clusters depend on nothing but the vectors clustered, the neighbour count, the
layout's settings (dimensions, clusterers and their sizes), its seed, and the code and
processor that computed them (``layouts.clustered_layout`` runs in one thread so that the
same input gives the same bits). A run on the same segments with the same settings and seed
(a re-run after a batch of decisions, a second look at a run's parameters that do not touch
the layouts) can therefore read the layouts a previous run drew instead of drawing them
again, which is nearly all of a warm run's time. A run on other vectors (new transcripts,
another question reading) has other keys and draws its own.

Where they are kept is the caller's: ``LayoutCache`` is two methods, and the study keeps
them in its store beside the embedding cache. The engine never imports the store.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from workbench.engine.discovery_settings import LayoutSettings

__all__ = ["LayoutCache", "MemoryLayouts", "from_bytes", "layout_keys", "to_bytes"]


class LayoutCache(Protocol):
    """Where seeded layouts' clusters are kept between runs, by key (``layout_keys``).

    ``salt`` names what draws them here (``layout_keys``): a cache shared by machines of
    other kinds (a team's server) then holds each kind's layouts apart.
    """

    salt: str

    def found(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The clusters kept under any of ``keys`` (a key not kept is absent)."""

    def keep(self, drawn: Mapping[str, np.ndarray]) -> None:
        """Keep newly drawn layouts' clusters under their keys."""


def layout_keys(unit: np.ndarray, n_neighbors: int, settings: LayoutSettings, seeds: Sequence[int],
                salt: str) -> list[str]:
    """One key per seed: a hash of the exact vectors, the neighbour count, the settings, the seed and ``salt``.

    ``salt`` names what computed the layouts (the libraries' versions and the processor's
    instructions): another version of UMAP or another processor may round differently, and
    a layout kept from it would not be what this machine draws.
    """
    import numpy as np

    base = hashlib.sha256()
    data = np.ascontiguousarray(unit, dtype=np.float32)
    base.update(f"{salt}\n{data.shape}\n{n_neighbors}\n{settings.to_json()}\n".encode())
    base.update(data.tobytes())
    prefix = base.hexdigest()
    return [hashlib.sha256(f"{prefix}:{seed}".encode()).hexdigest() for seed in seeds]


def to_bytes(labels: np.ndarray) -> bytes:
    """A layout's clusters (one row, or two with finer clusters) as compressed bytes."""
    import zlib

    import numpy as np

    buffer = io.BytesIO()
    np.save(buffer, np.asarray(labels, dtype=np.int32), allow_pickle=False)
    return zlib.compress(buffer.getvalue(), 6)


def from_bytes(data: bytes) -> np.ndarray:
    """``to_bytes`` read back (never unpickled: the bytes come from a database others may write to)."""
    import zlib

    import numpy as np

    return np.load(io.BytesIO(zlib.decompress(data)), allow_pickle=False).astype(int)


class MemoryLayouts:
    """A ``LayoutCache`` in memory: for a session that runs discovery several times, and for tests."""

    def __init__(self, salt: str = "") -> None:
        self.salt = salt
        self.kept: dict[str, bytes] = {}

    def found(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        return {k: from_bytes(self.kept[k]) for k in keys if k in self.kept}

    def keep(self, drawn: Mapping[str, np.ndarray]) -> None:
        for key, labels in drawn.items():
            self.kept.setdefault(key, to_bytes(labels))
