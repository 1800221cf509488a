"""Shared helpers for the benchmarks: data sets, metrics, plain BERTopic, timing and memory."""

from __future__ import annotations

import csv
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WORKBENCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / "results"
DIALOGUE = ROOT / "benchmarks" / "data" / "real_dialogue"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def sample_corpus() -> tuple[Any, dict[str, str], dict[str, str]]:
    """The sample corpus parsed as an import reads it: (parsed transcripts, participant -> site, segment -> theme)."""
    from workbench.engine.model_files import token_counter
    from workbench.io.ingest import parse_files
    from workbench.io.participants import read_participants
    from workbench.io.readers import ReadLimits

    corpus = ROOT / "corpus"
    parsed = parse_files(sorted((corpus / "transcripts").iterdir()), token_counter(),
                         participants_file=corpus / "participants.csv")
    site = {p.id: p.site or "" for p in read_participants(corpus / "participants.csv", ReadLimits())}
    with (corpus / "answer_key.csv").open(encoding="utf-8") as handle:
        key = {r["segment_id"]: r["theme"] for r in csv.DictReader(handle)}
    return parsed, site, key


def load_answer_key() -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """The sample corpus's participant segments: ids, texts, labels, participants, sites."""
    parsed, site, key = sample_corpus()
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


@dataclass(frozen=True)
class DialogueSet:
    """The participant turns of a real dialogue set, each with the interviewer turn it answers.

    Discovery is to read an answer with its question, so each participant turn carries the text of
    the turn directly before it in the same transcript when that turn is the interviewer's; a turn
    that opens its transcript or follows another participant turn has "" there.
    """

    ids: list[str]
    texts: list[str]
    labels: list[str]
    transcripts: list[str]
    questions: list[str]


def dialogue_rows(name: str) -> list[dict[str, str]] | None:
    """Every turn of benchmarks/data/real_dialogue/<name>.csv as written, or None when the file is absent."""
    path = DIALOGUE / f"{name}.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_dialogue(name: str) -> DialogueSet | None:
    """A set from benchmarks/data/real_dialogue/<name>.csv (None when absent: the benchmark skips it).

    The file holds whole transcripts, turns in their original order (column ``turn``), each turn
    with ``speaker_role`` interviewer or participant and the transcript's topic as ``label``;
    benchmarks/data/real_dialogue/SOURCES.md says where each set comes from.
    """
    rows = dialogue_rows(name)
    if rows is None:
        return None
    out = DialogueSet([], [], [], [], [])
    previous: dict[str, str] | None = None
    for row in rows:
        if row["speaker_role"] == "participant":
            asked = (previous["text"] if previous is not None and previous["transcript"] == row["transcript"]
                     and previous["speaker_role"] == "interviewer" else "")
            out.ids.append(row["id"])
            out.texts.append(row["text"])
            out.labels.append(row["label"])
            out.transcripts.append(row["transcript"])
            out.questions.append(asked)
        previous = row
    return out


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
    from workbench.engine.compiled import clustering_stack

    clustering_stack()
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
    """This process's peak resident memory (worker processes not included: see PeakMemory)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and all its descendants now, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


class PeakMemory:
    """Peak resident memory of this process *and its workers together*, in MB.

    Discovery draws layouts in worker processes; ru_maxrss sees only this process (and for
    children only the largest one), so a thread samples the whole process tree from /proc
    every 0.2 s. The result is the larger of that sampled peak and this process's exact peak.
    """

    def __init__(self, every: float = 0.2) -> None:
        import threading

        self._every, self._peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, _tree_rss_bytes(os.getpid()))
            self._stop.wait(self._every)

    def stop_mb(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self._peak / 2**20, peak_rss_mb())


def machine() -> dict[str, Any]:
    """The processor a result was measured on: speed, and int8's above all, depends on it.

    Embedding with int8 weights is about twice as fast as fp32 on a processor with VNNI
    instructions and about 1.6 times on one without (benchmarks/RESULTS.md), and the
    vectors' last digits differ between the two kernels.
    """
    flags: set[str] = set()
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and model == "unknown":
                    model = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    return {"cpu": model, "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "avx512": "avx512f" in flags, "vnni": bool({"avx512_vnni", "avx_vnni"} & flags)}


def save(name: str, data: dict[str, Any]) -> Path:
    data = {**data, "machine": machine()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path
