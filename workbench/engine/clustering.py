"""Clustering one seeded layout: the algorithm is one class, HDBSCAN by default.

Discovery draws many seeded layouts and clusters each (``layouts.clustered_layout``); what
clusters them is a ``Clusterer``. Clusterers are frozen dataclasses registered under a
``kind``, because a layout's settings cross a process boundary: the parent writes them as
JSON for the layout workers (``LayoutSettings``), and a worker rebuilds the same clusterer
from its kind and fields. Another algorithm is one more registered class.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, is_dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CLUSTERERS", "Clusterer", "HdbscanClusterer", "KMeansClusterer", "clusterer_from_json",
           "clusterer_to_json", "registered"]


class Clusterer(Protocol):
    """Cluster labels for one layout's points (-1: noise), the same for the same points every time.

    An implementation is a frozen dataclass decorated with ``registered``, so that its fields
    can be written as JSON and read back in a worker process.
    """

    kind: ClassVar[str]  # its name in CLUSTERERS and in the settings written for workers
    title: ClassVar[str]  # its name for people, in progress messages

    def prepare(self) -> None:
        """Import the libraries it clusters with, before the layout limits thread pools to one.

        ``threadpoolctl`` limits only the thread pools already loaded, so a library imported
        afterwards would cluster with every core, and its rounding could change with them.
        """

    def labels(self, points: np.ndarray) -> np.ndarray:
        """Each point's cluster (0, 1, ...), or -1 for noise."""


CLUSTERERS: dict[str, type] = {}

_C = TypeVar("_C", bound=type)


def registered(cls: _C) -> _C:
    """Register a clusterer class under its ``kind``, so that workers can rebuild it from JSON."""
    kind: str = cls.kind  # type: ignore[attr-defined]
    if kind in CLUSTERERS:
        raise ValueError(f"two clusterers of kind {kind!r}")
    CLUSTERERS[kind] = cls
    return cls


@registered
@dataclass(frozen=True)
class HdbscanClusterer:
    """HDBSCAN's clusters of one layout (-1: noise), with a smoothing that grows with the corpus.

    ``min_samples`` is by default the square root of the minimum candidate size (4 at 1,000
    segments, 7 at 10,000, 13 at 100,000: ``DiscoveryParams.cluster_min_samples``). With a
    fixed 2, each layout chose its own granularity: one lumped two neighbouring themes that
    the next split, and the vote between layouts then flipped with the seed. A larger
    ``min_samples`` smooths the density estimate, so layouts make the same choice more often;
    much larger values cost NMI and agreement again. Measured with and without the root in
    benchmarks/bench_seed_consensus.py.

    No cluster of more than a fifth of the segments (or ten minimum sizes, so small studies
    with a few clear groups keep them) is selected: on some seeds the selection otherwise
    settled on two top-level blobs.
    """

    min_size: int
    min_samples: int
    kind: ClassVar[str] = "hdbscan"
    title: ClassVar[str] = "HDBSCAN"

    def prepare(self) -> None:
        import hdbscan  # noqa: F401

    def labels(self, points: np.ndarray) -> np.ndarray:
        from hdbscan import HDBSCAN

        model = HDBSCAN(min_cluster_size=self.min_size, min_samples=self.min_samples, metric="euclidean",
                        cluster_selection_method="eom",
                        max_cluster_size=max(len(points) // 5, 10 * self.min_size), core_dist_n_jobs=1)
        return model.fit_predict(points)


@registered
@dataclass(frozen=True)
class KMeansClusterer:
    """k-means with a fixed seed: ``clusters`` clusters in every layout, and no noise.

    Not what discovery uses by default (the number of themes is what a researcher wants to
    find out, and k-means puts every segment somewhere); it is here so a team can compare,
    and as the proof that a clusterer is one class.
    """

    clusters: int
    seed: int = 0
    kind: ClassVar[str] = "kmeans"
    title: ClassVar[str] = "k-means"

    def prepare(self) -> None:
        import sklearn.cluster  # noqa: F401

    def labels(self, points: np.ndarray) -> np.ndarray:
        from sklearn.cluster import KMeans

        k = max(1, min(self.clusters, len(points)))
        return KMeans(n_clusters=k, n_init=10, random_state=self.seed).fit_predict(points)


def clusterer_to_json(clusterer: Clusterer) -> dict[str, Any]:
    """The clusterer as JSON-ready fields, with its kind: what a worker needs to rebuild it."""
    if not is_dataclass(clusterer) or CLUSTERERS.get(clusterer.kind) is not type(clusterer):
        raise TypeError(f"{type(clusterer).__name__} is not a registered clusterer dataclass")
    return {"kind": clusterer.kind, **asdict(clusterer)}  # type: ignore[call-overload]


def clusterer_from_json(data: dict[str, Any]) -> Clusterer:
    """The clusterer ``clusterer_to_json`` wrote."""
    fields = dict(data)
    kind = fields.pop("kind", None)
    if kind not in CLUSTERERS:
        raise WorkbenchError(f"unknown clusterer {kind!r}: known are {', '.join(sorted(CLUSTERERS))}")
    return CLUSTERERS[kind](**fields)
