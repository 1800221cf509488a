"""Shared helpers for the benchmarks: data sets, metrics, plain BERTopic, timing and memory."""

from __future__ import annotations

import csv
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKBENCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load_answer_key() -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """The sample corpus's participant segments: ids, texts, labels, participants, sites."""
    from workbench.ingest import parse_files
    from workbench.model_files import token_counter
    from workbench.participants import read_participants
    from workbench.readers import ReadLimits

    corpus = ROOT / "corpus"
    parsed = parse_files(sorted((corpus / "transcripts").iterdir()), token_counter(),
                         participants_file=corpus / "participants.csv")
    site = {p.id: p.site or "" for p in read_participants(corpus / "participants.csv", ReadLimits())}
    with (corpus / "answer_key.csv").open(encoding="utf-8") as handle:
        key = {r["segment_id"]: r["theme"] for r in csv.DictReader(handle)}
    segs = [s for t in parsed.transcripts for s in t.segments if not s.is_interviewer]
    return ([s.id for s in segs], [s.text for s in segs], [key[s.id] for s in segs],
            [s.participant_id or "" for s in segs], [site.get(s.participant_id or "", "") for s in segs])


def load_shared(name: str) -> tuple[list[str], list[str], list[str], list[str], list[str]] | None:
    """A labelled set from ../shared/data (None when absent: the benchmark skips it)."""
    path = SHARED / f"{name}.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return ([r["id"] for r in rows], [r["text"] for r in rows], [r["label"] for r in rows],
            [r.get("doc_id", "") for r in rows], [r.get("group", "") for r in rows])


def labelled_sets(names: list[str]):
    """Each named set (``answer_key`` or a file in ../shared/data) as (name, data); absent ones are skipped."""
    for name in names:
        data = load_answer_key() if name == "answer_key" else load_shared(name)
        if data is None:
            print(f"{name}: not found under ../shared/data, skipped")
            continue
        yield name, data


def scores(labels: list[str], assigned: list[int]) -> dict[str, float]:
    """NMI and ARI over all rows (unassigned -1 counted as one cluster), coverage, candidates."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {
        "nmi": round(float(normalized_mutual_info_score(labels, assigned)), 4),
        "ari": round(float(adjusted_rand_score(labels, assigned)), 4),
        "coverage": round(sum(1 for a in assigned if a >= 0) / len(assigned), 4),
        "candidates": len({a for a in assigned if a >= 0}),
    }


def plain_bertopic(texts: list[str], embeddings: Any, seed: int) -> list[int]:
    """BERTopic's documented quick start, given the same embeddings and a UMAP with the same seed."""
    from workbench.discover import _clustering_stack

    _clustering_stack()
    from bertopic import BERTopic
    from umap import UMAP

    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    topics, _ = BERTopic(umap_model=umap_model).fit_transform(texts, embeddings)
    return [int(t) for t in topics]


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path
