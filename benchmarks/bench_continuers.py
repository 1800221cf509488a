"""Continuers: does keeping an answer with the question before an interviewer's "Mm-hmm." help?

An interviewer's continuer ("Mm-hmm.", "Okay.", "Yeah, yeah.") between two parts of an
answer does not take the floor (``core.questions.is_continuer``): the part after it is read
with the question before. This compares discovery at its defaults with answers paired that
way and with every interviewer turn taken as a question (as before), three seeds each, on
every dialogue set: NMI and ARI against the set's labels, phrase labels, and the ARI between
each pair of seeds.

    .venv/bin/python benchmarks/bench_continuers.py
"""

from __future__ import annotations

import statistics
from itertools import combinations

from common import save
from dialogue_sets import dialogue_sets

SEEDS = (42, 7, 3)
SETS = ["answer_key", "second_sample", "real_dialogue"]


def _variant(continuers: bool, encoder) -> dict[str, object]:
    """Every set discovered with each seed, the questions paired with or without continuers."""
    from bench_themes import _vectors
    from common import scores
    from sklearn.metrics import adjusted_rand_score

    import workbench.core.questions as questions
    from workbench.engine.discover import DiscoveryParams, Doc, discover

    kept = questions.is_continuer
    if not continuers:
        questions.is_continuer = lambda text: False  # every interviewer turn is a question
    try:
        sets = list(dialogue_sets(SETS))  # paired now, while the switch holds
    finally:
        questions.is_continuer = kept
    out: dict[str, object] = {}
    for name, d in sets:
        own, asked = _vectors(encoder, d)
        docs = [Doc(i, t, p or None, s or None, q)
                for i, t, p, s, q in zip(d.ids, d.texts, d.people, d.sites, d.questions, strict=True)]
        runs, rows = [], []
        for seed in SEEDS:
            found = discover(docs, own, DiscoveryParams(seed=seed), word_embedder=encoder.encode, questions=asked)
            assigned = [found.assignment[i][0] for i in d.ids]
            runs.append(assigned)
            themes = found.themes
            rows.append({**scores(d.labels, assigned),
                         "phrase_labels": round(sum(c.label_is_phrase for c in themes) / max(1, len(themes)), 3)})
        out[name] = {
            "nmi": round(statistics.mean(r["nmi"] for r in rows), 4),
            "ari": round(statistics.mean(r["ari"] for r in rows), 4),
            "phrase_labels": round(statistics.mean(r["phrase_labels"] for r in rows), 3),
            "ari_between_seeds": [round(float(adjusted_rand_score(a, b)), 4) for a, b in combinations(runs, 2)],
            "by_seed": rows}
        print("continuers" if continuers else "every turn a question", name, out[name], flush=True)
    return out


def main() -> None:
    from workbench.engine.embed import Encoder, load_model

    encoder = Encoder(load_model())
    results = {"seeds": list(SEEDS), "continuers_kept_with_the_question": _variant(True, encoder),
               "every_interviewer_turn_a_question": _variant(False, encoder)}
    print("saved", save("continuers", results))


if __name__ == "__main__":
    main()
