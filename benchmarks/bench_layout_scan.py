"""How agreement between seeds grows with the number of layouts, from one draw per seed.

A run's layout seeds are prefix-consistent (``DiscoveryParams.run_seeds``: more layouts add
to fewer), so the first k of N layouts drawn for a seed are exactly the layouts that
``--runs k`` draws. For each set this draws N layouts for each of the seeds 42, 7 and 1
once, then takes the consensus and placement of every odd prefix (5, 7, ... N) as discovery
does, and gives the ARI between the three seeds' candidates and their NMI to the labels.
It is the evidence for choosing ``auto_runs``; the default count's row must equal
bench_seed_consensus.py's "default" row for the same set and vectors.

    cd benchmarks && ../.venv/bin/python bench_layout_scan.py [nhs_feedback_subcategory:31 stc_stackoverflow:15]
"""

from __future__ import annotations

import sys
import time
from itertools import combinations

from common import labelled_sets, save

SEEDS = (42, 7, 1)
DEFAULT = ["nhs_feedback_subcategory:31", "stc_stackoverflow:15"]


def placed(unit, layouts, same_theme: float, min_similarity: float) -> list[int]:
    """The candidates of these layouts: discovery's consensus, then its placement of the rest."""
    from workbench.engine.consensus import consensus
    from workbench.engine.placement import assign_segments

    labels, _ = consensus(unit, layouts, same_theme)
    return assign_segments(unit, labels, min_similarity)[2].tolist()


def main(specs: list[str]) -> None:
    import numpy as np
    from sklearn.metrics import adjusted_rand_score as ari
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from workbench.engine.compiled import clustering_stack
    from workbench.engine.discovery_settings import DiscoveryParams
    from workbench.engine.embed import Encoder, load_model
    from workbench.engine.layouts import draw_layouts, worker_count
    from workbench.engine.neighbours import neighbours

    wanted = dict(spec.split(":") for spec in specs)
    encoder = Encoder(load_model())
    results: dict[str, object] = {"seeds": list(SEEDS), "backend": encoder.backend}
    clustering_stack()
    for name, data in labelled_sets(list(wanted)):
        _, texts, labels, _, _ = data
        most = int(wanted[name])
        vectors = encoder.encode(texts)
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        n = len(unit)
        params = DiscoveryParams()
        settings = params.layout_settings(n)
        knn = neighbours(unit, params.n_neighbors)
        drawn, seconds = {}, []
        for seed in SEEDS:
            seeds = DiscoveryParams(seed=seed, runs=most).run_seeds(n)
            start = time.perf_counter()
            drawn[seed] = draw_layouts(unit, knn, seeds, settings, worker_count(n, most, None), lambda _: None)
            seconds.append(time.perf_counter() - start)
        rows = {}
        for count in range(5, most + 1, 2):
            parts = [placed(unit, drawn[seed][:count], params.same_theme, params.min_similarity) for seed in SEEDS]
            rows[str(count)] = {"ari_between_seeds": [round(float(ari(a, b)), 3) for a, b in combinations(parts, 2)],
                                "nmi": [round(float(nmi(labels, p)), 3) for p in parts]}
            print(name, count, rows[str(count)], flush=True)
        results[name] = {"rows": n, "default_layouts": params.layout_count(n), "most": most,
                         "seconds_for_most": round(sum(seconds) / len(seconds), 1), "scan": rows}
    print("saved", save("layout_scan", results))


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT)
