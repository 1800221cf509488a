"""Speed and memory of discovery, side by side with plain BERTopic, at several corpus sizes.

Interview-length segments (the sample corpus's participant turns, about 128 word pieces)
are repeated and varied to N: each variant keeps one segment's sentences with one of them
swapped for a sentence of another segment, so no two texts are alike and no cache helps.
Each measurement runs in a fresh process, so imports, model loading and compilation count:

- plain: sentence-transformers (torch) embeds, then BERTopic's quick start clusters (UMAP
  with the same seed as the workbench's);
- cold: a fresh study with the texts imported, ``Study.discover`` (embedding included, with
  the default backend, which each row records);
- warm: the same study again, ``Study.discover`` (embeddings cached).

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


def varied(n: int, seed: int = SEED) -> list[str]:
    from workbench.core.splitting import sentence_spans

    _, texts, _, _, _ = load_answer_key()
    sentences = [[t[a:b] for a, b in sentence_spans(t)] for t in texts if len(t.split()) >= 12]
    pool = [s for group in sentences for s in group]
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        base = list(rng.choice(sentences))
        base[rng.randrange(len(base))] = rng.choice(pool)
        text = " ".join(base)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def varied_feedback(n: int, seed: int = SEED) -> list[str]:
    """Short real texts: two NHS feedback answers joined, repeated and varied to ``n``."""
    data = load_shared("nhs_feedback_category")
    if data is None:
        raise SystemExit("../shared/data/nhs_feedback_category.csv is absent: use the interview data instead")
    answers = [t for t in data[1] if len(t) >= 15]
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        text = f"{rng.choice(answers)} {rng.choice(answers)}"
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


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
                "candidates": len(set(topics) - {-1})}
    from workbench.engine.discover import DiscoveryParams
    from workbench.study import Study

    study_dir = folder / "study"
    if kind == "cold":
        study = Study.init(study_dir, by="bench")
        study.ingest([folder / "texts.csv"])
    else:
        study = Study.open(study_dir)
    start = time.perf_counter()
    run = study.discover(DiscoveryParams(seed=SEED), by="bench")
    return {"seconds": time.perf_counter() - start, "peak_mb": memory.stop_mb(), "candidates": run.candidates,
            "coverage": run.coverage, "timings": run.timings, "backend": run.backend, "layouts": run.params["runs"]}


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


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))))
    else:
        args = [a for a in sys.argv[1:] if not a.startswith("--")]
        main([int(a) for a in args] or [2000, 20000], "feedback" if "--feedback" in sys.argv else "interviews",
             warm="--no-warm" not in sys.argv)
