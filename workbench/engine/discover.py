"""Candidate themes from segment embeddings: BERTopic's recipe, step by step.

UMAP reduces, HDBSCAN clusters, BERTopic's c-TF-IDF finds each cluster's words, and a phrase
its members said, picked much as BERTopic's maximal marginal relevance picks words, labels
it (no LLM, nothing online). Around that the workbench adds what researchers need and
plain BERTopic does not give them:

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
``keyword_text``), ``placement`` and ``phrases`` (labels). ``discovery_settings`` holds the
parameters, ``projection`` the map's layout and ``split_proposal`` the proposed parts of a
split; the names other modules import from here are re-exported.
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
from workbench.engine.context import read_with_questions, unit_rows
from workbench.engine.discovery_settings import DiscoveryParams, auto_min_size, auto_runs, auto_sub_size, clusterable
from workbench.engine.documents import Doc
from workbench.engine.keyword_text import FILLER_PHRASES, FILLERS, keyword_texts
from workbench.engine.layout_cache import layout_keys
from workbench.engine.layouts import draw_layouts, worker_count
from workbench.engine.naming import WordEmbedder, asked_labels, cluster_keywords, make_label, representatives
from workbench.engine.neighbours import neighbours
from workbench.engine.phrases import phrase_labels
from workbench.engine.placement import assign_segments
from workbench.engine.projection import project_2d
from workbench.engine.small_talk import GROUP_LABEL, chatty
from workbench.engine.split_proposal import ProposedPart, propose_split
from workbench.engine.sub_candidates import sub_groups

if TYPE_CHECKING:
    import numpy as np

    from workbench.engine.clustering import Clusterer
    from workbench.engine.layout_cache import LayoutCache

__all__ = ["FILLERS", "FILLER_PHRASES", "Candidate", "Discovery", "DiscoveryParams", "Doc", "ProposedPart",
           "SubCandidate",
           "auto_min_size", "auto_runs", "clusterable", "discover", "merge_pairs", "project_2d", "propose_split",
           "representatives"]


@dataclass
class SubCandidate:
    """A narrower group inside a candidate, found by the same run's layouts (``sub_candidates``)."""

    label: str
    keywords: list[tuple[str, float]]
    members: list[tuple[str, float]]  # (segment id, similarity to the sub-candidate's centre), most similar first
    representatives: list[str]
    stability: float

    @property
    def size(self) -> int:
        return len(self.members)


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
    kind: str = "theme"  # or "small_talk": the one group of turns with no analytic content (``small_talk``)
    label_is_phrase: bool = False  # the label is a phrase the members said; otherwise a list of keywords
    children: list[SubCandidate] = field(default_factory=list)  # sub-candidates to drill into

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
    layouts_kept: int = 0  # layouts read from an earlier run's (``layout_cache``), not drawn
    layout_workers: int = 0  # processes that drew the rest (what a layout's time is shared among)

    @property
    def themes(self) -> list[Candidate]:
        """The candidates proper: every one but the small-talk group."""
        return [c for c in self.candidates if c.kind == "theme"]

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
             workers: int | None = None, clusterer: Clusterer | None = None,
             questions: np.ndarray | None = None, joined: np.ndarray | None = None,
             kept: LayoutCache | None = None) -> Discovery:
    """Cluster ``docs`` (with their embeddings, rows in the same order) into candidates.

    ``workers``: processes that draw the layouts (None: one per core from
    ``layouts.PARALLEL_FROM`` segments); it changes the time taken, never the result.
    ``clusterer``: what clusters each layout (None: HDBSCAN with the sizes ``params`` give).
    ``questions``: the vector of each doc's question (``Doc.question``; a row of zeros where
    it has none), read with the answer at ``params.question_weight`` (``context``).
    ``joined``: where ``params.question_reading`` is "joined", each doc's vector of its text
    and its question's embedded as one (``context.joined_text``; its own vector where it has
    no question), clustered in place of the vectors added; a weight of 0 still reads answers alone.
    ``kept``: where seeded layouts are kept between runs (``layout_cache``): a layout kept for
    the same vectors, settings and seed is read instead of drawn, and the ones drawn are kept.
    The result is the same with or without it (a test).

    Small talk (``small_talk``) is set apart first and becomes one group of its own, the last
    candidate, of kind "small_talk"; the rest is clustered. Only in dialogue: where no doc
    has a question, nothing is set apart.
    """
    import numpy as np

    from workbench.engine.small_talk import SmallTalkSettings, find_small_talk

    everything = list(docs)
    own = unit_rows(embeddings) if len(everything) else np.zeros((0, 1), dtype=np.float32)
    start = time.perf_counter()
    # Small talk is talk's: where no answer has a question before it (a table of survey answers,
    # titles) "Nothing." and "Very good." are answers, and nothing is set apart.
    dialogue = any(d.question for d in everything)
    language = params.small_talk if dialogue else "off"
    small = find_small_talk([d.text for d in everything], own, [d.question for d in everything],
                            word_embedder, SmallTalkSettings(language, tuple(params.small_talk_phrases)))
    small_time = time.perf_counter() - start
    if not len(everything) or params.question_weight == 0:
        read = own
    elif params.question_reading == "joined" and joined is not None:
        read = unit_rows(joined)
    elif questions is not None:
        read = read_with_questions(own, questions, params.question_weight)
    else:
        read = own
    keep = [i for i in range(len(everything)) if not small.mask[i]]
    found = _discover(
        [everything[i] for i in keep], read[keep], params, word_embedder, progress, workers, clusterer,
        apart=[(everything[i], small.scores[i]) for i in range(len(everything)) if small.mask[i]],
        margins=np.asarray([small.scores[i] for i in keep]) if language != "off" else None,
        baseline=small.baseline, kept=kept)
    found.timings["small_talk"] = small_time
    return found


def _discover(docs: Sequence[Doc], embeddings: np.ndarray, params: DiscoveryParams,
              word_embedder: WordEmbedder | None, progress: Progress | None, workers: int | None,
              clusterer: Clusterer | None, apart: list[tuple[Doc, float]],
              margins: np.ndarray | None = None, baseline: float = 0.0,
              kept: LayoutCache | None = None) -> Discovery:
    """``discover`` on the turns with content, with ``apart`` (small talk, with its scores) as one last group.

    ``margins``: each doc's small-talk margin (``small_talk``); a cluster whose members are on
    average closer to small talk than to content joins the small-talk group (``chatty``).
    """
    import numpy as np

    timings: dict[str, float] = {}
    n = len(docs)
    min_size = params.min_cluster_size(n)
    by_id = {d.id: d for d in docs} | {d.id: d for d, _ in apart}
    if not clusterable(n, min_size):
        if progress:
            progress(1, 1, "too few segments to cluster")
        assignment = {d.id: (-1, 0.0) for d in docs}
        group = _small_talk_group(0, apart, [], [])
        for d, score in apart:
            assignment[d.id] = (0, score)
        return Discovery(group, assignment, dict(assignment), [], [], timings, min_size)

    seeds = params.run_seeds(n)
    steps = len(seeds) + 4

    def stage(name: str, step: int) -> float:
        if progress:
            progress(step, steps, name)
        return time.perf_counter()

    unit = np.asarray(embeddings, dtype=np.float32)
    unit = unit / np.clip(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12, None)
    n_neighbors = max(2, min(params.n_neighbors, n - 1))
    settings = params.layout_settings(n, clusterer)
    keys = layout_keys(unit, n_neighbors, settings, seeds, kept.salt) if kept is not None else []
    have = kept.found(keys) if kept is not None else {}
    to_draw = [s for s, key in zip(seeds, keys, strict=True) if key not in have] if keys else list(seeds)

    start = stage("finding each segment's neighbours" if to_draw else f"reading {len(seeds)} layouts kept by an "
                  "earlier run on the same segments", 0)
    if to_draw:
        clustering_stack()  # before UMAP is first imported; a run that draws nothing needs neither (numba: 0.3 s)
    knn = neighbours(unit, n_neighbors) if to_draw else None  # only layouts use the graph
    timings["neighbours"] = time.perf_counter() - start

    def drawn(finished: int) -> None:
        if progress:
            progress(1 + len(seeds) - len(to_draw) + finished, steps, f"layout {finished} of {len(to_draw)} drawn")

    processes = worker_count(n, len(to_draw), workers) if to_draw else 0
    texts = [d.text for d in docs]
    set_apart = [d.text for d, _ in apart]  # the turns found small talk one by one, named with the group
    cleaned = _Ahead(lambda: keyword_texts([*texts, *set_apart]))
    kept_note = f"; {len(seeds) - len(to_draw)} kept from an earlier run" if len(to_draw) < len(seeds) else ""
    start = stage(f"drawing {len(to_draw)} layouts (UMAP, then {settings.clusterer.title}; {processes} at a "
                  f"time{kept_note})" if to_draw else f"{len(seeds)} layouts kept from an earlier run", 1)
    # Imports in two threads at once can meet in a cycle, and Python then hands one of them a
    # half-imported module: so the work ahead is finished before this thread imports again,
    # also when drawing the layouts failed.
    try:
        fresh = draw_layouts(unit, knn, to_draw, settings, processes, drawn, idle=cleaned.start) if to_draw else []
    finally:
        timings["layouts"] = time.perf_counter() - start
        start = time.perf_counter()
        cleaned.wait()
        waited = time.perf_counter() - start
    if kept is not None and to_draw:
        key_of = dict(zip(seeds, keys, strict=True))
        kept.keep({key_of[s]: labels for s, labels in zip(to_draw, fresh, strict=True)})
    by_seed = dict(zip(to_draw, fresh, strict=True))
    runs = [by_seed[s] if s in by_seed else have[key] for s, key in zip(seeds, keys or [None] * len(seeds),
                                                                        strict=True)]

    start = stage("keeping what most layouts agree on", len(seeds) + 1)
    fine_runs = [r[1] for r in runs if r.ndim == 2]
    runs = [r[0] if r.ndim == 2 else r for r in runs]
    labels, stability = consensus(unit, runs, params.same_theme)
    moved = np.zeros(n, dtype=bool)
    if margins is not None:
        labels, stability, moved = chatty(labels, stability, margins, baseline)
        apart = [*apart, *((docs[i], float(margins[i])) for i in np.flatnonzero(moved))]
    timings["consensus"] = time.perf_counter() - start
    k = int(labels.max()) + 1 if labels.max() >= 0 else 0

    start = stage("assigning every segment", len(seeds) + 2)
    centroids, sims, placed = assign_segments(unit, labels, params.min_similarity)
    nearest_c = sims.argmax(axis=1) if k else np.full(n, -1)
    assignment: dict[str, tuple[int, float]] = {}
    nearest: dict[str, tuple[int, float]] = {}
    for i, doc in enumerate(docs):
        if moved[i]:  # small talk as a whole cluster: the group's, set below
            continue
        if k == 0:
            assignment[doc.id] = nearest[doc.id] = (-1, 0.0)
            continue
        near = int(nearest_c[i])
        nearest[doc.id] = (near, round(float(sims[i, near]), 4))
        to = int(placed[i])
        assignment[doc.id] = (to, round(float(sims[i, to]), 4)) if to >= 0 else (-1, nearest[doc.id][1])
    timings["assign"] = time.perf_counter() - start

    # Candidates are named by their members, every segment placed in them: the stable cores
    # alone can be a few turns each saying a word once ("(no distinctive words)" for a
    # candidate of 23 turns about mates). Small talk is named as one more class, so its words
    # ("thanks", "sorry") name it and no candidate. Labels are phrases the members said
    # (``phrases``); the keyword label where no phrase qualifies.
    start = stage("naming candidates (c-TF-IDF)", len(seeds) + 3)
    members = np.where(moved, k, placed)
    said = [*texts, *set_apart]
    named = np.concatenate([members, np.full(len(set_apart), k, dtype=int)])
    keywords, label_words = (cluster_keywords(said, named, embeddings, word_embedder, params.seed,
                                              cleaned.result())
                             if k else ({}, {}))
    timings["keywords"] = time.perf_counter() - start + waited
    start = time.perf_counter()
    fallbacks = {c: make_label(label_words.get(c, []), keywords.get(c, [])) for c in range(k)}
    fallbacks |= asked_labels([d.question for d in docs], np.where(moved, -1, placed),
                              [c for c in range(k) if not keywords.get(c)])
    named = phrase_labels(texts, np.where(moved, -1, placed), centroids, keywords, word_embedder,
                          fallbacks) if k else {}
    timings["phrases"] = time.perf_counter() - start

    candidates = []
    for c in range(k):
        members = sorted(((seg, sim) for seg, (cand, sim) in assignment.items() if cand == c),
                         key=lambda m: (-m[1], m[0]))
        people = {by_id[s].participant for s, _ in members if by_id[s].participant}
        sites = {by_id[s].site for s, _ in members if by_id[s].site}
        candidates.append(Candidate(
            number=c, label=named[c].text, label_is_phrase=named[c].is_phrase, keywords=keywords.get(c, []),
            representatives=representatives(members, by_id), members=members, participants=len(people),
            sites=len(sites), stability=stability[c], centroid=centroids[c]))
    start = time.perf_counter()
    _open_up(candidates, docs, unit, fine_runs, params, word_embedder, by_id)
    timings["sub_candidates"] = time.perf_counter() - start

    suggestions: list[tuple[int, int, float]] = []
    hierarchy: list[dict[str, object]] = []
    if k >= 2:
        suggestions = merge_pairs(centroids)
        from scipy.cluster.hierarchy import linkage

        tree = linkage(centroids.astype(np.float64), method="average", metric="cosine")
        for step, (a, b, dist, size) in enumerate(tree.tolist()):
            hierarchy.append({"node": k + step, "children": [int(a), int(b)], "distance": round(dist, 4),
                              "size": int(size)})
    if apart:
        candidates.extend(_small_talk_group(k, apart, keywords.get(k, []), candidates))
        for d, score in apart:
            assignment[d.id] = nearest[d.id] = (k, score)
    if progress:
        progress(steps, steps, "done")
    return Discovery(candidates, assignment, nearest, suggestions, hierarchy, timings, min_size,
                     layouts_kept=len(seeds) - len(to_draw), layout_workers=processes)


def _small_talk_group(number: int, apart: list[tuple[Doc, float]], keywords: list[tuple[str, float]],
                      candidates: list[Candidate]) -> list[Candidate]:
    """The small-talk group as a candidate of its own kind (none when there is no small talk).

    Its members are ordered most small-talk-like first; its centre is nobody's, as its
    turns were never clustered (zeros the size of the candidates' centres).
    """
    import numpy as np

    if not apart:
        return []
    members = sorted(((d.id, round(float(score), 4)) for d, score in apart), key=lambda m: (-m[1], m[0]))
    width = candidates[0].centroid.shape[0] if candidates else 1
    return [Candidate(
        number=number, label=GROUP_LABEL, keywords=keywords, representatives=[d for d, _ in members[:5]],
        members=members, participants=len({d.participant for d, _ in apart if d.participant}),
        sites=len({d.site for d, _ in apart if d.site}), stability=1.0,
        centroid=np.zeros(width, dtype=np.float32), kind="small_talk")]


def _open_up(candidates: list[Candidate], docs: Sequence[Doc], unit: np.ndarray, fine_runs: list[np.ndarray],
             params: DiscoveryParams, word_embedder: WordEmbedder | None, by_id: dict[str, Doc]) -> None:
    """Each candidate's sub-candidates from the layouts' finer clusters, named as candidates are."""
    import numpy as np

    if not fine_runs:
        return
    row = {d.id: i for i, d in enumerate(docs)}
    sub_min = auto_sub_size(params.min_cluster_size(len(docs)))
    for candidate in candidates:
        members = np.asarray([row[s] for s, _ in candidate.members], dtype=int)
        found = sub_groups(unit, members, fine_runs, params.same_theme, sub_min)
        if found is None:
            continue
        texts = [docs[i].text for i in members]
        keywords, words = cluster_keywords(texts, found.parts, unit[members], word_embedder, params.seed)
        centres = np.stack([unit[members[found.parts == p]].mean(axis=0) for p in range(found.count)])
        centres /= np.clip(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12, None)
        fallbacks = {p: make_label(words.get(p, []), keywords.get(p, [])) for p in range(found.count)}
        fallbacks |= asked_labels([docs[i].question for i in members], found.parts,
                                  [p for p in range(found.count) if not keywords.get(p)])
        named = phrase_labels(texts, found.parts, centres, keywords, word_embedder, fallbacks)
        for p in range(found.count):
            inside = members[found.parts == p]
            sims = unit[inside] @ centres[p]
            ranked = sorted(((docs[i].id, round(float(v), 4)) for i, v in zip(inside, sims, strict=True)),
                            key=lambda m: (-m[1], m[0]))
            candidate.children.append(SubCandidate(
                label=named[p].text, keywords=keywords.get(p, []),
                members=ranked, representatives=representatives(ranked, by_id), stability=found.stability[p]))
