"""Proposing sub-groups to split a candidate: time beside plain BERTopic, and the parts' labels.

For the three largest candidates of a discovered study, ``Study.propose_split`` (what the
Candidates page's "Propose sub-groups" calls: the run's stored vectors, one Ward tree cut
at 2-6 parts, c-TF-IDF and MMR labels) is timed against plain BERTopic's quick start fitted
on the same members with the same vectors, in the same process, as a ratio. The first
split (after discovery in the same process, whose imports it shares) is reported apart from the
warm median of three.
Each part's label is checked for contraction fragments ("thats", "dont", "im"...), which
the issue found in labels; a label holding one counts as unreadable.

Run on the sample corpus and on 2,000 real NHS patient comments from ../shared/data
(imported as a table, one comment a segment), each discovered first (not timed here).

A theme of at least 300 segments (issue 28's size: the members of the NHS run's largest
candidates, made one theme) is split in a fresh process, as a researcher's first split
after opening the app or the command line: imports, the model's files and the store's
reads all count ("fresh_process_s"), then three more times in that process.

    cd benchmarks && ../.venv/bin/python bench_split.py
"""

from __future__ import annotations

import csv
import re
import statistics
import tempfile
import time
from pathlib import Path

from common import ROOT, SHARED, plain_bertopic, save

FRAGMENTS = re.compile(r"\b(thats|dont|doesnt|didnt|isnt|wasnt|cant|couldnt|wouldnt|im|ive|id|youre|theyre|"
                       r"its|ill|were|hes|shes|theres|whats|lets|wont|arent|havent)\b")
NHS_ROWS = 2_000


def build(folder: Path, which: str):
    from workbench.study import Study

    study = Study.init(folder / which, by="bench")
    if which == "sample":
        corpus = ROOT / "corpus"
        study.ingest(sorted((corpus / "transcripts").iterdir()), participants=corpus / "participants.csv")
    else:
        table = folder / "nhs.csv"
        with (SHARED / "nhs_feedback_category.csv").open(encoding="utf-8") as source, \
                table.open("w", newline="", encoding="utf-8") as out:
            rows = list(csv.DictReader(source))[:NHS_ROWS]
            writer = csv.writer(out)
            writer.writerow(["id", "text", "site"])
            writer.writerows([r["id"], r["text"], r["group"]] for r in rows)
        study.ingest([table])
    study.discover(by="bench")
    return study


def measure(study, label: str) -> list[dict]:
    from workbench.engine.embed import Encoder, load_model
    from workbench.services.discovery_runs import embed_segments

    run, found = study.candidates()
    rows = []
    index = study.segment_index()
    assigned = study.assignments()[1]
    for candidate in sorted(found, key=lambda c: -c.size)[:3]:
        cid = f"R{run.id}-C{candidate.number:02d}"
        start = time.perf_counter()
        parts = study.propose_split(cid)
        first = time.perf_counter() - start
        warm = []
        for _ in range(3):
            start = time.perf_counter()
            study.propose_split(cid)
            warm.append(time.perf_counter() - start)
        members = [index[a.segment_id] for a in assigned if a.candidate == candidate.number]
        vectors, _ = embed_segments(study.store, Encoder(load_model(), backend=run.backend), members)
        plain = []
        for _ in range(3):
            start = time.perf_counter()
            plain_bertopic([r.text for r in members], vectors, 42)
            plain.append(time.perf_counter() - start)
        labels = [p.label for p in parts]
        rows.append({"study": label, "candidate": cid, "segments": len(members), "parts": len(parts),
                     "first_s": round(first, 2), "warm_median_s": round(statistics.median(warm), 3),
                     "plain_bertopic_median_s": round(statistics.median(plain), 3),
                     "ratio": round(statistics.median(warm) / statistics.median(plain), 3),
                     "labels": labels, "unreadable": [x for x in labels if FRAGMENTS.search(x)]})
        print(rows[-1])
    return rows


LARGE = 300


def large_theme(study, location: Path) -> dict:
    """A theme of at least LARGE segments from the largest candidates, split in a fresh process."""
    import json
    import subprocess
    import sys

    _, found = study.candidates()
    assigned = study.assignments()[1]
    members: list[str] = []
    for candidate in sorted(found, key=lambda c: -c.size):
        members += [a.segment_id for a in assigned if a.candidate == candidate.number]
        if len(members) >= LARGE:
            break
    study.create_theme("Large theme to split", members=members, by="bench")
    theme = next(t.id for t in study.codebook().themes.values() if t.name == "Large theme to split")
    study.close()
    script = (
        "import json, statistics, sys, time\n"
        "start = time.perf_counter()\n"
        "from workbench.study import Study\n"
        f"study = Study.open({str(location)!r})\n"
        f"parts = study.propose_split({theme!r})\n"
        "first = time.perf_counter() - start\n"
        "again = []\n"
        "for _ in range(3):\n"
        "    t = time.perf_counter()\n"
        f"    study.propose_split({theme!r})\n"
        "    again.append(time.perf_counter() - t)\n"
        "print(json.dumps({'fresh_process_s': round(first, 2), 'warm_median_s': round(statistics.median(again), 3),"
        " 'parts': len(parts), 'labels': [p.label for p in parts]}))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    row = {"study": "nhs", "theme": theme, "segments": len(members),
           **json.loads(out.stdout.strip().splitlines()[-1])}
    print(row)
    return row


def main() -> None:
    results = []
    large = None
    with tempfile.TemporaryDirectory() as tmp:
        for which in ("sample", "nhs"):
            if which == "nhs" and not (SHARED / "nhs_feedback_category.csv").is_file():
                print("no ../shared/data/nhs_feedback_category.csv: the NHS comments are skipped")
                continue
            study = build(Path(tmp), which)
            results += measure(study, which)
            if which == "nhs":
                large = large_theme(study, Path(tmp) / which)
            else:
                study.close()
    print("saved", save("split", {"candidates": results, "large_theme": large}))


if __name__ == "__main__":
    main()
