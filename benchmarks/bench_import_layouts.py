"""Real transcripts in their tools' own layouts: how many parse to their hand-written turns.

    .venv/bin/python benchmarks/bench_import_layouts.py [--baseline COMMIT]

Each fixture in tests/fixtures/real_transcripts is an excerpt of a real public transcript
with its turns written by hand (SOURCES.md). The workbench as it stands is compared, in
the same run, with the importer of an earlier commit (by default the last one before
the layout-aware parse), unpacked from git into a temporary folder and run in its own
process. A file counts as right when every turn has the expected speaker (as written, or
without its parenthesis) and words; turns right is the share of expected turns matched
in order.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = ROOT / "tests" / "fixtures" / "real_transcripts"
BASELINE = "7b5d83a"  # the importer before transcripts were parsed by their own layout

_PARSE = r"""
import json, sys
from pathlib import Path
from workbench.io.ingest import parse_files
from workbench.engine.model_files import token_counter
counter = token_counter()
out = {}
for name in sys.argv[1:]:
    try:
        transcript = parse_files([Path(name)], counter).transcripts[0]
    except Exception as exc:  # an earlier importer may refuse a layout it did not know
        out[name] = {"error": f"{type(exc).__name__}: {exc}"}
        continue
    turns = {}
    for s in transcript.segments:
        turns.setdefault(s.turn, []).append(s)
    out[name] = {"turns": [[p[0].speaker, (p[0].metadata or {}).get("speaker_description"),
                            " ".join(x.text for x in p)] for p in turns.values()]}
print(json.dumps(out))
"""


def fixtures(folder: Path) -> list[tuple[Path, dict]]:
    """The fixtures, Word ones rendered to .docx as the tests do."""
    import docx

    cases = []
    for path in sorted(FIXTURES.iterdir()):
        expected = FIXTURES / f"{path.name}.expected.json"
        if path.suffix == ".json" or not expected.exists():
            continue
        if path.name.endswith(".docx-source.txt"):
            document = docx.Document()
            for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
                document.add_paragraph(paragraph.strip("\n"))
            target = folder / path.name.replace(".docx-source.txt", ".docx")
            document.save(target)
            path = target
        cases.append((path, json.loads(expected.read_text(encoding="utf-8"))))
    return cases


def parse_with(source: Path, files: list[Path]) -> tuple[dict, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PARSE, *map(str, files)], capture_output=True, text=True,
                          cwd=source, env={"PYTHONPATH": str(source), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin"},
                          check=True)
    return json.loads(done.stdout), time.perf_counter() - started


def score(got: dict, want: dict) -> tuple[bool, int]:
    """(every turn right, how many expected turns were matched in order)."""
    if "error" in got:
        return False, 0
    expected = []
    for turn in want["turns"]:
        written = f"{turn['speaker']} ({turn['description']})" if turn["description"] else turn["speaker"]
        expected.append((turn["speaker"], written, " ".join(turn["text"].split())))
    found = [(speaker, f"{speaker} ({description})" if description else speaker, text)
             for speaker, description, text in got["turns"]]

    def same(a, b) -> bool:
        return a[2] == b[2] and (a[0] in (b[0], b[1]) or a[1] in (b[0], b[1]))

    keys_a = [f"{e[2]}" for e in expected]
    keys_b = [f"{f[2]}" for f in found]
    matched = sum(1 for tag, i1, i2, j1, _ in SequenceMatcher(a=keys_a, b=keys_b, autojunk=False).get_opcodes()
                  if tag == "equal" for k in range(i2 - i1) if same(expected[i1 + k], found[j1 + k]))
    return matched == len(expected) == len(found), matched


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE, help="the commit whose importer to compare with")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from common import save

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = fixtures(folder)
        files = [path for path, _ in cases]
        old = folder / "baseline"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.baseline, "workbench"], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(old, filter="data")
        results = {}
        for name, source in (("baseline", old), ("workbench", ROOT)):
            parsed, seconds = parse_with(source, files)
            rows = []
            for path, want in cases:
                right, matched = score(parsed[str(path)], want)
                rows.append({"file": path.name, "layout": want["layout"], "turns": len(want["turns"]),
                             "right": right, "turns_matched": matched,
                             "error": parsed[str(path)].get("error")})
            results[name] = {"files_right": sum(r["right"] for r in rows), "files": len(rows),
                             "turns_matched": sum(r["turns_matched"] for r in rows),
                             "turns": sum(r["turns"] for r in rows), "seconds": round(seconds, 2), "rows": rows}
            print(f"{name}: {results[name]['files_right']}/{len(rows)} files exactly right, "
                  f"{results[name]['turns_matched']}/{results[name]['turns']} turns, {seconds:.1f} s")
    print("saved", save("import_layouts", {"baseline_commit": args.baseline, **results}))


if __name__ == "__main__":
    main()
