"""What drawing the layouts on a sample costs, against drawing them on every segment.

From LAYOUT_SAMPLE segments (20,000) discovery finds its themes in a seeded random sample
and then places every segment on its nearest candidate (DiscoveryParams.layout_sample).
The largest labelled sets here are smaller than that, so the same ratio is imitated on
them: each set's themes are found in a sample of a fifth of its rows (as 20,000 is of
100,000), and scored over all rows against the set's labels, side by side in one run with
layouts on every row and with plain BERTopic's quick start (same embeddings). Also the ARI
between the sampled and the full run, and between two seeds of the sampled run.

    .venv/bin/python benchmarks/bench_sample.py [stc_stackoverflow nhs_feedback_category ...]
"""

from __future__ import annotations

import sys

from common import labelled_sets, plain_bertopic, save, scores, timed

SETS = ["stc_stackoverflow", "nhs_feedback_category", "nhs_feedback_subcategory"]
SHARE = 5  # one row in five, as 20,000 of 100,000


def main(names: list[str]) -> None:
    from sklearn.metrics import adjusted_rand_score

    from workbench.discover import DiscoveryParams, Doc, discover
    from workbench.embed import Encoder, load_model

    encoder = Encoder(load_model())
    results: dict[str, object] = {"backend": encoder.backend, "share": f"1/{SHARE}"}
    cache: dict[str, object] = {}
    for name, (ids, texts, labels, people, sites) in labelled_sets(names):
        key = "nhs" if name.startswith("nhs") else name
        if key not in cache:
            cache[key] = encoder.encode(texts)
        vectors = cache[key]
        docs = [Doc(i, t, p or None, s or None) for i, t, p, s in zip(ids, texts, people, sites, strict=True)]
        plain, plain_time = timed(lambda texts=texts, vectors=vectors: plain_bertopic(texts, vectors, seed=42))
        row: dict[str, object] = {"rows": len(ids), "labels": len(set(labels)),
                                  "plain_bertopic": {**scores(labels, plain), "seconds": round(plain_time, 1)}}
        parts = {}
        for label, params in (("all", DiscoveryParams(sample=len(ids))),
                              ("sample", DiscoveryParams(sample=len(ids) // SHARE)),
                              ("sample_seed_7", DiscoveryParams(sample=len(ids) // SHARE, seed=7))):
            found, took = timed(lambda params=params, docs=docs, vectors=vectors: discover(
                docs, vectors, params, word_embedder=encoder.encode))
            parts[label] = [found.assignment[i][0] for i in ids]
            row[label] = {**scores(labels, parts[label]), "seconds": round(took, 1), "layouts": found.layouts,
                          "layout_segments": found.layout_segments,
                          "mean_stability": round(sum(c.stability for c in found.candidates)
                                                  / max(1, len(found.candidates)), 3)}
            print(name, label, row[label], flush=True)
        row["ari_sample_vs_all"] = round(float(adjusted_rand_score(parts["all"], parts["sample"])), 4)
        row["ari_sample_seeds"] = round(float(adjusted_rand_score(parts["sample"], parts["sample_seed_7"])), 4)
        results[name] = row
        print(name, row, flush=True)
    print("saved", save("sample", results))


if __name__ == "__main__":
    main(sys.argv[1:] or SETS)
