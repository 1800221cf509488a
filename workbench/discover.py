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
  majority of the layouts find (see ``_consensus``);
- a stability score: how consistently each candidate reappears across those layouts
  (best-match Jaccard), so robust themes can be told from artefacts;
- merge suggestions, and identical output for identical input and seed.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["FILLERS", "FILLER_PHRASES", "Candidate", "Discovery", "DiscoveryParams", "Doc", "ProposedPart",
           "auto_min_size", "auto_runs", "clusterable", "discover", "project_2d", "propose_split"]

Progress = Callable[[int, int, str], None]
WordEmbedder = Callable[[Sequence[str]], "np.ndarray"]

# Conversational fillers and transcript furniture that c-TF-IDF would otherwise rank high:
# words that carry no topic in talk. Words that are fillers only in some phrases ("kind
# of", "I mean", "of course") are not here: "kind staff", "a good start" and "the right
# support" are what a theme can be about, so those phrases are removed instead.
FILLERS = frozenset("""
yeah yes yep yup no nope um umm uh uhm er erm ah eh oh ooh mm mmm mhm hmm huh okay ok alright
like just really actually basically literally honestly obviously probably maybe quite pretty know
think thought thing things stuff lot lots bit got gonna wanna gotta get gets getting kinda sorta
go goes going went said say says saying tell told well sure fine guess suppose cos coz cuz
dunno want wanted laughs laughter inaudible crosstalk pause interviewer facilitator
don didn doesn isn wasn weren aren couldn wouldn shouldn haven hasn hadn won ve ll re im ive youre
""".split())
# Filler phrases, removed whole before counting words (see FILLERS).
FILLER_PHRASES = re.compile(
    r"\b(?:you know|you see|i mean|kind of|sort of|of course|i think|i guess|i suppose|to be honest"
    r"|if that makes sense|at the end of the day|or something|and stuff|and things like that|pretty much"
    r"|all right|right now|that['\u2019]?s right)\b|\bright\s*[?,]",
    re.IGNORECASE)
_BRACKETED = re.compile(r"\[[^\]]{0,60}\]")
_COMPOUND = re.compile(r"\b[a-zA-Z]+(?:-[a-zA-Z]+)+\b")
# Contractions written without their apostrophe, as transcripts often have them: stop words
# like the words they stand for. Forms that are also words ("ill", "well", "were", "shed",
# "hell", "shell", "wed") are not here; written with an apostrophe, ``_tokens`` drops them.
CONTRACTIONS = frozenset("""
thats dont doesnt didnt isnt wasnt werent arent cant couldnt wouldnt shouldnt wont aint havent hasnt hadnt
mustnt neednt im ive id youre youve youd youll hes shes theyre theyve theyd theyll weve itll itd
theres heres whats whos wheres hows whens whys lets thatll wouldve couldve shouldve mightve yall yknow
""".split())
# Auxiliaries scikit-learn's English stop words lack ("do", "has", "being" are there): a
# sub-group of sign-offs was named "sorry / read / did / ask".
AUXILIARIES = frozenset("does did doing having shall".split())
# A word for keywords: letters, and hyphenated compounds kept whole ("multi-agency",
# "well-being", "follow-up"), which split apart would lose their sense or their first half;
# with what follows an apostrophe, so that ``_tokens`` can tell contractions from possessives.
_TOKEN = re.compile(r"\b[a-z]+(?:-[a-z]+)*(?:'[a-z]+)?\b")
# Curly and other apostrophes, read as the straight one.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u00b4\uff07`", "'"))
# What follows the apostrophe of a contraction of a pronoun or an auxiliary: the word goes whole.
_CLITICS = frozenset({"t", "m", "re", "ve", "ll", "d"})
# Words whose "'s" is "is" or "us", never a possessive: "that's", "it's", "let's".
_WITH_IS = frozenset("that it he she there here what who where how when why let".split())


def auto_min_size(n: int) -> int:
    """Smallest candidate size for ``n`` segments: grows with the square root of the corpus.

    A fixed minimum (BERTopic's 10) yields hundreds of candidates on a large study; half
    the square root gives tens (about 16 at 1,000 segments, 50 at 10,000, 158 at 100,000).
    """
    return max(5, round(math.sqrt(max(n, 1)) / 2))


# Segment-layouts one run may spend on its vote: see auto_runs.
LAYOUT_BUDGET = 300_000


def auto_runs(n: int) -> int:
    """How many seeded layouts vote for ``n`` segments: 31 up to about 10,000, then a fixed budget, at least 5.

    Always an odd number. Where neighbouring themes are weakly separated, some layouts lump
    them into one cluster and others split them in two; with an even count the two choices
    can tie, and a tie left none of the three themes with a majority, so a whole region of
    the corpus lost its candidates. On StackOverflow titles, ten layouts with seed 7 gave
    an ARI of 0.835 to seed 42's run and eleven 0.973 (benchmarks/bench_seed_consensus.py);
    a session diagnosis, not scripted, found the ten tied five to five over the Scala and
    Haskell questions.

    A layout's cost grows in proportion to the number of segments, so the count is a fixed
    budget of LAYOUT_BUDGET segment-layouts, capped at 31 and floored at 5: from 10,000
    segments up, the layouts take about the same time whatever the size (on two cores, a
    whole run with embeddings given took 158 s with 29 layouts on 10,334 NHS answers, and
    15 layouts took 134 s on 20,000 interview segments). The cap is where small studies
    settle: one layout alone agrees with another seed's at an ARI of 0.62-0.71 on the
    1,024-segment sample corpus, 31 layouts at 0.935-0.958. The budget is set by the layout
    scan (benchmarks/bench_layout_scan.py): on 10,334 NHS answers two seeds' worst pair
    stays at 0.84-0.91 up to 25 layouts and reaches 0.93-0.94 from 27, while on 20,000
    StackOverflow titles 5 layouts already give 0.957 or more. So: 31 up to 10,000
    segments (29 for those NHS answers), 21 at 15,000, 15 at 20,000, 7 at 50,000 and 5
    from just over 50,000, where a layout costs a minute or more and its clusters hold
    thousands of segments each.
    """
    share = LAYOUT_BUDGET / max(n, 1)
    return max(5, min(31, 2 * math.floor(share / 2) + 1))


@dataclass(frozen=True)
class DiscoveryParams:
    seed: int = 42
    min_size: int | None = None  # None: auto_min_size(number of segments)
    include_interviewer: bool = False
    min_similarity: float = 0.25  # under this, and far out among its candidate's members: unassigned
    n_neighbors: int = 15
    n_components: int = 5
    runs: int | None = None  # seeded UMAP layouts that vote (at least 2; odd avoids ties); None: auto_runs(n)
    same_theme: float = 0.1  # cosine distance under which two runs' clusters are one theme
    min_samples: int | None = None  # HDBSCAN's smoothing; None: the square root of the minimum size

    def __post_init__(self) -> None:
        if self.runs is not None and self.runs < 2:
            raise WorkbenchError(f"runs must be at least 2 (got {self.runs}): candidates are what a majority of "
                                 "seeded layouts agree on, and stability is measured across them")
        if self.min_samples is not None and self.min_samples < 1:
            raise WorkbenchError(f"min_samples must be at least 1 (got {self.min_samples})")
        if not 0.0 < self.same_theme < 1.0:
            raise WorkbenchError(f"same_theme must be a cosine distance between 0 and 1 (got {self.same_theme})")

    def min_cluster_size(self, n: int) -> int:
        return self.min_size or auto_min_size(n)

    def cluster_min_samples(self, min_size: int) -> int:
        """HDBSCAN's ``min_samples`` for a minimum candidate size (see ``_cluster`` for why the root)."""
        return self.min_samples or max(2, round(math.sqrt(min_size)))

    def layout_count(self, n: int) -> int:
        return self.runs or auto_runs(n)

    def run_seeds(self, n: int) -> list[int]:
        """The seeds of the layouts for ``n`` segments, drawn from ``seed``: runs with nearby seeds share no layout.

        The first seeds are the same whatever the count, so more layouts add to fewer.
        """
        import numpy as np

        return [int(s) for s in np.random.SeedSequence(self.seed).generate_state(self.layout_count(n))]


@dataclass(frozen=True)
class Doc:
    id: str
    text: str
    participant: str | None = None
    site: str | None = None


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


def _clustering_stack() -> None:
    """Cache numba's compiled code so UMAP and HDBSCAN do not recompile in every process.

    Setting NUMBA_CACHE_DIR is not enough: most of UMAP's and pynndescent's kernels are
    declared without ``cache=True`` and recompile (about 10 s here) in each new process.
    So, before they are imported, numba's decorators are given ``cache=True`` as a default;
    kernels numba cannot cache are compiled as before. Measured: the first UMAP fit in a
    fresh process is measured with and without this in benchmarks/bench_startup.py.
    """
    import sys

    if "NUMBA_CACHE_DIR" not in os.environ:
        from .embed import cache_dir

        os.environ["NUMBA_CACHE_DIR"] = str(cache_dir() / "numba")
    if "umap" in sys.modules or "pynndescent" in sys.modules:
        return
    import functools
    import warnings

    import numba

    if getattr(numba.njit, "_workbench_cached", False):
        return

    def cached(decorator):
        @functools.wraps(decorator)
        def wrapper(*args, **kwargs):
            kwargs.setdefault("cache", True)
            return decorator(*args, **kwargs)

        wrapper._workbench_cached = True  # type: ignore[attr-defined]
        return wrapper

    numba.njit = cached(numba.njit)
    numba.jit = cached(numba.jit)
    warnings.filterwarnings("ignore", message=".*cannot cache.*")


def _vectorizer_docs(texts: Sequence[str], stop: frozenset[str] = FILLERS) -> list[str]:
    """Text for keywords: pseudonyms and annotations in [brackets], and filler phrases, are not topic words.

    A hyphenated word is kept whole (WORD_PATTERN) unless every part of it is in ``stop``:
    "mm-hmm", "uh-huh" and stutters such as "we-we" are taken apart, so the stop list
    removes their parts as it would have removed them written apart.
    """
    def unless_empty(match: re.Match[str]) -> str:
        word = match.group(0)
        return word.replace("-", " ") if all(part.lower() in stop for part in word.split("-")) else word

    return [_COMPOUND.sub(unless_empty, FILLER_PHRASES.sub(" ", _BRACKETED.sub(" ", t))) for t in texts]


# Similarities computed at once when finding neighbours: about 256 MB of float32.
SIMILARITY_CELLS = 1 << 26


def _neighbours(unit: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
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


def _layout(unit: np.ndarray, knn: tuple[np.ndarray, np.ndarray], components: int, seed: int,
            min_dist: float = 0.0) -> np.ndarray:
    """One seeded UMAP layout from the shared neighbour graph."""
    import warnings

    from umap import UMAP

    n = len(unit)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")
        warnings.filterwarnings("ignore", message=".*n_jobs value.*")
        reducer = UMAP(n_neighbors=knn[0].shape[1], n_components=max(2, min(components, n - 2)), min_dist=min_dist,
                       metric="cosine", random_state=seed, low_memory=True, n_jobs=1, precomputed_knn=knn)
        return reducer.fit_transform(unit)


def _cluster(points: np.ndarray, min_size: int, min_samples: int) -> np.ndarray:
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
    from hdbscan import HDBSCAN

    model = HDBSCAN(min_cluster_size=min_size, min_samples=min_samples, metric="euclidean",
                    cluster_selection_method="eom", max_cluster_size=max(len(points) // 5, 10 * min_size),
                    core_dist_n_jobs=1)
    return model.fit_predict(points)


# Below this many segments the layouts run in this process: starting a worker (a fresh
# interpreter importing UMAP and HDBSCAN, a few seconds) costs more than a few small layouts.
# From here a study's layouts (31 of about a second each at this size: auto_runs) are drawn
# side by side by one worker per core.
PARALLEL_FROM = 1000


def _one_layout(unit: np.ndarray, knn: tuple[np.ndarray, np.ndarray], components: int, seed: int, min_size: int,
                min_samples: int) -> np.ndarray:
    """One seeded layout's clusters, computed in one thread.

    UMAP's layout is chaotic: a different rounding anywhere (BLAS or numba splitting a sum
    over another number of threads) gives another layout. One thread makes the result the
    same on every machine, and the same whether layouts are drawn here or in workers
    (seen in a session experiment, not scripted: without this, 10,000 NHS answers gave
    other candidates in workers than in this process).
    """
    import hdbscan  # noqa: F401  (loaded first: threadpool_limits limits only the thread pools already loaded)
    import numba
    import umap  # noqa: F401
    from threadpoolctl import threadpool_limits

    from . import eigen_memo

    eigen_memo.install()  # the spectral start is the same for every seed: solved once per process

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            return _cluster(_layout(unit, knn, components, seed), min_size, min_samples)
    finally:
        numba.set_num_threads(threads)


def _layouts(unit: np.ndarray, knn: tuple[np.ndarray, np.ndarray], seeds: list[int], components: int,
             min_size: int, min_samples: int, workers: int, done: Callable[[int], None],
             idle: Callable[[], None] | None = None) -> list[np.ndarray]:
    """Every seeded layout's clusters, in seed order, in ``workers`` processes (1: this one).

    Each layout depends on its seed alone, so the result is the same however many workers
    draw them (a test). Workers are fresh interpreters running ``workbench.layout_worker``,
    not forks (this process may hold ONNX Runtime's and torch's thread pools, which are not
    safe to fork) and not multiprocessing's spawn (which re-runs the caller's main script,
    so a researcher's unguarded script would start discovery again in every worker).
    ``idle`` is called once, when a worker has finished its share and the others still draw.
    """
    if workers <= 1:
        found = []
        for seed in seeds:
            found.append(_one_layout(unit, knn, components, seed, min_size, min_samples))
            done(len(found))
        return found
    from .layout_worker import draw_apart

    return draw_apart(unit, knn, seeds, (components, min_size, min_samples), workers, done, idle)


def _workers(n: int, runs: int, requested: int | None) -> int:
    """How many processes draw the layouts: one per core (at most one per layout) from PARALLEL_FROM segments.

    ``requested``, or the WORKBENCH_LAYOUT_WORKERS setting, overrides the core count (1: none).
    """
    from .layout_worker import WORKERS_ENV

    setting = os.environ.get(WORKERS_ENV, "").strip()
    if requested is None and setting:
        if not setting.isdigit() or int(setting) < 1:
            raise WorkbenchError(f"{WORKERS_ENV} must be a whole number of at least 1 (got {setting!r})")
        requested = int(setting)
    if requested is not None:
        return max(1, min(requested, runs))
    if n < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, runs))


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Largest cluster first (0, 1, ...), ties by first occurrence: stable numbering."""
    import numpy as np

    found = [c for c in dict.fromkeys(labels.tolist()) if c >= 0]
    sizes = {c: int((labels == c).sum()) for c in found}
    order = sorted(found, key=lambda c: -sizes[c])
    mapping = {old: new for new, old in enumerate(order)}
    return np.asarray([mapping.get(c, -1) for c in labels.tolist()], dtype=int)


def _consensus(unit: np.ndarray, runs: list[np.ndarray], same_theme: float) -> tuple[np.ndarray, list[float]]:
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
    labels = _renumber(labels)
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


def _fences(labels: np.ndarray, sims: np.ndarray) -> np.ndarray:
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


def _strays(labels: np.ndarray, sims: np.ndarray, threshold: float, fences: np.ndarray | None = None) -> np.ndarray:
    """Members that do not belong: far out within their own candidate, and under the threshold.

    A member is a stray when its similarity to its candidate is below both the similarity
    threshold and its candidate's far-out fence (``_fences``). Either alone would be wrong:
    short texts (titles, one-line answers) sit below the threshold as a matter of course,
    and every candidate has a lowest member.
    """
    import numpy as np

    if sims.shape[1] == 0:
        return np.zeros(len(labels), dtype=bool)
    fences = _fences(labels, sims) if fences is None else fences
    own = np.where(labels >= 0, labels, 0)
    mine = sims[np.arange(len(labels)), own]
    return (labels >= 0) & (mine < threshold) & (mine < fences[own])


def _place(labels: np.ndarray, sims: np.ndarray, threshold: float) -> np.ndarray:
    """Each segment's candidate, or -1 for triage.

    Members keep their candidate unless they are strays. Every other segment goes to its
    nearest candidate unless it fails the same two tests there: under the threshold and
    below that candidate's far-out fence.
    """
    import numpy as np

    n, k = sims.shape
    if k == 0:
        return np.full(n, -1, dtype=int)
    fences = _fences(labels, sims)
    kept = (labels >= 0) & ~_strays(labels, sims, threshold, fences)
    near = sims.argmax(axis=1)
    close = sims[np.arange(n), near]
    placed = np.where((close >= threshold) | (close >= fences[near]), near, -1)
    return np.where(kept, labels, placed)


def _placed(unit: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every segment's candidate from the consensus labels: (centroids, similarities, placement).

    The candidates' centroids are their members' mean direction; ``_place`` then keeps
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
    return centroids, sims, _place(labels, sims, threshold)


def representatives(members: list[tuple[str, float]], docs: dict[str, Doc], limit: int = 5) -> list[str]:
    """Up to ``limit`` quotes near the centre, each from a new participant and, if possible, a new site."""
    chosen: list[str] = []
    people: set[str | None] = set()
    sites: set[str | None] = set()
    for want_new_site in (True, False):
        for seg_id, _ in members:
            if len(chosen) >= limit:
                return chosen
            doc = docs[seg_id]
            person = doc.participant or seg_id
            if seg_id in chosen or person in people or (want_new_site and doc.site in sites):
                continue
            chosen.append(seg_id)
            people.add(person)
            sites.add(doc.site)
    for seg_id, _ in members:  # one talkative participant only: still show three quotes
        if len(chosen) >= min(3, len(members)):
            break
        if seg_id not in chosen:
            chosen.append(seg_id)
    return chosen


def _keyword_stop() -> frozenset[str]:
    """Words never counted as keywords: scikit-learn's English stop words, conversational fillers,
    contractions written without their apostrophe and the auxiliaries scikit-learn lacks."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | FILLERS | CONTRACTIONS | AUXILIARIES)


def _tokens(text: str) -> list[str | None]:
    """The words of a text as keywords count them: lower case, compounds whole, contractions resolved.

    People's talk is full of contractions, and transcripts write them with ' or ’. Their
    apostrophe used to be stripped before counting (BERTopic's English clean-up did it), so
    "that's" became the keyword "thats" and "don't" "dont", and sub-groups were named
    "thats / dont". Here a contraction of a pronoun or an auxiliary ("don't", "I’m",
    "they're", "we've", "it'll", "I'd") goes whole; "'s" goes whole after the words it
    contracts ("that's", "it’s", "let's") and otherwise is a possessive, counted as its word
    ("the school's office" counts "school"). Anything else with an apostrophe ("o'clock")
    is kept as written. One-letter words are not keywords. A word that goes leaves None in
    its place, so that no phrase joins the words on either side of it.
    """
    found: list[str | None] = []
    for match in _TOKEN.finditer(text.translate(_APOSTROPHES).lower()):
        word = match.group(0)
        stem, _, after = word.partition("'")
        if after in _CLITICS or (after == "s" and stem in _WITH_IS) or stem + after in CONTRACTIONS:
            found.append(None)
            continue
        if after == "s":
            word = stem
        found.append(word if len(word) > 1 else None)
    return found


# Where a phrase cannot run on: punctuation between clauses, brackets, quotes, dashes.
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"\u201c\u201d\u2026\u2013\u2014/]+|\s-+\s")


def _terms(stop: frozenset[str]) -> Callable[[str], list[str]]:
    """What c-TF-IDF counts in a text: its words, and the two-word phrases said as such.

    A phrase is two words side by side in one clause, neither a stop word: "waiting list",
    "police desk", "good luck". scikit-learn's n-grams are made after stop words are taken
    out, so "crying, my mum" gave the phrase "crying mum" and "live with my mum" "live mum",
    and those named proposed parts.
    """
    from itertools import pairwise

    def terms(text: str) -> list[str]:
        found: list[str] = []
        for clause in _CLAUSE.split(text):
            words = [w if w is not None and w not in stop else None for w in _tokens(clause)]
            found.extend(w for w in words if w is not None)
            found.extend(f"{a} {b}" for a, b in pairwise(words) if a is not None and b is not None)
        return found

    return terms


def _keyword_texts(texts: Sequence[str]) -> list[str]:
    """The texts as keywords count them: the part of naming that needs no candidates.

    Cleaning 20,000 texts takes about two seconds; ``discover`` starts this on the core the
    layouts leave idle at their end (see ``_Ahead``), when there is one.
    """
    return _vectorizer_docs(texts, _keyword_stop())


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


# Words kept per candidate (its keywords), and the c-TF-IDF words a label may be picked from.
TOP_WORDS = 10
LABEL_POOL = 30
# A keyword is said in at least this many of its cluster's segments, and this share of them
# (from 50 segments on): a word one or two people used once does not name a cluster of 166
# sign-offs ("cake / blocked"), however rare it is elsewhere.
MIN_SAID_IN = 2
MIN_SHARE = 0.03
# A two-word phrase names a part in place of one of its words when it scores at least this
# share of the word's own c-TF-IDF weight: the word is mostly said in that phrase.
PHRASE_SHARE = 0.5


def _class_words(cleaned: Sequence[str], labels: np.ndarray) -> dict[int, list[tuple[str, float]]]:
    """Each cluster's words and two-word phrases by c-TF-IDF, best first (up to LABEL_POOL).

    BERTopic's c-TF-IDF (``ClassTfidfTransformer``, square-rooted term frequencies) over
    counts made here. Three things differ from fitting a BERTopic model on purpose. BERTopic
    counted a word only when two clusters said it (its ``min_df`` applied to the clusters'
    joined texts): with two to six parts that kept the words the parts share and dropped the very words that set a part
    apart. Here a word counts when two segments say it (from 50 segments on), and is a
    keyword of a cluster when enough of that cluster's own segments say it (MIN_SAID_IN,
    MIN_SHARE). Texts are counted one by one, not joined, so no phrase is made of the last
    word of one answer and the first of the next. And phrases are real ones (``_terms``).
    The unassigned (-1) count as a cluster of their own, so words common among them are not
    distinctive of any candidate; ties go by the word, so the order is stable.
    """
    import numpy as np
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=_terms(_keyword_stop()), min_df=2 if len(cleaned) >= 50 else 1)
    try:
        counts = vectorizer.fit_transform(cleaned)
    except ValueError:  # nothing left once stop words go: nothing to name clusters by
        return {}
    words = vectorizer.get_feature_names_out()
    classes = sorted(set(labels.tolist()))
    row = {c: i for i, c in enumerate(classes)}
    member = sparse.csr_matrix((np.ones(len(labels)), ([row[c] for c in labels.tolist()], np.arange(len(labels)))),
                               shape=(len(classes), len(labels)))
    per_class = (member @ counts).astype(np.float64).tocsr()
    said_in = (member @ (counts > 0).astype(np.float64)).tocsr()  # segments of each class saying each word
    sizes = np.bincount([row[c] for c in labels.tolist()], minlength=len(classes))
    scores = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(per_class).tocsr()
    found: dict[int, list[tuple[str, float]]] = {}
    for c in classes:
        if c < 0:
            continue
        line = scores.getrow(row[c])
        support = said_in.getrow(row[c])
        need = max(MIN_SAID_IN, math.ceil(MIN_SHARE * sizes[row[c]])) if len(cleaned) >= 50 else 1
        often = np.asarray(support[0, line.indices].todense()).ravel() >= need
        keep = (line.data > 0) & often
        index, value = line.indices[keep], line.data[keep]
        order = np.lexsort((words[index], -value))[:LABEL_POOL]
        found[c] = [(str(words[index[i]]), float(value[i])) for i in order]
    return found


def _mmr(words: dict[int, list[str]], word_embedder: WordEmbedder, diversity: float = 0.3,
         top_n: int = TOP_WORDS) -> dict[int, list[str]]:
    """Each cluster's label words: maximal marginal relevance over its c-TF-IDF words, in c-TF-IDF order.

    BERTopic's maximal marginal relevance (the function its MaximalMarginalRelevance
    representation calls): words near the embedding of all the cluster's words together,
    each new one also far from those already picked, so a label is not four spellings of one
    idea. Every text is embedded once, in one sorted batch, so the result does not depend on
    the order words arrive in (another batch can give another rounding).
    """
    import numpy as np
    from bertopic.representation._mmr import mmr

    whole = {c: " ".join(ws) for c, ws in words.items() if ws}
    texts = sorted({w for ws in words.values() for w in ws} | set(whole.values()))
    if not texts:
        return {c: [] for c in words}
    vectors = np.asarray(word_embedder(texts), dtype=np.float64)
    vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
    at = {t: i for i, t in enumerate(texts)}
    chosen: dict[int, list[str]] = {}
    for c, candidates in words.items():
        if not candidates:
            chosen[c] = []
            continue
        picked = set(mmr(vectors[[at[whole[c]]]], vectors[[at[w] for w in candidates]], candidates,
                         diversity=diversity, top_n=min(top_n, len(candidates))))
        chosen[c] = [w for w in candidates if w in picked]
    return chosen


def _keywords(texts: list[str], labels: np.ndarray, embeddings: np.ndarray, word_embedder: WordEmbedder | None,
              seed: int, cleaned: list[str] | None = None) -> tuple[dict[int, list[tuple[str, float]]],
                                                                    dict[int, list[str]]]:
    """c-TF-IDF keywords with weights, and the words a label is made from (MMR-picked when words can be embedded).

    The one naming step of candidates and of a split's parts. ``cleaned``:
    ``_keyword_texts(texts)``, when it was computed ahead. ``embeddings`` and ``seed`` are not
    used (nothing in naming is random, and words are embedded by ``word_embedder``); they stay
    for callers.
    """
    ranked = _class_words(cleaned if cleaned is not None else _keyword_texts(texts), labels)
    clusters = sorted(set(labels.tolist()) - {-1})
    keywords = {c: [(w, round(s, 4)) for w, s in ranked.get(c, [])[:TOP_WORDS]] for c in clusters}
    if word_embedder is None:
        return keywords, {c: [w for w, _ in keywords[c]] for c in clusters}
    return keywords, _mmr({c: [w for w, _ in ranked.get(c, [])] for c in clusters}, word_embedder)


def _same_word(a: str, b: str) -> bool:
    """Two forms of one word, as a label should not list twice: "audit"/"audits", "romania"/"romanian",
    "mum"/"mummy", "family"/"families", "child"/"children"; not "age"/"agency" or "art"/"part"."""
    short, long = sorted((a, b), key=len)
    if short.endswith("y") and long == short[:-1] + "ies":
        return True
    extra = len(long) - len(short)
    return long.startswith(short) and (extra <= 2 or (extra == 3 and len(short) >= 5))


def _label(words: list[str], fallback: list[tuple[str, float]], size: int = 4) -> str:
    """A name to start from: up to ``size`` of the words, each as the phrase that carries it where there is one.

    ``words`` (MMR's pick, or none) come first, then ``fallback``, the c-TF-IDF keywords
    with their weights. A word gives way to a two-word phrase among the keywords that holds
    it and weighs at least PHRASE_SHARE of it ("waiting list", not "waiting / list"). No two
    parts of a label share a word, or two forms of one (``_same_word``).
    """
    weight = dict(fallback)
    phrases = [w for w, _ in fallback if " " in w]
    picked: list[str] = []
    for word in [*words, *(w for w, _ in fallback)]:
        if not word:
            continue
        if " " not in word:
            word = next((p for p in phrases if word in p.split()
                         and weight[p] >= PHRASE_SHARE * weight.get(word, 0.0)), word)
        if any(_same_word(a, b) for p in picked for a in p.split() for b in word.split()):
            continue
        picked.append(word)
        if len(picked) == size:
            break
    return " / ".join(picked) or "(no distinctive words)"


def clusterable(n: int, min_size: int) -> bool:
    """Whether ``n`` segments leave room for two candidates of ``min_size`` (and at least six in all)."""
    return n >= max(2 * min_size, 6)


def _merge_pairs(centroids: np.ndarray) -> list[tuple[int, int, float]]:
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
             workers: int | None = None) -> Discovery:
    """Cluster ``docs`` (with their embeddings, rows in the same order) into candidates.

    ``workers``: processes that draw the layouts (None: one per core from PARALLEL_FROM
    segments); it changes the time taken, never the result.
    """
    import numpy as np

    _clustering_stack()
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
    knn = _neighbours(unit, max(2, min(params.n_neighbors, n - 1)))
    timings["neighbours"] = time.perf_counter() - start

    def drawn(finished: int) -> None:
        if progress:
            progress(1 + finished, steps, f"layout {finished} of {len(seeds)} drawn")

    processes = _workers(n, len(seeds), workers)
    texts = [d.text for d in docs]
    cleaned = _Ahead(lambda: _keyword_texts(texts))
    start = stage(f"drawing {len(seeds)} layouts (UMAP, then HDBSCAN; {processes} at a time)", 1)
    # Imports in two threads at once can meet in a cycle, and Python then hands one of them a
    # half-imported module: so the work ahead is finished before this thread imports again,
    # also when drawing the layouts failed.
    try:
        runs = _layouts(unit, knn, seeds, params.n_components, min_size, params.cluster_min_samples(min_size),
                        processes, drawn, idle=cleaned.start)
    finally:
        timings["layouts"] = time.perf_counter() - start
        start = time.perf_counter()
        cleaned.wait()
        waited = time.perf_counter() - start

    start = stage("keeping what most layouts agree on", len(seeds) + 1)
    labels, stability = _consensus(unit, runs, params.same_theme)
    timings["consensus"] = time.perf_counter() - start
    k = int(labels.max()) + 1 if labels.max() >= 0 else 0

    start = stage("naming candidates (c-TF-IDF)", len(seeds) + 2)
    keywords, label_words = (_keywords(texts, labels, embeddings, word_embedder, params.seed,
                                       cleaned.result())  # type: ignore[arg-type]
                             if k else ({}, {}))
    timings["keywords"] = time.perf_counter() - start + waited

    start = stage("assigning every segment", len(seeds) + 3)
    centroids, sims, placed = _placed(unit, labels, params.min_similarity)
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
            number=c, label=_label(label_words.get(c, []), keywords.get(c, [])), keywords=keywords.get(c, []),
            representatives=representatives(members, by_id), members=members, participants=len(people),
            sites=len(sites), stability=stability[c], centroid=centroids[c]))

    suggestions: list[tuple[int, int, float]] = []
    hierarchy: list[dict[str, object]] = []
    if k >= 2:
        suggestions = _merge_pairs(centroids)
        from scipy.cluster.hierarchy import linkage

        tree = linkage(centroids.astype(np.float64), method="average", metric="cosine")
        for step, (a, b, dist, size) in enumerate(tree.tolist()):
            hierarchy.append({"node": k + step, "children": [int(a), int(b)], "distance": round(dist, 4),
                              "size": int(size)})
    if progress:
        progress(steps, steps, "done")
    return Discovery(candidates, assignment, nearest, suggestions, hierarchy, timings, min_size)


def project_2d(embeddings: np.ndarray, seed: int = 42) -> np.ndarray:
    """A 2-D layout of segments for the map: UMAP on cosine distance, seeded."""
    import numpy as np

    _clustering_stack()
    n = len(embeddings)
    if n < 4:
        return np.zeros((n, 2), dtype=np.float32)
    unit = np.asarray(embeddings, dtype=np.float32)
    unit = unit / np.clip(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12, None)
    return _layout(unit, _neighbours(unit, max(2, min(15, n - 1))), 2, seed, min_dist=0.1)


@dataclass
class ProposedPart:
    members: list[str]
    keywords: list[tuple[str, float]]
    label: str = ""  # by default from the keywords; ``propose_split`` makes each part's its own

    def __post_init__(self) -> None:
        if not self.label:
            self.label = _label([], self.keywords)


def _ward_cuts(unit: np.ndarray, counts: Sequence[int]) -> list[np.ndarray]:
    """The parts of a Ward tree of ``unit`` at each number of parts in ``counts``, from one tree.

    Proposing tried 2 to 6 parts with a Ward fit for each, and every fit built the same tree
    again: choosing among 2 to 6 parts of 3,000 random unit vectors took 4.9 s, and 1.7 s from
    one tree (1,000: 0.68 and 0.32 s; two shared cores, a session measurement, not scripted). The tree
    is scikit-learn's (``ward_tree``), cut as AgglomerativeClustering cuts it (undoing the last
    merges, latest first), so the parts are the same as before (a test).
    """
    import numpy as np
    from sklearn.cluster import ward_tree

    children, _, leaves, _ = ward_tree(unit)
    found = []
    for k in counts:
        tops = [leaves + len(children) - 1]  # the root
        for _ in range(k - 1):
            latest = max(tops)
            tops.remove(latest)
            tops.extend(int(c) for c in children[latest - leaves])
        labels = np.empty(leaves, dtype=int)
        for part, top in enumerate(tops):
            stack = [top]
            while stack:
                node = stack.pop()
                if node < leaves:
                    labels[node] = part
                else:
                    stack.extend(int(c) for c in children[node - leaves])
        found.append(labels)
    return found


def propose_split(docs: Sequence[Doc], embeddings: np.ndarray, parts: int | None = None,
                  progress: Progress | None = None) -> list[ProposedPart]:
    """Sub-groups of a theme's segments, for the researcher to confirm or edit before a split.

    Deterministic on purpose (Ward linkage on the unit-length embeddings, no seed): asking
    twice gives the same proposal. Without ``parts``, the number of groups (2 to 6) with the
    best silhouette is chosen. Parts are largest first; they are named as candidates are
    (``_keywords``, ``_label``). ``progress`` hears each stage: it takes seconds on a large
    theme, and the researcher waits for it.
    """
    import numpy as np
    from sklearn.metrics import silhouette_score

    n = len(docs)
    if n < 4:
        raise WorkbenchError(f"a theme of {n} segment(s) is too small to split automatically; move segments "
                             "by hand instead")
    if parts is not None and not 2 <= parts <= n // 2:
        raise WorkbenchError(f"a theme of {n} segments can be split into 2 to {n // 2} parts, not {parts}")
    counts = [parts] if parts else list(range(2, min(6, n // 2) + 1))
    steps = len(counts) + 2

    def stage(step: int, what: str) -> None:
        if progress:
            progress(step, steps, what)

    stage(0, "grouping: building the tree (Ward)")
    unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    cuts = _ward_cuts(unit, counts)
    best: tuple[float, np.ndarray] | None = None
    for step, (k, found) in enumerate(zip(counts, cuts, strict=True), start=1):
        stage(step, f"grouping: trying {k} parts")
        score = float(silhouette_score(unit, found, metric="cosine")) if parts is None else 0.0
        if best is None or score > best[0] + 1e-9:
            best = (score, found)
    assert best is not None
    labels = _renumber(best[1])
    stage(steps - 1, "naming the parts (c-TF-IDF)")
    keywords, _ = _keywords([d.text for d in docs], labels, unit, None, 0)
    found = [ProposedPart([d.id for d, lab in zip(docs, labels.tolist(), strict=True) if lab == c],
                          keywords.get(c, [])) for c in range(int(labels.max()) + 1)]
    # A split names each part once; parts that say the same words (a theme of near-identical
    # answers) would be proposed under one name, and the split refused.
    seen: set[str] = set()
    for number, part in enumerate(found, start=1):
        if part.label in seen:
            part.label = f"{part.label} (part {number})"
        seen.add(part.label)
    stage(steps, "done")
    return found
