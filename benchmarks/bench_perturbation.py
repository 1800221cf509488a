"""How far candidates move when the embeddings move a little: the scale for int8's gate.

int8's gate asks its candidates to agree with full precision's at an ARI of at least 0.95.
To read int8's figure, this measures what other changes to the same vectors do: seeded
Gaussian noise of a few sizes, from 1e-7 per coordinate (a change in the seventh decimal
place of coordinates that are about 0.05 in size; bench_embedding.py records how far ONNX's
and torch's fp32 vectors differ, for comparison) up to about int8's distance from fp32,
each added to the sample corpus's full-precision vectors and renormalised; and no noise,
as a control (the same vectors give the same candidates). For each: the mean cosine to the
original vectors, and the ARI of the candidates found from them (same seed) to the original
candidates; beside them int8's own pair of figures, and two seeds on the original vectors,
which is the agreement the vote is built to reach. Each row is one draw of noise.

    .venv/bin/python benchmarks/bench_perturbation.py
"""

from __future__ import annotations

import numpy as np
from common import load_answer_key, save

SIGMAS = [0.0, 1e-7, 1e-5, 1e-3, 2e-3, 5e-3, 1e-2]


def main() -> None:
    from sklearn.metrics import adjusted_rand_score

    from workbench.engine.discover import DiscoveryParams, Doc, discover
    from workbench.engine.embed import Encoder, load_model

    ids, texts, _labels, people, sites = load_answer_key()
    info = load_model()
    fp32 = Encoder(info, "onnx").encode(texts)
    docs = [Doc(i, t, p, s) for i, t, p, s in zip(ids, texts, people, sites, strict=True)]

    def parts(vectors: np.ndarray, seed: int = 42) -> list[int]:
        found = discover(docs, vectors, DiscoveryParams(seed=seed))
        return [found.assignment[i][0] for i in ids]

    base = parts(fp32)
    results: dict[str, object] = {"segments": len(ids), "fp32_seed_7_ari": round(float(adjusted_rand_score(
        base, parts(fp32, seed=7))), 4)}
    print(results, flush=True)
    rng = np.random.default_rng(0)
    rows = []
    for sigma in SIGMAS:
        if sigma:
            moved = fp32 + rng.normal(0.0, sigma, fp32.shape).astype(np.float32)
            moved /= np.linalg.norm(moved, axis=1, keepdims=True)
        else:
            moved = fp32.copy()
        row = {"sigma": sigma, "cosine_mean": round(float(np.sum(moved * fp32, axis=1).mean()), 6),
               "ari": round(float(adjusted_rand_score(base, parts(moved))), 4)}
        rows.append(row)
        print(row, flush=True)
    results["noise"] = rows
    int8 = Encoder(info, "onnx-int8").encode(texts)
    results["int8"] = {"cosine_mean": round(float(np.sum(int8 * fp32, axis=1).mean()), 6),
                       "ari": round(float(adjusted_rand_score(base, parts(int8))), 4)}
    print(results["int8"], flush=True)
    print("saved", save("perturbation", results))


if __name__ == "__main__":
    main()
