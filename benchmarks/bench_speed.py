"""Speed and memory of discovery, side by side with plain BERTopic, at several corpus sizes.

Interview-length segments (the sample corpus's participant turns, about 128 word pieces)
are repeated and varied to N: each variant keeps one segment's sentences with one of them
swapped for a sentence of another segment, so no two texts are alike and no cache helps.
Each measurement runs in a fresh process, so imports, model loading and compilation count:

- plain: sentence-transformers (torch) embeds, then BERTopic's quick start clusters (UMAP
  with the same seed as the workbench's);
- cold: a fresh study with the texts imported, ``Study.discover`` (embedding included, with
  the default backend, which each row records);
- warm: the same study again, ``Study.discover`` (embeddings cached, and the layouts the
  cold run drew read from the study: a re-run after decisions that leave the segments as they were);
- reseeded: the same study with another seed, ``Study.discover`` (embeddings cached, every
  layout drawn anew: what a re-run costs when the layouts cannot be reused). Its
  candidates against the cold run's are the seeds' ARI.

Quality beside each: NMI and ARI of the candidates (and of plain BERTopic's topics) against
the labels the texts were varied from (the answer key's theme of the segment a variant
keeps most of; for short answers, the NHS category of the first of the two).

    .venv/bin/python benchmarks/bench_speed.py --sizes 1000 3000 5000 10000   (both kinds, to speed_sizes.json)
    .venv/bin/python benchmarks/bench_speed.py 2000 20000   (earlier rows of other sizes, same machine, are kept)
    .venv/bin/python benchmarks/bench_speed.py --feedback 100000   (short texts: NHS answers, two joined)
    .venv/bin/python benchmarks/bench_speed.py --feedback --no-warm 100000   (cold only: no warm target there)
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, PeakMemory, load_answer_key, load_shared, save

SEED = 42
OTHER_SEED = 7  # the reseeded run's: its candidates against SEED's are the seeds' ARI


def varied(n: int, seed: int = SEED) -> list[str]:
    return varied_labelled(n, seed)[0]


def varied_labelled(n: int, seed: int = SEED) -> tuple[list[str], list[str]]:
    """Interview-length texts and each one's label: the theme of the segment whose sentences it keeps."""
    from workbench.core.splitting import sentence_spans

    _, texts, labels, _, _ = load_answer_key()
    bases = [([t[a:b] for a, b in sentence_spans(t)], label) for t, label in zip(texts, labels, strict=True)
             if len(t.split()) >= 12]
    pool = [s for group, _ in bases for s in group]
    rng = random.Random(seed)
    out, kept, seen = [], [], set()
    while len(out) < n:
        sentences, label = rng.choice(bases)
        base = list(sentences)
        base[rng.randrange(len(base))] = rng.choice(pool)
        text = " ".join(base)
        if text not in seen:
            seen.add(text)
            out.append(text)
            kept.append(label)
    return out, kept


def varied_feedback(n: int, seed: int = SEED) -> list[str]:
    return varied_feedback_labelled(n, seed)[0]


def varied_feedback_labelled(n: int, seed: int = SEED) -> tuple[list[str], list[str]]:
    """Short real texts: two NHS feedback answers joined, repeated and varied to ``n``; the first's category."""
    data = load_shared("nhs_feedback_category")
    if data is None:
        raise SystemExit("../shared/data/nhs_feedback_category.csv is absent: use the interview data instead")
    answers = [(t, label) for t, label in zip(data[1], data[2], strict=True) if len(t) >= 15]
    rng = random.Random(seed)
    out, kept, seen = [], [], set()
    while len(out) < n:
        (first, label), (second, _) = rng.choice(answers), rng.choice(answers)
        text = f"{first} {second}"
        if text not in seen:
            seen.add(text)
            out.append(text)
            kept.append(label)
    return out, kept


def child(kind: str, n: int, folder: Path) -> dict[str, float]:
    memory = PeakMemory()
    if kind == "plain":
        texts = json.loads((folder / "texts.json").read_text(encoding="utf-8"))
        start = time.perf_counter()
        from common import plain_bertopic
        from sentence_transformers import SentenceTransformer

        from workbench.engine.model_files import resolve_model_dir

        model = SentenceTransformer(str(resolve_model_dir()), device="cpu", local_files_only=True)
        vectors = model.encode(texts, batch_size=32, show_progress_bar=False)
        topics = plain_bertopic(texts, vectors, seed=SEED)
        return {"seconds": time.perf_counter() - start, "peak_mb": memory.stop_mb(),
                "candidates": len(set(topics) - {-1}), "assigned": [int(t) for t in topics]}
    from workbench.engine.discover import DiscoveryParams
    from workbench.study import Study

    study_dir = folder / "study"
    if kind == "cold":
        study = Study.init(study_dir, by="bench")
        study.ingest([folder / "texts.csv"])
    else:
        study = Study.open(study_dir)
    params = DiscoveryParams(seed=OTHER_SEED if kind == "reseeded" else SEED)
    start = time.perf_counter()
    expected = study.estimate_discovery(params)  # what the researcher is told before it starts
    estimating = time.perf_counter() - start
    start = time.perf_counter()
    run = study.discover(params, by="bench")
    seconds = time.perf_counter() - start
    where = {a.segment_id: a.candidate for a in study.store.assignments(run.id)}
    return {"seconds": seconds, "peak_mb": memory.stop_mb(), "candidates": run.candidates,
            "coverage": run.coverage, "timings": run.timings, "backend": run.backend, "layouts": run.params["runs"],
            "layouts_kept": run.params.get("layouts_kept", 0),
            "segments": run.segments, "estimated_seconds": round(expected.seconds, 1),
            "estimate_basis": expected.basis, "estimating_seconds": round(estimating, 2),
            # a long text is cut into parts (v000514.1, .2): each text is read as its first part's candidate
            "assigned": [where.get(f"v{i:06d}", where.get(f"v{i:06d}.1", -1)) for i in range(n)]}


def main(sizes: list[int], data: str, warm: bool = True) -> None:
    """Measure each size and save after each, keeping earlier rows of other sizes from the same machine.

    A 20,000-segment row takes about 40 minutes here, so sizes are re-measured one at a
    time when only one is affected by a change; each row records the day it was measured.
    """
    import datetime

    from common import RESULTS, machine

    name = "speed" if data == "interviews" else f"speed_{data}"
    earlier = RESULTS / f"{name}.json"
    results = {}
    if earlier.is_file():
        previous = json.loads(earlier.read_text(encoding="utf-8"))
        if previous.get("machine") == machine():
            results = {k: v for k, v in previous.items() if k != "machine"}
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            texts = varied(n) if data == "interviews" else varied_feedback(n)
            (folder / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
            with (folder / "texts.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["id", "text"])
                writer.writerows((f"v{i:06d}", t) for i, t in enumerate(texts))
            from workbench.engine.model_files import token_counter

            pieces = token_counter()(texts)  # special tokens not counted, as in bench_embedding
            row: dict[str, object] = {"mean_word_pieces": round(sum(pieces) / len(pieces), 1)}
            for kind in ("plain", "cold", "warm") if warm else ("plain", "cold"):
                out = subprocess.run([sys.executable, __file__, "--child", kind, str(n), str(folder)],
                                     capture_output=True, text=True, cwd=ROOT / "benchmarks", check=True)
                row[kind] = json.loads(out.stdout.strip().splitlines()[-1])
                row[kind].pop("assigned", None)
                print(n, kind, row[kind], flush=True)
            plain = row["plain"]["seconds"]
            row["cold_ratio"] = round(row["cold"]["seconds"] / plain, 3)
            if warm:
                row["warm_ratio"] = round(row["warm"]["seconds"] / plain, 3)
            row["data"] = data
            row["measured"] = datetime.date.today().isoformat()
            results[str(n)] = row
            print(n, "cold", row["cold_ratio"], "warm", row.get("warm_ratio", "not measured"), flush=True)
            print("saved", save(name, dict(sorted(results.items(), key=lambda item: int(item[0])))), flush=True)


def sizes_table(sizes: list[int], kinds: list[str]) -> None:
    """Each size of each kind: plain, cold, warm and reseeded, with quality and the seeds' ARI, to speed_sizes.json.

    A kind's rows measured earlier on the same machine are kept, so kinds and sizes can be
    measured in separate sittings; each row records its day.
    """
    import datetime

    from common import RESULTS, machine
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    earlier = RESULTS / "speed_sizes.json"
    results: dict[str, dict[str, object]] = {}
    if earlier.is_file():
        previous = json.loads(earlier.read_text(encoding="utf-8"))
        if previous.get("machine") == machine():
            results = {k: v for k, v in previous.items() if k != "machine"}
    for data in kinds:
        table = results.setdefault(data, {})
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                texts, labels = varied_labelled(n) if data == "interviews" else varied_feedback_labelled(n)
                (folder / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
                with (folder / "texts.csv").open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(["id", "text"])
                    writer.writerows((f"v{i:06d}", t) for i, t in enumerate(texts))
                from workbench.engine.model_files import token_counter

                pieces = token_counter()(texts)
                row: dict[str, object] = {"mean_word_pieces": round(sum(pieces) / len(pieces), 1)}
                for kind in ("plain", "cold", "warm", "reseeded"):
                    out = subprocess.run([sys.executable, __file__, "--child", kind, str(n), str(folder)],
                                         capture_output=True, text=True, cwd=ROOT / "benchmarks")
                    if out.returncode:
                        raise SystemExit(f"{data} {n} {kind} failed:\n{out.stderr[-3000:]}")
                    measured = json.loads(out.stdout.strip().splitlines()[-1])
                    assigned = measured.pop("assigned")
                    measured["nmi"] = round(normalized_mutual_info_score(labels, assigned), 4)
                    measured["ari"] = round(adjusted_rand_score(labels, assigned), 4)
                    row[kind] = {**measured, "assigned": assigned}
                    print(data, n, kind, {k: v for k, v in measured.items() if k != "timings"}, flush=True)
                plain = row["plain"]["seconds"]
                for kind in ("cold", "warm", "reseeded"):
                    row[f"{kind}_ratio"] = round(row[kind]["seconds"] / plain, 3)
                row["seeds_ari"] = round(adjusted_rand_score(row["cold"]["assigned"], row["reseeded"]["assigned"]), 4)
                row["warm_same_as_cold"] = row["warm"]["assigned"] == row["cold"]["assigned"]
                for kind in ("plain", "cold", "warm", "reseeded"):
                    row[kind].pop("assigned")
                row["measured"] = datetime.date.today().isoformat()
                table[str(n)] = row
                print(data, n, {k: v for k, v in row.items() if k.endswith(("ratio", "ari", "cold"))}, flush=True)
                results[data] = dict(sorted(table.items(), key=lambda item: int(item[0])))
                print("saved", save("speed_sizes", results), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))))
    elif "--sizes" in sys.argv:
        args = [a for a in sys.argv[1:] if not a.startswith("--")]
        chosen = [k for k in ("interviews", "short") if f"--{k}" in sys.argv] or ["interviews", "short"]
        sizes_table([int(a) for a in args] or [1000, 3000, 5000, 10000], chosen)
    else:
        args = [a for a in sys.argv[1:] if not a.startswith("--")]
        main([int(a) for a in args] or [2000, 20000], "feedback" if "--feedback" in sys.argv else "interviews",
             warm="--no-warm" not in sys.argv)
