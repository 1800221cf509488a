"""Cheaper layouts, tried and not shipped: fewer UMAP epochs, and the spectral start alone.

Issue 28 asks for the layouts' price to fall at the common sizes without losing what they
are for. Below 10,000 segments UMAP optimises each layout for 500 epochs (200 above). This
benchmark runs discovery as shipped (answers read with their questions, small talk apart,
31 layouts) and with each layout's epochs changed, on the dialogue sets with labels, two
seeds each (three with --three-seeds), in one process (one worker, so every variant draws
its layouts the same way):

- NMI and ARI of seed 42's candidates against the labels (and their means over the seeds);
- the ARI between seed 42's and seed 7's candidates (and, with three seeds, the lowest and
  the mean over the three pairs);
- seconds for seed 42's run (relative within this run only).

A variant of "0" epochs is UMAP's spectral start alone (deterministic up to UMAP's tiny
seeded jitter), with 3 layouts: the layout-free consensus the issue names as an option.

    cd benchmarks && ../.venv/bin/python bench_layout_epochs.py
    cd benchmarks && ../.venv/bin/python bench_layout_epochs.py --three-seeds   (shipped and 200 epochs)
"""

from __future__ import annotations

import sys
import time

from common import save
from dialogue_sets import dialogue_sets

SETS = ["answer_key", "second_sample", "real_dialogue"]
# (name, epochs (None: UMAP's own choice, as shipped), layouts (None: auto_runs))
VARIANTS = [("shipped", None, None), ("epochs_200", 200, None), ("epochs_100", 100, None),
            ("spectral_start_only", 0, 3)]


def main(names: list[str], seeds: tuple[int, ...] = (42, 7), variants: list | None = None) -> None:
    import bench_themes
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from workbench.engine import layouts
    from workbench.engine.discover import DiscoveryParams, Doc, discover
    from workbench.engine.embed import Encoder, load_model

    shipped = layouts.umap_layout
    chosen: dict[str, int | None] = {"epochs": None}

    def with_epochs(unit, knn, components, seed, min_dist=0.0):
        import warnings

        from umap import UMAP

        if chosen["epochs"] is None:
            return shipped(unit, knn, components, seed, min_dist)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore")
            reducer = UMAP(n_neighbors=knn[0].shape[1], n_components=max(2, min(components, len(unit) - 2)),
                           min_dist=min_dist, metric="cosine", random_state=seed, low_memory=True, n_jobs=1,
                           precomputed_knn=knn, n_epochs=chosen["epochs"])
            return reducer.fit_transform(unit)

    layouts.umap_layout = with_epochs
    encoder = Encoder(load_model())
    results: dict[str, object] = {}
    for name, d in dialogue_sets(names):
        own, questions = bench_themes._vectors(encoder, d)
        docs = [Doc(i, t, p or None, s or None, q)
                for i, t, p, s, q in zip(d.ids, d.texts, d.people, d.sites, d.questions, strict=True)]
        row: dict[str, object] = {"rows": len(d.ids)}
        for variant, epochs, runs in variants or VARIANTS:
            chosen["epochs"] = epochs
            found = {}
            for seed in seeds:
                start = time.perf_counter()
                made = discover(docs, own, DiscoveryParams(seed=seed, runs=runs), word_embedder=encoder.encode,
                                questions=questions, workers=1)
                found[seed] = ([made.assignment[i][0] for i in d.ids], time.perf_counter() - start, len(made.themes))
            assigned = found[42][0]
            row[variant] = {"nmi": round(normalized_mutual_info_score(d.labels, assigned), 4),
                            "ari": round(adjusted_rand_score(d.labels, assigned), 4),
                            "seeds_ari": round(adjusted_rand_score(assigned, found[7][0]), 4),
                            "seconds": round(found[42][1], 1), "candidates": found[42][2]}
            if len(seeds) > 2:
                from itertools import combinations
                from statistics import mean

                pairs = [adjusted_rand_score(found[a][0], found[b][0]) for a, b in combinations(seeds, 2)]
                row[variant] |= {"seeds": list(seeds), "seeds_ari_lowest": round(min(pairs), 4),
                                 "seeds_ari_mean": round(mean(pairs), 4),
                                 "ari_mean": round(mean(adjusted_rand_score(d.labels, found[s][0]) for s in seeds), 4),
                                 "nmi_mean": round(mean(normalized_mutual_info_score(d.labels, found[s][0])
                                                        for s in seeds), 4)}
            print(name, variant, row[variant], flush=True)
        results[name] = row
    print("saved", save("layout_epochs_three_seeds" if len(seeds) > 2 else "layout_epochs", results))


if __name__ == "__main__":
    chosen_sets = [a for a in sys.argv[1:] if not a.startswith("--")] or SETS
    if "--three-seeds" in sys.argv:
        main(chosen_sets, (42, 7, 3), VARIANTS[:2])
    else:
        main(chosen_sets)
