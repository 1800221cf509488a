"""Importing a large codebook: seconds for 1,000, 2,500 and 10,000 codes, and how long the write lock is held.

Each code becomes a 'create' event; all are recorded in one transaction (all or none).
The codes are built, validated and hashed before the write lock is taken, so the lock
is held only for one bulk insert: that is what a colleague's decision waits for. The
time should grow linearly: t(10,000) / t(2,500) near 4 (it was ~12 when every code
scanned every theme's name and id: 7 s and 82 s).

    .venv/bin/python benchmarks/bench_codebook_import.py
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import save

SIZES = (1_000, 2_500, 10_000)


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
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for codes in SIZES:
            seconds, held = import_once(Path(tmp), codes)
            results[str(codes)] = {"seconds": round(seconds, 3), "lock_held_seconds": round(held, 3)}
            print(f"{codes:>6} codes: {seconds:6.2f} s, write lock held {held:5.2f} s")
    ratio = results["10000"]["seconds"] / results["2500"]["seconds"]
    print(f"t(10,000) / t(2,500) = {ratio:.2f} (linear: 4)")
    print(f"saved {save('codebook_import', {'sizes': results, 'ratio_10000_to_2500': round(ratio, 2)})}")


if __name__ == "__main__":
    main()
