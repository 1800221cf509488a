"""The checks researchers run before reporting: the identifier scan, prevalence, saturation, agreement.

- *Scan throughput* (``privacy.scan``) on interview-length segments (the sample corpus's,
  repeated and varied as in bench_speed.py) at 20,000 and 100,000 segments, with no name
  list and with 200 names; and on the real NHS patient answers from ../shared/data, where
  it also counts what it finds: real feedback names real staff ("Dr ..."), which the
  scan should flag, so its findings there are reported by type.
- ``workbench scan`` as a researcher runs it on a 20,000-segment study (a fresh process:
  start-up, reading the study and printing JSON included), median of 3.
- *The analyses* through the facade on that study with 60 themes (about 300 segments
  each) and 300 votes from five reviewers: prevalence by site and by participant (300
  participants), saturation over its 200 interviews, and agreement; median of 5 each,
  the codebook already replayed (as on a page revisit).

There is no plain-BERTopic counterpart: BERTopic does none of this. No target; the app's
pages that show these are timed in bench_app.py.

    cd benchmarks && ../.venv/bin/python bench_analysis.py
"""

from __future__ import annotations

import collections
import csv
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_speed import varied
from common import ROOT, load_shared, save

FIRST = "Jayden Amira Oliver Grace Mohammed Leah Tyler Ellie-Mae Kacper Precious".split()
LAST = "Okafor Smith Khan Nowak Williams Patel Jones O'Brien Begum Taylor Hughes Ahmed Evans Lewis Walker " \
       "Kowalski Adeyemi Brown Wilson Davies".split()


def names() -> list[str]:
    """200 first-name and surname pairs, the length of a real study's list."""
    return [f"{f} {s}" for f in FIRST for s in LAST]


def throughput(texts: list[str], listed, repeats: int = 3) -> tuple[float, int]:
    from workbench.privacy.scan import scan

    pairs = [(str(i), t) for i, t in enumerate(texts)]
    times, found = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        found = len(scan(pairs, listed))
        times.append(time.perf_counter() - start)
    return min(times), found


def build(folder: Path, texts: list[str]) -> str:
    from workbench.study import Study

    rng = random.Random(5)
    table = folder / "segments.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "participant", "site", "transcript"])
        for i, text in enumerate(texts):
            writer.writerow([f"s{i:05d}", text, f"P{i % 300:03d}", f"Site {i % 3}", f"T{i // 100:03d}"])
    study = Study.init(folder / "study", by="bench")
    study.ingest([table])
    ids = [r.id for r in study.rows()]
    for t in range(60):
        study.create_theme(f"Theme {t}", rng.sample(ids, rng.randint(150, 450)), by="bench")
    themes = sorted(study.codebook().themes)
    for who in ("ann", "bob", "cat", "dev", "eve"):
        for theme in themes:
            study.vote("panel", theme, rng.choice(["accept", "accept", "accept", "revise", "reject"]), by=who)
    study.close()
    return str(folder / "study")


def main() -> None:
    from workbench.privacy.scan import NameList
    from workbench.study import Study

    listed = NameList(names())
    texts = varied(100_000)
    scans = []
    for n in (20_000, 100_000):
        for label, which in (("no name list", None), (f"{len(listed)} names", listed)):
            seconds, found = throughput(texts[:n], which)
            scans.append({"texts": f"{n:,} interview segments", "names": label, "seconds": round(seconds, 2),
                          "per_second": round(n / seconds), "findings": found})
            print(scans[-1])
    nhs = load_shared("nhs_feedback_category")
    nhs_types: dict[str, int] = {}
    if nhs is not None:
        from workbench.privacy.scan import scan

        pairs = list(zip(nhs[0], nhs[1], strict=True))
        start = time.perf_counter()
        found = scan(pairs)
        seconds = time.perf_counter() - start
        nhs_types = dict(collections.Counter(f.type for f in found).most_common())
        scans.append({"texts": f"{len(pairs):,} NHS patient answers (real)", "names": "no name list",
                      "seconds": round(seconds, 2), "per_second": round(len(pairs) / seconds),
                      "findings": len(found)})
        print(scans[-1], nhs_types)

    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        location = build(Path(tmp), texts[:20_000])
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "workbench", "scan", "--study", location, "--format", "json"],
                           check=True, capture_output=True, cwd=ROOT)
            timings.setdefault("workbench scan --format json (a fresh process)", []).append(
                time.perf_counter() - start)
        study = Study.open(location)
        study.codebook()
        for _ in range(5):
            for what, call in (("prevalence by site", lambda: study.prevalence("site")),
                               ("prevalence by participant (300)", lambda: study.prevalence("participant")),
                               ("saturation over 200 interviews", study.saturation),
                               ("agreement: 5 reviewers, 60 themes", lambda: study.agreement("panel"))):
                start = time.perf_counter()
                call()
                timings.setdefault(what, []).append(time.perf_counter() - start)
        alpha = study.agreement("panel").alpha
        study.close()
    result = {"scans": scans, "nhs_findings": nhs_types,
              "median_seconds": {k: round(statistics.median(v), 3) for k, v in timings.items()},
              "study": {"segments": 20_000, "themes": 60, "votes": 300, "alpha": round(alpha or 0, 3)}}
    print(result)
    print("saved", save("analysis", result))


if __name__ == "__main__":
    main()
