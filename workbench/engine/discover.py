"""Candidate themes from segment embeddings: BERTopic's recipe, step by step.

UMAP reduces, HDBSCAN clusters, BERTopic's c-TF-IDF names clusters by their words and its
maximal marginal relevance picks the words of a label (no LLM, nothing online). Around that
the workbench adds what researchers need and plain BERTopic does not give them:

- no segment is silently dropped: every segment gets its nearest candidate and a
  similarity, and only those below a threshold are left unassigned, for triage;
- a number of candidates a team can review, from a minimum size that grows with the
  corpus, and a hierarchy of candidates to drill into;
- representative quotes spread across participants and sites;
- candidates that do not hang on one random layout: UMAP is run several times with seeds
  drawn from the run's seed, HDBSCAN clusters each layout, and a candidate is a theme that a
  majority of the layouts find (see ``consensus``);
- a stability score: how consistently each candidate reappears across those layouts
  (best-match Jaccard), so robust themes can be told from artefacts;
- merge suggestions, and identical output for identical input and seed.

This module is the pipeline; each stage is a module of its own, in the order ``discover``
runs them: ``neighbours``, ``layouts`` (each layout clustered by a ``clustering.Clusterer``,
in worker processes through ``layout_processes``), ``consensus``, ``naming`` (words from
``keyword_text``) and ``placement``. ``discovery_settings`` holds the parameters,
``projection`` the map's layout and ``split_proposal`` the proposed parts of a split; the
names other modules import from here are re-exported.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.core.progress import Progress
from workbench.engine.compiled import clustering_stack
from workbench.engine.consensus import consensus
from workbench.engine.discovery_settings import DiscoveryParams, auto_min_size, auto_runs, clusterable
from workbench.engine.documents import Doc
from workbench.engine.keyword_text import FILLER_PHRASES, FILLERS, keyword_texts
from workbench.engine.layouts import draw_layouts, worker_count
from workbench.engine.naming import WordEmbedder, cluster_keywords, make_label, representatives
from workbench.engine.neighbours import neighbours
from workbench.engine.placement import assign_segments
from workbench.engine.projection import project_2d
from workbench.engine.split_proposal import ProposedPart, propose_split

if TYPE_CHECKING:
    import numpy as np

    from workbench.engine.clustering import Clusterer

__all__ = ["FILLERS", "FILLER_PHRASES", "Candidate", "Discovery", "DiscoveryParams", "Doc", "ProposedPart",
           "auto_min_size", "auto_runs", "clusterable", "discover", "merge_pairs", "project_2d", "propose_split",
           "representatives"]


@dataclass
class Candidate:
    number: int
    label: str
    keywords: list[tuple[str, float]]
    representatives: list[str]
    members: list[tuple[str, float]]  # (segment id, similarity to the centroid), most similar first
    participants: int
    sites: int
    stability: float
    centroid: np.ndarray = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Discovery:
    candidates: list[Candidate]
    assignment: dict[str, tuple[int, float]]  # segment -> (candidate, or -1 if unassigned; similarity)
    nearest: dict[str, tuple[int, float]]  # segment -> its nearest candidate and similarity, always
    merge_suggestions: list[tuple[int, int, float]]
    hierarchy: list[dict[str, object]]
    timings: dict[str, float]
    min_cluster_size: int

    @property
    def coverage(self) -> float:
        if not self.assignment:
            return 0.0
        return sum(1 for c, _ in self.assignment.values() if c >= 0) / len(self.assignment)


class _Ahead:
    """Work started early in a thread, when a core falls idle, and waited for where it is needed.

    Never started (no idle core came), it runs in the caller's thread when its result is
    asked for. A failure is raised there too, as if it had run in place.
    """

    def __init__(self, work: Callable[[], object]) -> None:
        self._work = work
        self._thread: threading.Thread | None = None
        self._outcome: tuple[bool, object] | None = None

    def start(self) -> None:
        if self._thread is None and self._outcome is None:
            self._thread = threading.Thread(target=self._run, name="workbench-ahead", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = (True, self._work())
        except BaseException as exc:  # re-raised in the caller's thread by result()
            self._outcome = (False, exc)

    def wait(self) -> None:
        """Until the work is done, if it was started; otherwise nothing (``result`` will do it)."""
        if self._thread is not None:
            self._thread.join()

    def result(self) -> object:
        if self._thread is not None:
            self._thread.join()
        elif self._outcome is None:
            self._run()
        assert self._outcome is not None
        done, value = self._outcome
        if not done:
            raise value  # type: ignore[misc]
        return value


def merge_pairs(centroids: np.ndarray) -> list[tuple[int, int, float]]:
    """Pairs of candidates each of which is the other's closest, most similar first.

    A fixed number of the most similar pairs would offer every pair of a run with few
    candidates, however far apart, and would offer a small candidate beside a central one
    that has closer partners. Mutual nearest neighbours need no threshold and say the same
    thing on any model's scale: of all candidates, these two are closest to each other.
    The run's closest pair is always one of them, however far apart: each comes with its
    similarity for the researcher to judge.
    """
    import numpy as np

    unit = centroids / np.clip(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12, None)
    pair = unit @ unit.T
    np.fill_diagonal(pair, -np.inf)
    closest = pair.argmax(axis=1)
    mutual = [(a, int(b), round(float(pair[a, b]), 4)) for a, b in enumerate(closest) if a < b and closest[b] == a]
    return sorted(mutual, key=lambda t: (-t[2], t[0]))


def discover(docs: Sequence[Doc], embeddings: np.ndarray, params: DiscoveryParams = DiscoveryParams(),
             word_embedder: WordEmbedder | None = None, progress: Progress | None = None,
             workers: int | None = None, clusterer: Clusterer | None = None) -> Discovery:
    """Cluster ``docs`` (with their embeddings, rows in the same order) into candidates.

    ``workers``: processes that draw the layouts (None: one per core from
    ``layouts.PARALLEL_FROM`` segments); it changes the time taken, never the result.
    ``clusterer``: what clusters each layout (None: HDBSCAN with the sizes ``params`` give).
    """
    import numpy as np

    clustering_stack()
    timings: dict[str, float] = {}
    n = len(docs)
    min_size = params.min_cluster_size(n)
    by_id = {d.id: d for d in docs}
    if not clusterable(n, min_size):
        if progress:
            progress(1, 1, "too few segments to cluster")
        assignment = {d.id: (-1, 0.0) for d in docs}
        return Discovery([], assignment, dict(assignment), [], [], timings, min_size)

    seeds = params.run_seeds(n)
    steps = len(seeds) + 4

    def stage(name: str, step: int) -> float:
        if progress:
            progress(step, steps, name)
        return time.perf_counter()

    start = stage("finding each segment's neighbours", 0)
    unit = np.asarray(embeddings, dtype=np.float32)
    unit = unit / np.clip(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12, None)
    knn = neighbours(unit, max(2, min(params.n_neighbors, n - 1)))
    timings["neighbours"] = time.perf_counter() - start

    def drawn(finished: int) -> None:
        if progress:
            progress(1 + finished, steps, f"layout {finished} of {len(seeds)} drawn")

    processes = worker_count(n, len(seeds), workers)
    settings = params.layout_settings(n, clusterer)
    texts = [d.text for d in docs]
    cleaned = _Ahead(lambda: keyword_texts(texts))
    start = stage(f"drawing {len(seeds)} layouts (UMAP, then {settings.clusterer.title}; {processes} at a time)", 1)
    # Imports in two threads at once can meet in a cycle, and Python then hands one of them a
    # half-imported module: so the work ahead is finished before this thread imports again,
    # also when drawing the layouts failed.
    try:
        runs = draw_layouts(unit, knn, seeds, settings, processes, drawn, idle=cleaned.start)
    finally:
        timings["layouts"] = time.perf_counter() - start
        start = time.perf_counter()
        cleaned.wait()
        waited = time.perf_counter() - start

    start = stage("keeping what most layouts agree on", len(seeds) + 1)
    labels, stability = consensus(unit, runs, params.same_theme)
    timings["consensus"] = time.perf_counter() - start
    k = int(labels.max()) + 1 if labels.max() >= 0 else 0

    start = stage("naming candidates (c-TF-IDF)", len(seeds) + 2)
    keywords, label_words = (cluster_keywords(texts, labels, embeddings, word_embedder, params.seed,
                                              cleaned.result())  # type: ignore[arg-type]
                             if k else ({}, {}))
    timings["keywords"] = time.perf_counter() - start + waited

    start = stage("assigning every segment", len(seeds) + 3)
    centroids, sims, placed = assign_segments(unit, labels, params.min_similarity)
    nearest_c = sims.argmax(axis=1) if k else np.full(n, -1)
    assignment: dict[str, tuple[int, float]] = {}
    nearest: dict[str, tuple[int, float]] = {}
    for i, doc in enumerate(docs):
        if k == 0:
            assignment[doc.id] = nearest[doc.id] = (-1, 0.0)
            continue
        near = int(nearest_c[i])
        nearest[doc.id] = (near, round(float(sims[i, near]), 4))
        to = int(placed[i])
        assignment[doc.id] = (to, round(float(sims[i, to]), 4)) if to >= 0 else (-1, nearest[doc.id][1])
    timings["assign"] = time.perf_counter() - start

    candidates = []
    for c in range(k):
        members = sorted(((seg, sim) for seg, (cand, sim) in assignment.items() if cand == c),
                         key=lambda m: (-m[1], m[0]))
        people = {by_id[s].participant for s, _ in members if by_id[s].participant}
        sites = {by_id[s].site for s, _ in members if by_id[s].site}
        candidates.append(Candidate(
            number=c, label=make_label(label_words.get(c, []), keywords.get(c, [])), keywords=keywords.get(c, []),
            representatives=representatives(members, by_id), members=members, participants=len(people),
            sites=len(sites), stability=stability[c], centroid=centroids[c]))

    suggestions: list[tuple[int, int, float]] = []
    hierarchy: list[dict[str, object]] = []
    if k >= 2:
        suggestions = merge_pairs(centroids)
        from scipy.cluster.hierarchy import linkage

        tree = linkage(centroids.astype(np.float64), method="average", metric="cosine")
        for step, (a, b, dist, size) in enumerate(tree.tolist()):
            hierarchy.append({"node": k + step, "children": [int(a), int(b)], "distance": round(dist, 4),
                              "size": int(size)})
    if progress:
        progress(steps, steps, "done")
    return Discovery(candidates, assignment, nearest, suggestions, hierarchy, timings, min_size)
