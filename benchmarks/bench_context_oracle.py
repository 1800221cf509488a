"""How to read an answer with its question, judged with the number of themes given (an oracle).

Before discovery's default was chosen, the two ways work on dialogue gives an utterance its
context were compared on every dialogue set with k-means told the true number of labels (two
k-means seeds, averaged): embedding the question's text joined to the answer's, and adding
the question's vector to the answer's at several weights (``engine.context``). Discovery's
own comparison of weights is ``bench_themes.py``.

    .venv/bin/python benchmarks/bench_context_oracle.py [answer_key second_sample real_dialogue]
"""

from __future__ import annotations

import sys

from common import save
from dialogue_sets import dialogue_sets

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)


def _oracle(labels: list[str], vectors) -> dict[str, float]:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    k = len(set(labels))
    runs = [KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors) for seed in (0, 1)]
    return {"nmi": round(float(np.mean([normalized_mutual_info_score(labels, r) for r in runs])), 4),
            "ari": round(float(np.mean([adjusted_rand_score(labels, r) for r in runs])), 4)}


def main(names: list[str]) -> None:
    import numpy as np

    from workbench.engine.context import joined_text, read_with_questions, unit_rows
    from workbench.engine.embed import Encoder, load_model

    encoder = Encoder(load_model())
    results: dict[str, object] = {"backend": encoder.backend}
    for name, d in dialogue_sets(names):
        own = unit_rows(encoder.encode(d.texts))
        asked = sorted({q for q in d.questions if q})
        by_text = dict(zip(asked, unit_rows(encoder.encode(asked)), strict=True))
        zero = np.zeros(own.shape[1], dtype=np.float32)
        questions = np.stack([by_text[q] if q else zero for q in d.questions])
        row: dict[str, object] = {f"vectors_{w}": _oracle(d.labels, read_with_questions(own, questions, w))
                                  for w in WEIGHTS}
        joined = [joined_text(t, q) if q else t for q, t in zip(d.questions, d.texts, strict=True)]
        row["joined_text"] = _oracle(d.labels, unit_rows(encoder.encode(joined)))
        results[name] = row
        print(name, row, flush=True)
    print("saved", save("context_oracle", results))


if __name__ == "__main__":
    main(sys.argv[1:] or ["answer_key", "second_sample", "real_dialogue"])
