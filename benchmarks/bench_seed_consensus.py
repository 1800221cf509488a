"""How many seeded layouts discovery needs: agreement between seeds.

Discovery keeps the themes most of its seeded UMAP layouts find (``--runs``; by default
``auto_runs``: an odd count, 31 up to 10,000 segments, then a fixed budget of layout work, at least 5), each
clustered by HDBSCAN with ``min_samples`` the square root of the minimum size. For 1 (a
single layout, HDBSCAN's clusters as they are: what discovery did before the consensus),
10 layouts (the former default) and the default count, this measures, on the sample corpus
and on the NHS feedback and StackOverflow sets when ../shared/data has them: the
ARI between runs with seeds 42, 7 and 1 (their layouts share no seed), NMI and ARI against
the human labels, the number of candidates and the seconds per run (embeddings given;
neighbours, layouts, clustering and consensus only; layouts in one process per core from
1,000 segments).

    cd benchmarks && ../.venv/bin/python bench_seed_consensus.py [answer_key nhs_feedback_subcategory stc_stackoverflow]
"""

from __future__ import annotations

import sys
import time
from itertools import combinations

from common import labelled_sets, save

SEEDS = (42, 7, 1)


CONFIGS = {"1": {"runs": 1}, "10": {"runs": 10}, "default": {"runs": None}}


def single_layout(docs, vectors, seed: int) -> list[int]:
    """One layout, HDBSCAN's clusters, every other segment placed as discovery places them."""
    import numpy as np

    from workbench.engine.consensus import renumber
    from workbench.engine.discovery_settings import DiscoveryParams
    from workbench.engine.layouts import umap_layout
    from workbench.engine.neighbours import neighbours
    from workbench.engine.placement import assign_segments

    params = DiscoveryParams(seed=seed)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    settings = params.layout_settings(len(docs))
    layout = umap_layout(unit, neighbours(unit, params.n_neighbors), settings.components, seed)
    labels = renumber(settings.clusterer.labels(layout))
    return assign_segments(unit, labels, params.min_similarity)[2].tolist()


def main(names: list[str]) -> None:
    from sklearn.metrics import adjusted_rand_score as ari
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from workbench.engine.discover import DiscoveryParams, Doc, discover
    from workbench.engine.embed import Encoder, load_model

    encoder = Encoder(load_model())
    results: dict[str, object] = {"seeds": list(SEEDS), "backend": encoder.backend}
    for name, data in labelled_sets(names):
        ids, texts, labels, people, sites = data
        vectors = encoder.encode(texts)
        docs = [Doc(i, t, p or None, s or None) for i, t, p, s in zip(ids, texts, people, sites, strict=True)]
        rows = {}
        for config, settings in CONFIGS.items():
            parts, seconds = [], []
            for seed in SEEDS:
                start = time.perf_counter()
                if settings["runs"] == 1:
                    parts.append(single_layout(docs, vectors, seed))
                else:
                    found = discover(docs, vectors, DiscoveryParams(seed=seed, **settings))
                    parts.append([found.assignment[i][0] for i in ids])
                seconds.append(time.perf_counter() - start)
            rows[config] = {
                "layouts": settings["runs"] or DiscoveryParams().layout_count(len(ids)),
                "ari_between_seeds": [round(float(ari(a, b)), 3) for a, b in combinations(parts, 2)],
                "nmi": [round(float(nmi(labels, p)), 3) for p in parts],
                "ari_labels": [round(float(ari(labels, p)), 3) for p in parts],
                "candidates": [len({c for c in p if c >= 0}) for p in parts],
                "seconds": round(sum(seconds) / len(seconds), 1),
            }
            print(name, config, rows[config], flush=True)
        results[name] = {"rows": len(ids), "layouts": rows}
    print("saved", save("seed_consensus", results))


if __name__ == "__main__":
    main(sys.argv[1:] or ["answer_key", "nhs_feedback_subcategory", "stc_stackoverflow"])
