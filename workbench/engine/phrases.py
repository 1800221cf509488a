"""Phrase labels: a candidate named by a short phrase its own members said, not a list of keywords.

A keyword list ("mum / bed / police / lads") asks the researcher to guess the theme; a
phrase ("waiting for early help", "interpreters at home visits") reads as the label they
would write. No language model writes it: the phrase is words said, side by side, in at
least two of the cluster's segments, chosen as BERTopic's maximal marginal relevance
chooses keywords: near the cluster's centroid and holding its c-TF-IDF words, and far from
the other clusters' centroids and from the phrases they were given.

What counts as a word is ``keyword_text``'s (its tokens, stop words and fillers); where no
phrase qualifies the label is ``naming.make_label``'s keyword list, and says so.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from workbench.engine.keyword_text import CONTRACTIONS, FILLER_PHRASES, keyword_stop, tokens
from workbench.engine.naming import WordEmbedder, make_label, same_word

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MAX_WORDS", "MIN_SAID_IN", "MIN_SHARE", "POOL", "PhraseLabel", "phrase_labels", "phrases_of"]

# A label is 2 to MAX_WORDS words long: longer runs read as quotes, not names.
MAX_WORDS = 6
# A phrase is said in at least MIN_SAID_IN of the cluster's segments and, in a large
# cluster, in MIN_SHARE of them: what one person said twice does not name 160 segments.
MIN_SAID_IN = 2
MIN_SHARE = 0.02
# Phrases kept per cluster (best by support x c-TF-IDF) before any is embedded: embedding
# is the cost of naming, and every cluster's pool goes in one batch.
POOL = 40
# How a phrase is scored once embedded (see ``_choose``): its similarity to its cluster's
# centroid, plus KEYWORD_WEIGHT times its keyword weight as a share of the best in its pool,
# plus SUPPORT_WEIGHT times the square root of the share of the cluster's segments saying it,
# less LENGTH_WEIGHT for each word past two, less OTHERS_WEIGHT times its similarity to the
# closest other cluster's centroid or chosen phrase. A phrase's embedding comes closer to a
# centroid of whole answers the longer it gets ("camhs waiting list is that long" beat
# "camhs waiting list"), and one said once in a hundred segments is not what they share:
# support and length weigh against that. Set by reading the labels of the sample corpus
# and of tests/test_phrases.py's clusters (benchmarks/show_labels.py), not fitted.
KEYWORD_WEIGHT = 0.3
SUPPORT_WEIGHT = 0.3
LENGTH_WEIGHT = 0.03
OTHERS_WEIGHT = 0.5

# Talk that ends a phrase where it is said: hesitations and discourse markers. Verbs that are
# fillers only as keywords ("got", "said", "know") may stand inside a phrase ("told the
# school") but never at its ends, as no stop word may.
_BREAKS = frozenset("""
yeah yes yep yup no nope um umm uh uhm er erm ah eh oh ooh mm mmm mhm hmm huh okay ok alright
like just really actually basically literally honestly obviously probably maybe quite pretty
kinda sorta gonna wanna gotta dunno cos coz cuz laughs laughter inaudible crosstalk pause
""".split())
# Where no phrase runs on: ends of clauses and sentences, brackets, quotes, dashes, and the
# mark put where a filler phrase or a [bracketed] pseudonym was.
_BOUNDARY = re.compile(r"[.,;:!?()\[\]{}\"\u201c\u201d\u2026\u2013\u2014/|]+|\s-+\s")
_BRACKETED = re.compile(r"\[[^\]]{0,60}\]")
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_EDGES = "'\u2019\u2018*_`~"
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u00b4\uff07`", "'"))
# Kinds of word: a content word, one that may start a phrase but not end it (a possessive,
# "the school's"), and a function word, which may stand only inside.
_CONTENT, _POSSESSIVE, _FUNCTION = 2, 1, 0
# A phrase as counted (its words, content words in their keyword form), and a cluster's pool:
# (phrase, segments of the cluster saying it, the c-TF-IDF weight of the keywords it holds).
Key = tuple[str, ...]
Pool = list[tuple[Key, int, float]]


@dataclass(frozen=True)
class PhraseLabel:
    """A cluster's label: ``text`` is a phrase its members said, or, when ``is_phrase`` is
    False, the keyword list ``make_label`` makes (no phrase qualified)."""

    text: str
    is_phrase: bool


@cache
def _stop() -> frozenset[str]:
    return keyword_stop()


@lru_cache(maxsize=1 << 16)
def _word(raw: str) -> tuple[str, str, int] | None:
    """A word as (as said, as counted, kind); None where a phrase cannot run on.

    "As counted" is the keyword form for a content word (possessives as their word: "the
    school's office" and "the school office" are one phrase) and the word as said otherwise.
    Talk repeats its words: each is read once (a cache), which halves the time naming takes.
    """
    said = raw.strip(_EDGES)
    if not _WORD.fullmatch(said):
        return None
    parts = said.split("-")
    if said in _BREAKS or all(p in _BREAKS for p in parts):
        return None
    stop = _stop()
    counted = tokens(said)
    kept = counted[0] if len(counted) == 1 else None
    if kept is not None and kept not in stop and not kept[0].isdigit() and not all(p in stop for p in parts):
        return (said, kept, _POSSESSIVE if said.endswith("'s") and kept != said else _CONTENT)
    bare = said.replace("'", "")  # a contraction is one word however it was written ("isn't", "isnt")
    shown = "I" + said[1:] if said == "i" or said.startswith("i'") else said  # "the lady I spoke to"
    return (shown, bare if bare in CONTRACTIONS else said, _FUNCTION)


def _words(clause: str) -> list[tuple[str, str, int] | None]:
    """A clause's words (``_word``), a repeated one (a stutter, "the the") kept once."""
    found: list[tuple[str, str, int] | None] = []
    for raw in clause.split():
        word = _word(raw)
        if word is not None and found and found[-1] is not None and found[-1][1] == word[1]:
            continue
        found.append(word)
    return found


def phrases_of(text: str) -> dict[Key, str]:
    """Every phrase a text says, as counted (a tuple of words) -> as said (lower case but "I").

    A phrase is 2 to MAX_WORDS words side by side in one clause, with no filler phrase or
    [bracketed] pseudonym inside, starting and ending with a content word (not a stop word,
    filler or number), with stop words inside ("waiting for early help"), with at least two
    different content words (not "family and families"), and not mostly numbers.
    """
    plain = FILLER_PHRASES.sub(" | ", _BRACKETED.sub(" | ", text.translate(_APOSTROPHES).lower()))
    found: dict[Key, str] = {}
    for clause in _BOUNDARY.split(plain):
        words = _words(clause)
        for i, first in enumerate(words):
            if first is None or first[2] == _FUNCTION:
                continue
            varied = False  # a second content word, not a form of the first
            for j in range(i + 1, min(i + MAX_WORDS, len(words))):
                last = words[j]
                if last is None:
                    break
                if last[2] == _FUNCTION:
                    continue
                varied = varied or not same_word(first[1], last[1])
                if last[2] == _POSSESSIVE or not varied:
                    continue
                run = words[i:j + 1]
                key = tuple(w[1] for w in run)  # type: ignore[index]
                if 2 * sum(w[0].isdigit() for w in key) >= len(key):  # mostly numbers: dates, counts
                    continue
                found.setdefault(key, " ".join(w[0] for w in run))  # type: ignore[index]
    return found


def _keyword_weight(key: Key, weights: Mapping[str, float]) -> float:
    """The c-TF-IDF weight of the cluster's keywords a phrase holds: its words, and its two-word
    phrases as c-TF-IDF counts them (two content words side by side)."""
    held = {w for w in key if w in weights}
    held |= {f"{a} {b}" for a, b in pairwise(key) if f"{a} {b}" in weights
             and a not in _stop() and b not in _stop()}
    return sum(weights[t] for t in held)


def _pools(texts: Sequence[str], labels: Sequence[int], keywords: Mapping[int, list[tuple[str, float]]],
           ) -> tuple[dict[int, Pool], dict[Key, str], Counter[Key]]:
    """Each cluster's best phrases as (phrase, segments saying it, keyword weight), how each is
    most often said, and in how many segments of the whole corpus each is said."""
    said_in: dict[int, Counter[Key]] = {}
    said_word: dict[int, Counter[str]] = {}  # segments of each cluster saying each word
    everywhere: Counter[Key] = Counter()
    forms: dict[Key, Counter[str]] = {}
    for text, label in zip(texts, labels, strict=True):
        found = phrases_of(text)
        everywhere.update(found.keys())
        if label < 0 or label not in keywords:
            continue
        said_in.setdefault(label, Counter()).update(found.keys())
        said_word.setdefault(label, Counter()).update({w for w in tokens(text) if w})
        for key, form in found.items():
            forms.setdefault(key, Counter())[form] += 1
    sizes = Counter(label for label in labels if label >= 0)
    pools: dict[int, Pool] = {}
    for cluster, counts in said_in.items():
        weights = dict(keywords[cluster])
        need = max(MIN_SAID_IN, math.ceil(MIN_SHARE * sizes[cluster]))
        often = {key: n for key, n in counts.items() if n >= need}
        scored = []
        for key in sorted(_closed(often)):
            support = often[key]
            weight = _keyword_weight(key, weights)
            if weight > 0:
                scored.append((key, support, weight))
        if not scored:
            scored = _said_once(counts, keywords[cluster], said_word.get(cluster, Counter()), sizes[cluster])
        scored.sort(key=lambda s: (-s[1] * s[2], s[0]))
        pools[cluster] = scored[:POOL]
    # Each phrase as most often said; a contraction with its apostrophe where any said it so.
    shown = {key: min(forms[key].items(), key=lambda f: (sum(w in CONTRACTIONS for w in f[0].split()), -f[1], f[0]))[0]
             for key in {k for pool in pools.values() for k, _, _ in pool}}
    return pools, shown, everywhere


def _said_once(counts: Counter[Key], keywords: list[tuple[str, float]], said_word: Counter[str],
               size: int) -> list[tuple[Key, int, float]]:
    """Phrases said once that may still name a cluster no repeated phrase names: ones that join
    two of its keywords, each of which recurs in the cluster (said in MIN_SAID_IN segments,
    anywhere in them: "mates" runs through a cluster about friends, said in "still my mates"
    and "stupid with my mates", and the phrase that joins it to "stupid" names it).

    A cluster about remote support says "text message" once, "texting her" and "a message on
    the app" elsewhere: no phrase twice, but "text" and "message" run through it, and the
    phrase joining them names it better than a list of words. A cluster whose words are
    scattered (each said by one member) keeps its keywords: no phrase of one member speaks
    for it.
    """
    if not keywords or size == 0:
        return []
    weights = dict(keywords)
    recurring = {w for w, _ in keywords if " " not in w and said_word.get(w, 0) >= MIN_SAID_IN}
    return [(key, counts[key], _keyword_weight(key, weights)) for key in sorted(counts)
            if len(recurring.intersection(key)) >= 2]


def _closed(often: Mapping[Key, int]) -> set[Key]:
    """The phrases not always said inside one longer phrase: "support worker", said only in
    "family support worker", goes; so does a run cut short ("decision within one working"
    of "decision within one working day"). A phrase said in as many segments as a longer one
    holding it is said in those same segments, inside it."""
    inside: set[Key] = set()
    for longer, support in often.items():
        for i in range(len(longer)):
            for j in range(i + 2, len(longer) + 1):
                part = longer[i:j]
                if part != longer and often.get(part) == support:
                    inside.add(part)
    return set(often) - inside


def phrase_labels(texts: Sequence[str], labels: np.ndarray, centroids: np.ndarray,
                  keywords: dict[int, list[tuple[str, float]]], embedder: WordEmbedder | None,
                  fallbacks: Mapping[int, str] | None = None) -> dict[int, PhraseLabel]:
    """Each cluster's phrase label (every cluster in ``keywords`` and ``labels``, -1 aside).

    ``labels``: each text's cluster (-1: unassigned, counted only as the rest of the corpus);
    ``centroids``: unit vectors in the embedding space of ``embedder``, row = cluster;
    ``keywords``: each cluster's c-TF-IDF words with their weights (``naming.cluster_keywords``).
    With an ``embedder``, every cluster's pool of phrases is embedded in one sorted batch and
    chosen by ``_choose``; without, by support x keyword weight x the share of the phrase's
    segments that are the cluster's. No two clusters get one phrase. A cluster with no
    phrase gets ``fallbacks[cluster]``, or ``make_label`` of its keywords. Deterministic:
    ties go by the phrase.
    """
    import numpy as np

    numbers = [int(x) for x in np.asarray(labels).tolist()]
    clusters = sorted((set(numbers) | set(keywords)) - {-1})
    keywords = {c: keywords.get(c, []) for c in clusters}
    pools, shown, everywhere = _pools(texts, numbers, keywords)
    if embedder is None:
        picked = _by_counts(pools, shown, everywhere)
    else:
        picked = _choose(pools, shown, Counter(numbers), np.asarray(centroids, dtype=np.float64), embedder)
    named: dict[int, PhraseLabel] = {}
    for c in clusters:
        if c in picked:
            named[c] = PhraseLabel(picked[c], True)
        else:
            fallback = (fallbacks or {}).get(c) or make_label([], keywords[c])
            named[c] = PhraseLabel(fallback, False)
    return named


def _by_counts(pools: Mapping[int, Pool], shown: Mapping[Key, str],
               everywhere: Counter[Key]) -> dict[int, str]:
    """Without embeddings: support x keyword weight x the share of its segments that are the cluster's."""
    taken: set[str] = set()
    picked: dict[int, str] = {}
    for cluster in sorted(pools):
        best = sorted(((-support * weight * support / everywhere[key], shown[key]) for key, support, weight
                       in pools[cluster] if shown[key] not in taken))
        if best:
            picked[cluster] = best[0][1]
            taken.add(best[0][1])
    return picked


def _choose(pools: Mapping[int, Pool], shown: Mapping[Key, str], sizes: Mapping[int, int],
            centroids: np.ndarray, embedder: WordEmbedder) -> dict[int, str]:
    """Phrases by maximal marginal relevance across clusters, best pair first.

    A phrase's relevance is its similarity to its cluster's centroid with the keyword,
    support and length terms (KEYWORD_WEIGHT...), less OTHERS_WEIGHT x its similarity to the
    nearest other centroid or other cluster's chosen phrase. Greedily, the best (cluster,
    phrase) of all is taken, and the rest are scored again against it: a phrase that names
    two themes equally names neither. Phrases are embedded once, in one sorted batch, so
    the result does not hang on the order clusters come in.
    """
    import numpy as np

    texts = sorted({shown[key] for pool in pools.values() for key, _, _ in pool})
    if not texts:
        return {}
    vectors = np.asarray(embedder(texts), dtype=np.float64)
    vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
    unit = centroids / np.clip(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12, None)
    at = {t: i for i, t in enumerate(texts)}
    to_centroids = vectors @ unit.T
    # Per cluster: its phrases' rows, their relevance, and their similarity to the nearest
    # other centroid or other cluster's chosen phrase (raised as phrases are chosen).
    options: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for cluster, pool in pools.items():
        if not pool or cluster >= len(unit):
            continue
        rows = np.asarray([at[shown[key]] for key, _, _ in pool])
        weight = np.asarray([w for _, _, w in pool], dtype=np.float64)
        share = np.asarray([n for _, n, _ in pool], dtype=np.float64) / sizes[cluster]
        length = np.asarray([len(key) - 2 for key, _, _ in pool], dtype=np.float64)
        others = np.delete(to_centroids[rows], cluster, axis=1)
        nearest = others.max(axis=1) if others.shape[1] else np.full(len(rows), -1.0)
        relevance = (to_centroids[rows, cluster] + KEYWORD_WEIGHT * weight / weight.max()
                     + SUPPORT_WEIGHT * np.sqrt(share) - LENGTH_WEIGHT * length)
        options[cluster] = (rows, relevance, nearest)
    picked: dict[int, str] = {}
    while True:
        best: tuple[float, str, int, int] | None = None
        for cluster, (rows, relevance, nearest) in options.items():
            if cluster in picked:
                continue
            score = relevance - OTHERS_WEIGHT * nearest
            for i in np.lexsort((np.asarray([texts[r] for r in rows]), -score)).tolist():
                if texts[rows[i]] in picked.values():
                    continue
                if best is None or (-score[i], texts[rows[i]], cluster) < (-best[0], best[1], best[2]):
                    best = (float(score[i]), texts[rows[i]], cluster, int(rows[i]))
                break
        if best is None:
            return picked
        _, name, cluster, row = best
        picked[cluster] = name
        for other, (rows, relevance, nearest) in options.items():
            if other not in picked:
                options[other] = (rows, relevance, np.maximum(nearest, vectors[rows] @ vectors[row]))
