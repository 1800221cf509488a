"""Where the answer key's ARI is lost: what discovery's candidates would score if one thing were perfect.

Issue 27 asks for an ARI of 0.40 on the sample corpus's answer key. This measures, on the
default run (seed 42), what each remedy could give, before any is built:

- the small-talk group perfect: every turn the key calls ``none`` in it, nothing else;
- every candidate opened into its sub-candidates;
- a prototype of the study's own small talk: a turn with fewer than MAX_CONTENT_WORDS
  content words that lies nearer the group's centre than its own candidate's joins the group;

and, with k-means told the true number of labels on every dialogue set (answers read with
their questions at the default weight), two ways of taking the speaker out of the vectors:
centring each participant's vectors (half their mean taken away), and a TF-IDF view beside
the embeddings (35 % of the weight).

    .venv/bin/python benchmarks/bench_answer_key_ceiling.py
"""

from __future__ import annotations

from common import save
from dialogue_sets import dialogue_sets

SETS = ["answer_key", "second_sample", "real_dialogue"]


def _kmeans(labels, vectors) -> float:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    k = len(set(labels))
    return round(float(np.mean([adjusted_rand_score(labels, KMeans(k, n_init=10, random_state=s).fit_predict(vectors))
                                for s in (0, 1)])), 4)


def main() -> None:
    import numpy as np
    from bench_themes import _vectors
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score

    from workbench.engine.context import read_with_questions, unit_rows
    from workbench.engine.discover import DiscoveryParams, Doc, discover
    from workbench.engine.discovery_settings import QUESTION_WEIGHT
    from workbench.engine.embed import Encoder, load_model
    from workbench.engine.small_talk import MAX_CONTENT_WORDS, formula_share

    encoder = Encoder(load_model())
    results: dict[str, object] = {}
    for name, d in dialogue_sets(SETS):
        own, asked = _vectors(encoder, d)
        read = read_with_questions(own, asked, QUESTION_WEIGHT)
        people = np.asarray(d.people)
        centred = read.copy()
        for person in set(d.people):
            centred[people == person] -= 0.5 * read[people == person].mean(axis=0)
        words = unit_rows(TruncatedSVD(100, random_state=0).fit_transform(
            TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(d.texts)))
        row: dict[str, object] = {"oracle_read_with_questions": _kmeans(d.labels, read),
                                  "oracle_participants_centred": _kmeans(d.labels, unit_rows(centred)),
                                  "oracle_with_tfidf": _kmeans(d.labels, np.hstack([np.sqrt(0.65) * read,
                                                                                    np.sqrt(0.35) * words]))}
        if name == "answer_key":
            docs = [Doc(i, t, p or None, s or None, q)
                    for i, t, p, s, q in zip(d.ids, d.texts, d.people, d.sites, d.questions, strict=True)]
            found = discover(docs, own, DiscoveryParams(), word_embedder=encoder.encode, questions=asked)
            assigned = {i: found.assignment[i][0] for i in d.ids}
            group = next(c.number for c in found.candidates if c.kind == "small_talk")

            def ari(placed: dict[str, object], d=d) -> float:
                return round(float(adjusted_rand_score(d.labels, [str(placed[i]) for i in d.ids])), 4)

            perfect = {i: group if label == d.small_talk_label else (-1 if a == group else a)
                       for (i, a), label in zip(assigned.items(), d.labels, strict=True)}
            opened = dict(assigned)
            for c in found.themes:
                for n, part in enumerate(c.children):
                    opened.update((m, f"{c.number}.{n}") for m, _ in part.members)
            row_of = {i: n for n, i in enumerate(d.ids)}
            centre = unit_rows(own[[row_of[i] for i, a in assigned.items() if a == group]].mean(axis=0)[None, :])[0]
            centres = {c.number: unit_rows(own[[row_of[m] for m, _ in c.members]].mean(axis=0)[None, :])[0]
                       for c in found.themes}
            prototype = {i: group if (a in centres and formula_share(d.texts[row_of[i]]).content < MAX_CONTENT_WORDS
                                      and own[row_of[i]] @ centre > own[row_of[i]] @ centres[a]) else a
                         for i, a in assigned.items()}
            moved = [i for i in d.ids if prototype[i] != assigned[i]]
            row |= {"discovery": ari(assigned), "small_talk_group_perfect": ari(perfect),
                    "every_candidate_opened": ari(opened), "small_talk_prototype": ari(prototype),
                    "prototype_moved": len(moved),
                    "prototype_moved_small_talk": sum(d.labels[row_of[i]] == d.small_talk_label for i in moved)}
        results[name] = row
        print(name, row, flush=True)
    print("saved", save("answer_key_ceiling", results))


if __name__ == "__main__":
    main()
