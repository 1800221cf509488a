"""Themes, not topics: theme recovery with and without question context and small talk set apart.

For each labelled set, in one run on the same vectors, side by side:

- plain BERTopic's quick start;
- an oracle: k-means told the true number of labels, on the answers' own vectors and on the
  answers read with their questions (what the embeddings alone can give);
- discovery as it was before this change (answers alone, no small-talk group);
- discovery with small talk set apart, answers alone;
- discovery with small talk set apart and answers read with their questions, at each
  question weight in WEIGHTS (the default among them, and a second seed of the default);
- the same with each answer and its question embedded as one text (``question_reading``
  "joined", the run's other option).

Reported for each: NMI, ARI, coverage and candidates over every row (the small-talk group is
one cluster; unassigned rows one more), and where the set marks small talk: the share of
small-talk turns that land in a content candidate, the small-talk share of the three largest
content candidates, and the turn-level test's precision and recall. Labels: the share that
are phrases (not keyword lists), and a judging sheet for the blind label test
(``label_judging.py``).

    .venv/bin/python benchmarks/bench_themes.py [answer_key second_sample real_dialogue nhs_feedback_category ...]
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter

from common import RESULTS, labelled_sets, plain_bertopic, save, scores, timed
from dialogue_sets import Dialogue, dialogue_sets

SETS = ["answer_key", "second_sample", "real_dialogue"]
WEIGHTS = (0.5, 1.0)


def _shared(name: str) -> Dialogue | None:
    for _, data in labelled_sets([name]):
        ids, texts, labels, people, sites = data
        return Dialogue(ids, texts, labels, people, sites, [None] * len(ids), small_talk_label=None)
    return None


def _vectors(encoder, d: Dialogue):
    import numpy as np

    from workbench.engine.context import unit_rows

    own = unit_rows(encoder.encode(d.texts))
    asked = sorted({q for q in d.questions if q})
    if not asked:
        return own, None
    by_text = dict(zip(asked, unit_rows(encoder.encode(asked)), strict=True))
    zero = np.zeros(own.shape[1], dtype=np.float32)
    return own, np.stack([by_text[q] if q else zero for q in d.questions])


def _oracle(labels: list[str], vectors) -> dict[str, float]:
    from sklearn.cluster import KMeans

    k = len(set(labels))
    found = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors)
    return scores(labels, found.tolist())


def _reading(d: Dialogue, found, params) -> dict[str, object]:
    """Scores of one discovery, with what it did with small talk and how it labelled."""
    assigned = [found.assignment[i][0] for i in d.ids]
    out: dict[str, object] = {**scores(d.labels, assigned)}
    themes = found.themes
    out["content_candidates"] = len(themes)
    group = [c for c in found.candidates if c.kind == "small_talk"]
    out["small_talk_group"] = group[0].size if group else 0
    out["phrase_labels"] = round(sum(c.label_is_phrase for c in themes) / max(1, len(themes)), 3)
    out["sub_candidates"] = sum(len(c.children) for c in themes)
    out["candidates_with_sub_candidates"] = sum(1 for c in themes if c.children)
    if d.small_talk_label is not None:
        label = dict(zip(d.ids, d.labels, strict=True))
        marked = {i for i in d.ids if label[i] == d.small_talk_label}
        content_ids = {m for c in themes for m, _ in c.members}
        out["small_talk_in_content"] = round(len(marked & content_ids) / max(1, len(marked)), 3)
        largest = sorted(themes, key=lambda c: -c.size)[:3]
        out["small_talk_share_of_3_largest"] = [round(sum(label[m] in (d.small_talk_label,) for m, _ in c.members)
                                                      / c.size, 3) for c in largest]
        apart = {m for c in group for m, _ in c.members}
        hit = len(apart & marked)
        out["small_talk_precision"] = round(hit / max(1, len(apart)), 3)
        out["small_talk_recall"] = round(hit / max(1, len(marked)), 3)
    out["question_weight"] = params.question_weight
    out["small_talk"] = params.small_talk
    return out


def _judging_rows(name: str, d: Dialogue, found) -> list[dict[str, str]]:
    """Each content candidate's two labels (keywords, final) for the blind judge, with its majority label."""
    from workbench.engine.naming import make_label

    label = dict(zip(d.ids, d.labels, strict=True))
    rows = []
    for c in found.themes:
        majority, count = Counter(label[m] for m, _ in c.members).most_common(1)[0]
        keyword = make_label([], c.keywords)
        for method, text in (("keywords", keyword), ("phrase", c.label)):
            rows.append({"set": name, "candidate": str(c.number), "method": method, "label": text,
                         "majority": majority, "majority_share": f"{count / c.size:.2f}"})
    return rows


def main(names: list[str]) -> None:
    from workbench.engine.discover import DiscoveryParams, Doc, discover
    from workbench.engine.discovery_settings import QUESTION_WEIGHT
    from workbench.engine.embed import Encoder, load_model

    encoder = Encoder(load_model())
    results: dict[str, object] = {"backend": encoder.backend, "default_question_weight": QUESTION_WEIGHT}
    judging: list[dict[str, str]] = []
    chosen = [(n, d) for n, d in dialogue_sets([n for n in names if n in ("answer_key", "second_sample",
                                                                            "real_dialogue")])]
    chosen += [(n, d) for n in names if n not in ("answer_key", "second_sample", "real_dialogue")
               if (d := _shared(n)) is not None]
    for name, d in chosen:
        own, questions = _vectors(encoder, d)
        docs = [Doc(i, t, p or None, s or None, q)
                for i, t, p, s, q in zip(d.ids, d.texts, d.people, d.sites, d.questions, strict=True)]
        row: dict[str, object] = {"rows": len(d.ids), "labels": len(set(d.labels)),
                                  "answers_with_questions": sum(1 for q in d.questions if q)}
        plain, took = timed(lambda d=d, own=own: plain_bertopic(d.texts, own, seed=42))
        row["plain_bertopic"] = {**scores(d.labels, plain), "seconds": round(took, 1)}
        row["oracle_kmeans_answers_alone"] = _oracle(d.labels, own)
        variants = [("before", DiscoveryParams(question_weight=0.0, small_talk="off")),
                    ("small_talk_apart", DiscoveryParams(question_weight=0.0))]
        joined = None
        if questions is not None:
            from workbench.engine.context import joined_text, read_with_questions, unit_rows

            row["oracle_kmeans_with_questions"] = _oracle(d.labels, read_with_questions(own, questions,
                                                                                       QUESTION_WEIGHT))
            variants += [(f"with_questions_{w}", DiscoveryParams(question_weight=w)) for w in WEIGHTS]
            variants += [("joined_text", DiscoveryParams(question_reading="joined"))]
            joined = unit_rows(encoder.encode([joined_text(t, q) if q else t
                                               for t, q in zip(d.texts, d.questions, strict=True)]))
        default = f"with_questions_{QUESTION_WEIGHT}" if questions is not None else "small_talk_apart"
        for key, params in variants:
            found, took = timed(lambda params=params, docs=docs, own=own, questions=questions, joined=joined: discover(
                docs, own, params, word_embedder=encoder.encode, questions=questions, joined=joined))
            row[key] = {**_reading(d, found, params), "seconds": round(took, 1)}
            if key == default:
                judging += _judging_rows(name, d, found)
                again = discover(docs, own, DiscoveryParams(seed=7, question_weight=params.question_weight),
                                 word_embedder=encoder.encode, questions=questions)
                from sklearn.metrics import adjusted_rand_score

                row["default_seed_7"] = scores(d.labels, [again.assignment[i][0] for i in d.ids])
                row["ari_between_seeds"] = round(float(adjusted_rand_score(
                    [found.assignment[i][0] for i in d.ids], [again.assignment[i][0] for i in d.ids])), 4)
            print(name, key, row[key], flush=True)
        row["default"] = default
        results[name] = row
    sheet = RESULTS / f"label_judging_{'_'.join(names)}.csv"
    random.Random(0).shuffle(judging)  # the judge reads them in an order that hides which method made each
    RESULTS.mkdir(parents=True, exist_ok=True)
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["set", "candidate", "method", "label", "majority",
                                                    "majority_share"])
        writer.writeheader()
        writer.writerows(judging)
    print("saved", save(f"themes_{'_'.join(names)}", results), "and", sheet)


if __name__ == "__main__":
    main(sys.argv[1:] or SETS)
