"""Importing a large codebook: seconds for 1,000, 2,500 and 10,000 codes, and how long the write lock is held.

Each code becomes a 'create' event; all are recorded in one transaction (all or none).
The codes are built, validated and hashed before the write lock is taken, so the lock
is held only for one bulk insert: that is what a colleague's decision waits for. The
time should grow linearly: t(10,000) / t(2,500) near 4 (it was ~12 when every code
scanned every theme's name and id: 7 s and 82 s).

    .venv/bin/python benchmarks/bench_codebook_import.py [--baseline COMMIT]

Side by side in the same run: the same import by the workbench of ``--baseline`` (by
default the last commit before the import was made linear), each in a fresh process.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import save

SIZES = (1_000, 2_500, 10_000)
BASELINE = "5206589"  # the last commit before issue 25: every code scanned every theme's name and id
ROOT = Path(__file__).resolve().parent.parent

# One import in a fresh process, by whichever workbench is first on sys.path: seconds.
TIMED = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from workbench.study import Study
folder, codes = Path(sys.argv[2]), int(sys.argv[3])
path = folder / f"codes{codes}.csv"
path.write_text("name,definition\\n" + "".join(f"Code {i:05d},what code {i} means\\n" for i in range(codes)),
                encoding="utf-8")
study = Study.init(folder / "study", by="bench")
started = time.perf_counter()
made, _ = study.import_codebook(path, by="bench")
print(time.perf_counter() - started, len(made))
"""


def timed_in_process_of(source: Path, codes: int) -> float:
    """Seconds for ``codes`` codes imported by the workbench in ``source``, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, "-c", TIMED, str(source), tmp, str(codes)], capture_output=True,
                              text=True, check=True, cwd=tmp)
    seconds, made = done.stdout.split()
    assert int(made) == codes, done.stdout
    return float(seconds)


def import_once(folder: Path, codes: int) -> tuple[float, float]:
    """(seconds for the whole import, seconds the write lock was held) for ``codes`` codes."""
    from workbench.study import Study

    path = folder / f"codes{codes}.csv"
    path.write_text("name,definition\n" + "".join(f"Code {i:05d},what code {i} means\n" for i in range(codes)),
                    encoding="utf-8")
    study = Study.init(folder / f"study{codes}", by="bench")
    held: list[float] = []
    write = study.store.write

    @contextmanager
    def timed(*args: str) -> Iterator[object]:
        with write(*args) as tx:
            started = time.perf_counter()
            yield tx
        held.append(time.perf_counter() - started)  # to the end of the commit

    study.store.write = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    made, _ = study.import_codebook(path, by="bench")
    seconds = time.perf_counter() - started
    assert len(made) == codes and study.verify_log() == []
    study.close()
    return seconds, sum(held)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "baseline"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.baseline, "workbench"], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(old, filter="data")
        for codes in SIZES:
            _, held = import_once(Path(tmp), codes)
            seconds = timed_in_process_of(ROOT, codes)
            before = timed_in_process_of(old, codes)
            results[str(codes)] = {"seconds": round(seconds, 3), "lock_held_seconds": round(held, 3),
                                   "baseline_seconds": round(before, 3), "speedup": round(before / seconds, 1)}
            print(f"{codes:>6} codes: {seconds:6.2f} s (write lock held {held:5.2f} s); "
                  f"{args.baseline}: {before:6.2f} s; {before / seconds:5.1f}x")
    ratio = results["10000"]["seconds"] / results["2500"]["seconds"]
    before = results["10000"]["baseline_seconds"] / results["2500"]["baseline_seconds"]
    print(f"t(10,000) / t(2,500) = {ratio:.2f} (linear: 4; {args.baseline}: {before:.2f})")
    print("saved", save("codebook_import", {"baseline_commit": args.baseline, "sizes": results,
                                            "ratio_10000_to_2500": round(ratio, 2),
                                            "baseline_ratio_10000_to_2500": round(before, 2)}))


if __name__ == "__main__":
    main()
