"""Naming clusters: c-TF-IDF keywords, labels picked by maximal marginal relevance, representative quotes.

The one naming step of discovery's candidates and of a split's proposed parts, BERTopic's
recipe with the changes researchers' talk needs (see ``class_words``). What counts as a
word is ``keyword_text``'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from workbench.engine.keyword_text import keyword_stop, keyword_texts, term_analyzer

if TYPE_CHECKING:
    import numpy as np

    from workbench.engine.documents import Doc

__all__ = ["ASKED", "LABEL_POOL", "NO_WORDS", "PHRASE_SHARE", "TOP_WORDS", "WordEmbedder", "asked_labels",
           "class_words", "cluster_keywords", "make_label", "mmr_words", "representatives", "same_word"]

WordEmbedder = Callable[[Sequence[str]], "np.ndarray"]

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
# The label of a cluster whose members share no distinctive word, and the mark of one named
# instead by the questions its members answered (``asked_labels``).
NO_WORDS = "(no distinctive words)"
ASKED = "asked about: "


def class_words(cleaned: Sequence[str], labels: np.ndarray) -> dict[int, list[tuple[str, float]]]:
    """Each cluster's words and two-word phrases by c-TF-IDF, best first (up to LABEL_POOL).

    BERTopic's c-TF-IDF (``ClassTfidfTransformer``, square-rooted term frequencies) over
    counts made here. Three things differ from fitting a BERTopic model on purpose. BERTopic
    counted a word only when two clusters said it (its ``min_df`` applied to the clusters'
    joined texts): with two to six parts that kept the words the parts share and dropped the very words that set a part
    apart. Here a word counts when two segments say it (from 50 segments on), and is a
    keyword of a cluster when enough of that cluster's own segments say it (MIN_SAID_IN,
    MIN_SHARE). Texts are counted one by one, not joined, so no phrase is made of the last
    word of one answer and the first of the next. And phrases are real ones
    (``keyword_text.term_analyzer``).
    The unassigned (-1) count as a cluster of their own, so words common among them are not
    distinctive of any candidate; ties go by the word, so the order is stable.
    """
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    from workbench.engine.bertopic_parts import class_tfidf_transformer

    vectorizer = CountVectorizer(analyzer=term_analyzer(keyword_stop()), min_df=2 if len(cleaned) >= 50 else 1)
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
    # BERTopic's transformer cannot weigh a vocabulary of one word (a few short answers): its count stands.
    scores = (class_tfidf_transformer()(reduce_frequent_words=True).fit_transform(per_class).tocsr()
              if per_class.shape[1] > 1 else per_class)
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


def mmr_words(words: dict[int, list[str]], word_embedder: WordEmbedder, diversity: float = 0.3,
              top_n: int = TOP_WORDS) -> dict[int, list[str]]:
    """Each cluster's label words: maximal marginal relevance over its c-TF-IDF words, in c-TF-IDF order.

    BERTopic's maximal marginal relevance (the function its MaximalMarginalRelevance
    representation calls): words near the embedding of all the cluster's words together,
    each new one also far from those already picked, so a label is not four spellings of one
    idea. Every text is embedded once, in one sorted batch, so the result does not depend on
    the order words arrive in (another batch can give another rounding).
    """
    import numpy as np

    from workbench.engine.bertopic_parts import mmr

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


def cluster_keywords(texts: list[str], labels: np.ndarray, embeddings: np.ndarray,
                     word_embedder: WordEmbedder | None, seed: int, cleaned: list[str] | None = None,
                     ) -> tuple[dict[int, list[tuple[str, float]]], dict[int, list[str]]]:
    """c-TF-IDF keywords with weights, and the words a label is made from (MMR-picked when words can be embedded).

    The one naming step of candidates and of a split's parts. ``cleaned``:
    ``keyword_texts(texts)``, when it was computed ahead. ``embeddings`` and ``seed`` are not
    used (nothing in naming is random, and words are embedded by ``word_embedder``); they stay
    for callers.
    """
    ranked = class_words(cleaned if cleaned is not None else keyword_texts(texts), labels)
    clusters = sorted(set(labels.tolist()) - {-1})
    keywords = {c: [(w, round(s, 4)) for w, s in ranked.get(c, [])[:TOP_WORDS]] for c in clusters}
    if word_embedder is None:
        return keywords, {c: [w for w, _ in keywords[c]] for c in clusters}
    return keywords, mmr_words({c: [w for w, _ in ranked.get(c, [])] for c in clusters}, word_embedder)


def same_word(a: str, b: str) -> bool:
    """Two forms of one word, as a label should not list twice: "audit"/"audits", "romania"/"romanian",
    "mum"/"mummy", "family"/"families", "child"/"children"; not "age"/"agency" or "art"/"part"."""
    short, long = sorted((a, b), key=len)
    if short.endswith("y") and long == short[:-1] + "ies":
        return True
    extra = len(long) - len(short)
    return long.startswith(short) and (extra <= 2 or (extra == 3 and len(short) >= 5))


def make_label(words: list[str], fallback: list[tuple[str, float]], size: int = 4) -> str:
    """A name to start from: up to ``size`` of the words, each as the phrase that carries it where there is one.

    ``words`` (MMR's pick, or none) come first, then ``fallback``, the c-TF-IDF keywords
    with their weights. A word gives way to a two-word phrase among the keywords that holds
    it and weighs at least PHRASE_SHARE of it ("waiting list", not "waiting / list"). No two
    parts of a label share a word, or two forms of one (``same_word``).
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
        if any(same_word(a, b) for p in picked for a in p.split() for b in word.split()):
            continue
        picked.append(word)
        if len(picked) == size:
            break
    return " / ".join(picked) or NO_WORDS


def asked_labels(questions: Sequence[str | None], labels: np.ndarray, clusters: Sequence[int]) -> dict[int, str]:
    """Labels for ``clusters`` whose members say no distinctive word, from the questions they answered.

    Answers read with their questions gather what its own words cannot name: a dozen
    fragments of one client's turn ("-I know that. But it's hard getting to the point
    where I-", "I can do anything-") cut by the counsellor's "Mm-hmm.", all answering "What
    would help increase that confidence?". Named by c-TF-IDF over the questions, marked
    ASKED so that no one takes the questions' words for the participants'. A cluster whose
    questions have no distinctive word either (or that has none) is left out.
    """
    import numpy as np

    if not clusters or not any(questions):
        return {}
    words = class_words(keyword_texts([q or "" for q in questions]), np.asarray(labels))
    return {c: ASKED + make_label([], words[c][:TOP_WORDS], size=3) for c in clusters if words.get(c)}


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
