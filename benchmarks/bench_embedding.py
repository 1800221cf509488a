"""Embedding backends on interview-length segments: speed, and what int8 costs in quality.

Also scores both sets of candidates against the answer key, and gives the ARI between two
fp32 runs that differ only in their seed, to put the int8-vs-fp32 agreement in scale.

Padding: the share of computed word pieces that are padding in batches of 16, with texts
ordered by characters (as before) and by word pieces (as now), on the sample corpus and on
the short NHS answers.

And a compute floor: the arithmetic a forward pass needs (from the model's shape and each
segment's word pieces) set against this processor's measured single-precision matrix
multiply (numpy's BLAS at the feed-forward layer's shape). Their ratio says how much
faster full precision could possibly get here, whatever the runtime.

Speed of sentence-transformers' torch backend, ONNX fp32 and ONNX int8 (per-channel) on
the sample corpus's participant segments; mean and minimum cosine similarity of int8 to
fp32 embeddings; and the agreement (ARI) of candidates discovered from each.

    .venv/bin/python benchmarks/bench_embedding.py
"""

from __future__ import annotations

import json
import time

import numpy as np
from common import load_answer_key, load_shared, save, scores, timed


def forward_flops(config: dict, tokens: np.ndarray) -> np.ndarray:
    """Floating-point operations of one forward pass for sequences of ``tokens`` pieces.

    Per layer, a sequence of L tokens costs its four attention projections and two
    feed-forward matrices, 2·L·(4h² + 2hi), and the attention scores and mix, 2·2·L²·h.
    Embedding lookups, layer norms, softmax and activations are left out: they are small
    beside the matrix products, so the figure is a floor on the work, not an estimate of it.
    """
    h, i, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    length = tokens.astype(np.float64)
    return layers * (2 * length * (4 * h * h + 2 * h * i) + 4 * length * length * h)


def sgemm_gflops(rows: int, inner: int, cols: int, seconds: float = 2.0) -> float:
    """Single-precision matrix-multiply rate of this processor, all cores, best of three."""
    a = np.random.default_rng(0).random((rows, inner), dtype=np.float32)
    b = np.random.default_rng(1).random((inner, cols), dtype=np.float32)
    a @ b
    best = 0.0
    for _ in range(3):
        count, start = 0, time.perf_counter()
        while (took := time.perf_counter() - start) < seconds / 3:
            a @ b
            count += 1
        best = max(best, 2 * rows * inner * cols * count / took / 1e9)
    return best


def padding_share(pieces: np.ndarray, order: np.ndarray, batch: int = 16) -> float:
    """Share of the word pieces computed that are padding, for batches taken in ``order``."""
    padded = sum(int(pieces[order[s:s + batch]].max()) * len(order[s:s + batch]) for s in range(0, len(order), batch))
    return round(1 - float(pieces.sum()) / padded, 4)


def padding(texts: list[str]) -> dict[str, float]:
    """Padding in batches of 16 when texts are ordered by characters (before) and by word pieces (now)."""
    from workbench.engine.embed import _by_length, _tokenizer, load_model

    info = load_model()
    tokenizer = _tokenizer(info, padded=False)
    pieces = np.asarray([len(e.ids) for e in tokenizer.encode_batch(texts)])
    return {"by_characters": padding_share(pieces, np.argsort([len(t) for t in texts], kind="stable")),
            "by_word_pieces": padding_share(pieces, _by_length(info, texts))}


def main() -> None:
    from sklearn.metrics import adjusted_rand_score

    from workbench.engine.discover import DiscoveryParams, Doc, discover
    from workbench.engine.embed import Encoder, load_model
    from workbench.engine.model_files import token_counter

    ids, texts, labels, people, sites = load_answer_key()
    info = load_model()
    pieces = token_counter()(texts)
    results: dict[str, object] = {"segments": len(texts), "mean_word_pieces": round(float(np.mean(pieces)), 1)}
    vectors = {}
    config = json.loads((info.path / "config.json").read_text(encoding="utf-8"))
    work = float(forward_flops(config, np.asarray(pieces) + 2).sum())  # with the two special tokens
    results["sgemm_gflops"] = round(sgemm_gflops(16 * 144, config["hidden_size"], config["intermediate_size"]), 1)
    results["forward_gflop_per_segment"] = round(work / len(texts) / 1e9, 3)
    results["padding_interview"] = padding(texts)
    short = load_shared("nhs_feedback_category")
    if short is not None:
        results["padding_short_answers"] = padding(short[1])
    print(results, flush=True)
    batch = Encoder(info).batch_size  # discovery's batch size: quality is compared there
    plan = [("torch", 32), *dict.fromkeys([("onnx", 8), ("onnx", batch), ("onnx", 32), ("onnx-int8", batch),
                                           ("onnx-int8", 32), ("onnx-int8", 64)])]
    for backend, size in plan:
        encoder = Encoder(info, backend, batch_size=size)  # type: ignore[arg-type]
        encoder.encode(texts[:64])  # load, export if needed, warm up
        vecs, took = timed(lambda encoder=encoder: encoder.encode(texts))
        vectors[(backend, size)] = vecs
        results[f"{backend}_batch{size}_segments_per_s"] = round(len(texts) / took, 1)
        results[f"{backend}_batch{size}_gflops"] = round(work / took / 1e9, 1)
        print(backend, size, results[f"{backend}_batch{size}_segments_per_s"], flush=True)
    # Quality at the batch size discovery uses (the Encoder's default); int8's vectors depend on
    # the batch (activations are scaled per batch), fp32's do not.
    results["int8_batch16_vs_batch64_cosine_min"] = round(float(np.sum(
        vectors[("onnx-int8", batch)] * vectors[("onnx-int8", 64)], axis=1).min()), 4)
    results["fp32_batch8_vs_batch32_max_difference"] = float(np.abs(vectors[("onnx", 8)] - vectors[("onnx", 32)]).max())
    results["onnx_fp32_vs_torch_max_difference"] = float(
        np.abs(vectors[("onnx", batch)] - vectors[("torch", 32)]).max())
    int8_64 = vectors[("onnx-int8", 64)]
    vectors = {b: vectors[(b, batch if b != "torch" else 32)] for b in ("torch", "onnx", "onnx-int8")}
    cosine = np.sum(vectors["onnx"] * vectors["onnx-int8"], axis=1)
    results["int8_vs_fp32_cosine_mean"] = round(float(cosine.mean()), 4)
    results["int8_vs_fp32_cosine_min"] = round(float(cosine.min()), 4)
    results["onnx_fp32_vs_torch_cosine_min"] = round(float(np.sum(vectors["onnx"] * vectors["torch"], axis=1).min()), 6)
    docs = [Doc(i, t, p, s) for i, t, p, s in zip(ids, texts, people, sites, strict=True)]
    found = {b: discover(docs, vectors[b], DiscoveryParams()) for b in ("onnx", "onnx-int8")}
    found["onnx seed 7"] = discover(docs, vectors["onnx"], DiscoveryParams(seed=7))
    found["int8 batch 64"] = discover(docs, int8_64, DiscoveryParams())
    parts = {name: [f.assignment[i][0] for i in ids] for name, f in found.items()}
    results["candidates_ari_int8_vs_fp32"] = round(float(adjusted_rand_score(parts["onnx"], parts["onnx-int8"])), 4)
    results["candidates_ari_int8_batch64_vs_fp32"] = round(float(adjusted_rand_score(
        parts["onnx"], parts["int8 batch 64"])), 4)
    # For scale: how much the clustering moves when only its seed changes, on fp32 embeddings.
    results["candidates_ari_fp32_seed42_vs_seed7"] = round(
        float(adjusted_rand_score(parts["onnx"], parts["onnx seed 7"])), 4)
    results["answer_key_fp32"] = scores(labels, parts["onnx"])
    results["answer_key_int8"] = scores(labels, parts["onnx-int8"])
    print(results)
    print("saved", save("embedding", results))


if __name__ == "__main__":
    main()
