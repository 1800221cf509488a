"""Theme recovery, side by side with plain BERTopic in the same run, on the same embeddings.

For each labelled set: NMI and ARI over all rows (unassigned counted as one cluster),
coverage and the number of candidates, for plain BERTopic's quick start and for the
workbench's discovery; and the ARI between the workbench's runs with two different seeds.

    .venv/bin/python benchmarks/bench_quality.py [answer_key nhs_feedback_category ...]
"""

from __future__ import annotations

import sys

from common import labelled_sets, plain_bertopic, save, scores, timed

SETS = ["answer_key", "nhs_feedback_category", "nhs_feedback_subcategory", "stc_stackoverflow"]


def main(names: list[str]) -> None:
    from sklearn.metrics import adjusted_rand_score

    from workbench.engine.discover import DiscoveryParams, Doc, discover
    from workbench.engine.embed import Encoder, load_model

    encoder = Encoder(load_model())  # the default backend: what a researcher's run uses
    results: dict[str, object] = {"backend": encoder.backend}
    cache: dict[str, object] = {}
    for name, data in labelled_sets(names):
        ids, texts, labels, people, sites = data
        key = "nhs" if name.startswith("nhs") else name
        if key not in cache:
            cache[key] = encoder.encode(texts)
        vectors = cache[key]
        plain, plain_time = timed(lambda texts=texts, vectors=vectors: plain_bertopic(texts, vectors, seed=42))
        docs = [Doc(i, t, p or None, s or None) for i, t, p, s in zip(ids, texts, people, sites, strict=True)]
        runs = {}
        for seed in (42, 7):
            found, took = timed(lambda seed=seed, docs=docs, vectors=vectors: discover(
                docs, vectors, DiscoveryParams(seed=seed), word_embedder=encoder.encode))
            runs[seed] = ([found.assignment[i][0] for i in ids], took, found)
        ours = runs[42][0]
        results[name] = {
            "rows": len(ids),
            "labels": len(set(labels)),
            "plain_bertopic": {**scores(labels, plain), "seconds": round(plain_time, 1)},
            "workbench": {**scores(labels, ours), "seconds": round(runs[42][1], 1),
                          "min_cluster_size": runs[42][2].min_cluster_size,
                          "layouts": DiscoveryParams().layout_count(len(docs)),
                          "mean_stability": round(sum(c.stability for c in runs[42][2].candidates)
                                                  / max(1, len(runs[42][2].candidates)), 3)},
            "workbench_seed_7": scores(labels, runs[7][0]),
            "ari_between_seeds": round(float(adjusted_rand_score(ours, runs[7][0])), 4),
        }
        print(name, results[name], flush=True)
    print("saved", save("quality", results))


if __name__ == "__main__":
    main(sys.argv[1:] or SETS)
