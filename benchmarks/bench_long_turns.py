"""Peak memory and time of importing files that are one enormous turn, beside an ordinary file.

A security tester found that one 15 MB turn (a table's cell, a transcript with no speaker
labels after the first) took 5.3 GB and three minutes to import, and that a 49 MB one
(within the 50 MB file limit) would need 17-20 GB. Every file here is built to be as bad
as the importers admit:

- ``prose_49mb.txt`` / ``prose_15mb.txt``: one speaker, one paragraph of sentences;
- ``nopunct_15mb.csv``: one row whose text cell is 15 MB of words with no sentence ends;
- ``nospace_15mb.txt``: one line of 15 MB with no punctuation and no spaces at all;
- ``paragraph_15mb.docx``: a Word document of one 15 MB paragraph;
- ``ordinary_1mb.txt``: 1 MB of ordinary interview, turns of a few sentences, to compare.

For each, ``workbench init`` then ``workbench ingest`` (and ``workbench scan`` where asked)
run in fresh processes; the peak resident memory of each process (``os.wait4``) and its
wall time are printed and saved to results/long_turns.json.

    .venv/bin/python benchmarks/bench_long_turns.py [--scan] [--only NAME...]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
MB = 1024 * 1024
BASELINE = "5206589"  # the last commit before issue 25 bounded long turns
BASELINE_FILES = ("ordinary_1mb.txt", "prose_15mb.txt", "nopunct_15mb.csv")  # the earlier one: GBs at 15 MB
WORDS = ("the child said that she was worried about going home because her mum had been shouting and "
         "school nurse noticed bruises on arm when they changed for games so we rang social care straight "
         "away which I think was right").split()


def _sentences(rng: random.Random, size: int, end: str = ". ") -> str:
    """``size`` characters of made-up speech, sentences ending with ``end``."""
    parts: list[str] = []
    used = 0
    while used < size:
        sentence = " ".join(rng.choices(WORDS, k=rng.randint(5, 25))).capitalize() + end
        parts.append(sentence)
        used += len(sentence)
    return "".join(parts)[:size]


def _docx(path: Path, paragraph: str) -> None:
    """A minimal Word document: one paragraph holding ``paragraph``, in runs of 1 MB.

    Word breaks a paragraph into runs; one run over 10 million characters is refused by
    the XML reader with its own message (tests/test_docx_text.py).
    """
    runs = "".join(f'<w:r><w:t xml:space="preserve">{escape(paragraph[i:i + MB])}</w:t></w:r>'
                   for i in range(0, len(paragraph), MB))
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                f'<w:p>{runs}</w:p>'
                '</w:body></w:document>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
             'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
             'main+xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", document)


def build_files(folder: Path) -> dict[str, Path]:
    """Write every test file into ``folder``; returns them by name."""
    rng = random.Random(25)
    files: dict[str, Path] = {}

    def write(name: str, text: str) -> None:
        files[name] = folder / name
        files[name].write_text(text, encoding="utf-8")

    write("prose_49mb.txt", "Interviewer: Tell me what happened.\n\nP01: " + _sentences(rng, 49 * MB) + "\n")
    write("prose_15mb.txt", "Interviewer: Tell me what happened.\n\nP01: " + _sentences(rng, 15 * MB) + "\n")
    write("nopunct_15mb.csv", 'id,participant,text\nr1,P01,"' + _sentences(rng, 15 * MB, end=" ") + '"\n')
    # The scan's worst case: no full stop anywhere, and every sentence starts with a capital
    # the scan may take for a name, so it reports over a hundred thousand findings.
    write("nopunct_49mb.txt", "P01: " + _sentences(rng, 49 * MB, end=" ") + "\n")
    write("nospace_15mb.txt", "P01: " + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=15 * MB)) + "\n")
    turns = []
    while sum(len(t) for t in turns) < MB:
        speaker = "Interviewer" if len(turns) % 2 == 0 else "P01"
        turns.append(f"{speaker}: {_sentences(rng, rng.randint(80, 1500))}")
    write("ordinary_1mb.txt", "\n\n".join(turns) + "\n")
    files["paragraph_15mb.docx"] = folder / "paragraph_15mb.docx"
    _docx(files["paragraph_15mb.docx"], "P01: " + _sentences(rng, 15 * MB))
    return files


def measure(args: list[str], source: Path = ROOT) -> dict[str, object]:
    """Run ``python -m workbench ARGS`` in a fresh process: its own peak RSS (MB), seconds and outcome.

    ``source``: the folder holding the ``workbench`` package to run (an earlier commit's, for the baseline).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "workbench", *args], cwd=source, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage alone, not all children's
        seconds = time.perf_counter() - start
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
        # The last line only: a scan's output is large, and a child's peak RSS starts from its parent's.
        told = out if rc == 0 else err
        told.seek(max(0, told.seek(0, os.SEEK_END) - 2000))
        said = told.read().decode(errors="replace").strip().splitlines()
    return {"peak_rss_mb": round(usage.ru_maxrss / 1024), "seconds": round(seconds, 1), "rc": rc,
            "said": (said or [""])[-1][:160]}


def _segments(study: Path) -> tuple[int, int]:
    """How many segments the study holds and the longest one's length: what the embedder will read."""
    code = ("import sys; from workbench.study import Study; rows = Study.open(sys.argv[1]).rows(); "
            "print(len(rows), max((len(r.text) for r in rows), default=0))")
    done = subprocess.run([sys.executable, "-c", code, str(study)], cwd=ROOT, capture_output=True, text=True)
    count, longest = done.stdout.split() if done.returncode == 0 else ("0", "0")
    return int(count), int(longest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scan", action="store_true", help="also run 'workbench scan' on each study")
    parser.add_argument("--only", nargs="*", help="file names to run (default: all)")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", default=BASELINE, help="the earlier commit whose ingest runs beside ours "
                        f"on {', '.join(BASELINE_FILES)} ('' to skip)")
    options = parser.parse_args()
    if options.build:
        build_files(options.build)
        return
    results: dict[str, object] = {"machine": platform.platform(), "python": platform.python_version()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Built by another process: a child's peak RSS starts from its parent's at the fork,
        # and building the files takes a few hundred MB that would count against every step.
        subprocess.run([sys.executable, __file__, "--build", str(folder)], check=True)
        files = {p.name: p for p in sorted(folder.iterdir(), key=lambda p: p.stat().st_size)}
        old = folder / "baseline"
        if options.baseline:
            old.mkdir()
            archive = subprocess.run(["git", "archive", options.baseline, "workbench"], cwd=ROOT,
                                     capture_output=True, check=True).stdout
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(old, filter="data")
            results["baseline_commit"] = options.baseline
        for name, path in files.items():
            if options.only and name not in options.only:
                continue
            study = folder / f"study-{name.replace('.', '-')}"
            row = {"mb": round(path.stat().st_size / MB, 1), "init": measure(["init", str(study)])}
            row["ingest"] = measure(["ingest", str(path), "--study", str(study)])
            row["segments"], row["longest_segment_chars"] = _segments(study)
            if options.scan:
                row["scan"] = measure(["scan", "--study", str(study), "--format", "json"])
                row["scan"]["said"] = ""  # the findings themselves are not the point here
            if options.baseline and name in BASELINE_FILES:
                # The same file through the earlier importer, in the same run: the ratio is the figure.
                earlier = folder / f"earlier-{name.replace('.', '-')}"
                measure(["init", str(earlier)], old)
                row["baseline_ingest"] = measure(["ingest", str(path), "--study", str(earlier)], old)
            results[name] = row
            longest = row["longest_segment_chars"]
            line = f"{name:20} {row['mb']:5.1f} MB {row['segments']:6d} seg (longest {longest:5d} ch)  " + "  ".join(
                f"{step} {r['peak_rss_mb']:5d} MB {r['seconds']:6.1f} s rc={r['rc']}"
                for step, r in row.items() if isinstance(r, dict))
            print(line, flush=True)
            for step, r in row.items():
                if isinstance(r, dict) and r["rc"] != 0:
                    print(f"    {step}: {r['said']}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    saved = RESULTS / "long_turns.json"
    if options.only and saved.is_file():  # a partial run updates its files' rows and keeps the others
        results = {**json.loads(saved.read_text(encoding="utf-8")), **results}
    saved.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
