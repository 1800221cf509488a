"""Identifiers left in: recall per type and precision on labelled probes, and the speed of a 20,000-segment scan.

    .venv/bin/python benchmarks/bench_privacy.py [--baseline COMMIT]

Quality: `tests/fixtures/privacy_probe/probe.jsonl` (the development probe) and
`heldout.jsonl` (written the same way with other names, institutions, streets and places,
used only to report), each sentence labelled with exact spans by type (see the probe's
README). The scanner runs with the study's own list of local places (`places.txt`,
`heldout_places.txt`) and no list of names: the names it finds are names nobody listed.
A labelled identifier counts as found when a finding at or above the score threshold
overlaps it (whatever type the finding says); a finding is right when it overlaps some
labelled identifier. The scanner of an earlier commit (by default the last one before
names, institutions, streets and places were detected) runs in the same process tree on
the same sentences, from a copy of its package unpacked from git.

Real speech: the people the speakers of four real public transcripts (tests/fixtures/
real_transcripts, SOURCES.md) name in passing, listed by hand in `people_named.json`,
counted found as above.

Speed: 20,000 segments (the sample corpus's segments and real NHS patient comments from
../shared/data when present, cycled) scanned by ``privacy.scan`` as ``workbench scan``
does, timed from the call (which loads the model) to the last finding.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBES = ROOT / "tests" / "fixtures" / "privacy_probe"
BASELINE = "3ee9016"  # the scanner before names nobody listed, institutions, streets and places
THRESHOLD = 0.5

_RUN = r"""
import inspect, json, sys, time
from pathlib import Path
from workbench.privacy import scan as privacy
texts = json.loads(Path(sys.argv[1]).read_text())
places_path = sys.argv[2]
kw = {}
if places_path and "places" in inspect.signature(privacy.scan).parameters:
    kw["places"] = privacy.read_places(Path(places_path))
started = time.perf_counter()
found = privacy.scan(list(texts.items()), None, **kw)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "found": [[f.segment_id, f.type, f.start, f.end, f.score] for f in found]}))
"""


def run_scanner(source: Path, texts: dict[str, str], places: Path | None, folder: Path) -> dict:
    data = folder / f"texts-{len(texts)}.json"
    data.write_text(json.dumps(texts), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _RUN, str(data), str(places or "")], capture_output=True, text=True,
                          cwd=source,
                          env={"PYTHONPATH": str(source), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin"}, check=True)
    return json.loads(done.stdout)


def load_probe(name: str) -> list[dict]:
    return [json.loads(line) for line in (PROBES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def score(probe: list[dict], found: list[list]) -> dict:
    kept = [f for f in found if f[4] >= THRESHOLD]
    by_segment: dict[str, list[list]] = {}
    for f in kept:
        by_segment.setdefault(f[0], []).append(f)
    recall: dict[str, list[int]] = {}
    for item in probe:
        hits = by_segment.get(item["id"], [])
        for span in item["spans"]:
            got = any(h[2] < span["end"] and span["start"] < h[3] for h in hits)
            recall.setdefault(span["type"], [0, 0])
            recall[span["type"]][0] += got
            recall[span["type"]][1] += 1
    right = 0
    per_type: dict[str, list[int]] = {}
    gold = {item["id"]: item["spans"] for item in probe}
    for f in kept:
        ok = any(s["start"] < f[3] and f[2] < s["end"] for s in gold.get(f[0], []))
        right += ok
        per_type.setdefault(f[1], [0, 0])
        per_type[f[1]][0] += ok
        per_type[f[1]][1] += 1
    total = sum(v[1] for v in recall.values())
    return {
        "recall": {t: round(v[0] / v[1], 3) for t, v in sorted(recall.items())},
        "labelled": {t: v[1] for t, v in sorted(recall.items())},
        "recall_all": round(sum(v[0] for v in recall.values()) / total, 3) if total else None,
        "precision": round(right / len(kept), 3) if kept else None,
        "findings": len(kept),
        "precision_by_type": {t: round(v[0] / v[1], 3) for t, v in sorted(per_type.items())},
    }


def real_named(folder: Path, sources: dict[str, Path]) -> dict:
    """People named in real public speech (tests/fixtures/real_transcripts/people_named.json), found or not."""
    import re

    sys.path.insert(0, str(ROOT))
    from workbench.engine.model_files import token_counter
    from workbench.io.ingest import parse_files

    fixtures = ROOT / "tests" / "fixtures" / "real_transcripts"
    named = json.loads((fixtures / "people_named.json").read_text(encoding="utf-8"))["files"]
    counter = token_counter()
    texts: dict[str, str] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for name, people in named.items():
        for segment in parse_files([fixtures / name], counter).transcripts[0].segments:
            texts[segment.id] = segment.text
            taken: list[tuple[int, int]] = []
            for person in sorted(people, key=len, reverse=True):
                for m in re.finditer(rf"(?<!\w){re.escape(person)}(?!\w)", segment.text):
                    if not any(a < m.end() and m.start() < b for a, b in taken):
                        taken.append(m.span())
            spans[segment.id] = taken
    total = sum(len(v) for v in spans.values())
    out = {"named": total, "files": len(named)}
    for who, source in sources.items():
        found = [f for f in run_scanner(source, texts, None, folder)["found"] if f[4] >= THRESHOLD]
        hit = sum(any(f[0] == seg and f[2] < b and a < f[3] for f in found)
                  for seg, places in spans.items() for a, b in places)
        out[who] = hit
    return out


def speed_texts(count: int = 20_000) -> dict[str, str]:
    """Real text: the sample corpus's segments and, where present, real NHS patient comments."""
    sys.path.insert(0, str(ROOT))
    from workbench.engine.model_files import token_counter
    from workbench.io.ingest import parse_files

    files = sorted(p for p in (ROOT / "corpus" / "transcripts").iterdir() if p.is_file())
    parsed = parse_files(files, token_counter(), participants_file=ROOT / "corpus" / "participants.csv")
    pool = [s.text for t in parsed.transcripts for s in t.segments]
    comments = ROOT.parent / "shared" / "data" / "nhs_feedback_category.csv"
    if comments.is_file():
        import csv

        with comments.open(encoding="utf-8", newline="") as handle:
            pool += [row["text"] for row in csv.DictReader(handle) if row["text"].strip()]
    return {f"s{i:05d}": pool[i % len(pool)] for i in range(count)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE, help="the commit whose scanner to compare with")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from common import save

    commit = subprocess.run(["git", "rev-parse", "--short", args.baseline], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    results: dict = {"baseline_commit": commit, "threshold": THRESHOLD}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = folder / "baseline"
        old.mkdir()
        archive = subprocess.run(["git", "archive", commit, "workbench"], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(old, filter="data")
        for probe_name, places in (("probe.jsonl", "places.txt"), ("heldout.jsonl", "heldout_places.txt")):
            probe = load_probe(probe_name)
            texts = {item["id"]: item["text"] for item in probe}
            entry = {}
            for who, source in (("baseline", old), ("workbench", ROOT)):
                out = run_scanner(source, texts, PROBES / places, folder)
                entry[who] = score(probe, out["found"])
            results[probe_name.removesuffix(".jsonl")] = entry
            print(probe_name, json.dumps(entry, indent=1))
        results["real_named"] = real_named(folder, {"baseline": old, "workbench": ROOT})
        print("real", results["real_named"])
        texts = speed_texts()
        words = sum(len(t.split()) for t in texts.values())
        speed = {"segments": len(texts), "words": words}
        for who, source in (("baseline", old), ("workbench", ROOT)):
            out = run_scanner(source, texts, None, folder)
            speed[f"{who}_seconds"] = round(out["seconds"], 1)
        results["speed"] = speed
        print("speed", speed)
    print("saved", save("privacy", results))


if __name__ == "__main__":
    main()
