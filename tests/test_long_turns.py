"""A file that is one enormous turn imports within bounded memory, or fails in one clear line.

Issue 25: a 15 MB turn took 5.3 GB to import, and under a memory limit the process died in
native code. benchmarks/bench_long_turns.py measures the 49 MB worst cases; these tests keep
the bound where a test can afford it.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from unittest import mock

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.cli.support import handled
from workbench.core import segments
from workbench.core.segments import clean_text
from workbench.core.splitting import BLOCK_CHARS

resource = pytest.importorskip("resource")  # POSIX only

# Address space, not resident memory: everything the process reserves counts. Before the fix
# a 5 MB turn peaked at 980 MB of it (two threads) and an 8 MB turn died here in the tokenizer
# (Rust's "memory allocation failed", SIGABRT); after it either peaks near 210 MB.
CAP = 1024 * 1024 * 1024
# Each thread's malloc arena reserves 64 MB of address space, and the tokenizer starts a
# thread per core: on a many-core machine that alone would fill the cap, whatever the text.
FEW_THREADS = {"MALLOC_ARENA_MAX": "2", "RAYON_NUM_THREADS": "2"}


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def _wb(*args: str, capped: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, timeout=600,
                          preexec_fn=_capped if capped else None, env=os.environ | (FEW_THREADS if capped else {}))


def _one_turn(size: int) -> str:
    rng = random.Random(25)
    words = "the child said she was worried about going home because her mum had been shouting".split()
    parts: list[str] = []
    used = 0
    while used < size:
        sentence = " ".join(rng.choices(words, k=rng.randint(5, 25))).capitalize() + ". "
        parts.append(sentence)
        used += len(sentence)
    return "".join(parts)


def test_an_eight_megabyte_turn_imports_under_a_memory_cap(tmp_path: Path):
    text = _one_turn(8 * 1024 * 1024)
    transcript = tmp_path / "monologue.txt"
    transcript.write_text(f"P01: {text}\n", encoding="utf-8")
    study = str(tmp_path / "study")
    assert _wb("init", study).returncode == 0
    result = _wb("ingest", str(transcript), "--study", study, capped=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "imported 1 transcript(s)" in result.stdout
    rows = json.loads(_wb("segments", "--study", study, "--format", "json").stdout)
    assert len(rows) > 5000
    assert max(len(r["text"]) for r in rows) < BLOCK_CHARS
    assert " ".join(r["text"] for r in rows).split() == text.split()  # every word, in order, once


def test_running_out_of_memory_is_one_clear_line_not_an_internal_error(capsys: pytest.CaptureFixture[str]):
    @handled
    def command() -> None:
        raise MemoryError

    with pytest.raises(typer.Exit) as exit_:
        command()
    assert exit_.value.exit_code == 1
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and said[0].startswith("error: the computer ran out of memory")
    assert "internal error" not in said[0] and "split the largest files" in said[0]


def _cleaned_whole(text: str) -> str:
    """clean_text as it was, in one piece: split into words and joined (a list of every word)."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]", "", text).split())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "B", " ", "  ", "\n", "\t", "\u00a0", "\u3000", "\x1f", "\x00", "\u200b",
                                  "\ufeff", "e\u0301", "\u0301", "\u1100\u1161", "\u4e2d", "\x85"]), max_size=60),
       st.integers(min_value=1, max_value=8))
def test_clean_text_in_pieces_is_clean_text_whole(parts, piece):
    text = "".join(parts)  # spaces, controls, combining accents and jamo that NFC composes
    with mock.patch.object(segments, "_PIECE_CHARS", piece):
        assert clean_text(text) == _cleaned_whole(text)


def test_a_long_table_is_printed_whole_in_bounded_pieces(capsys, monkeypatch):
    """Every row reaches the terminal, laid out a thousand at a time (rich holds a whole table in memory)."""
    import rich.table

    from workbench.cli import support as cli_support

    built: list[int] = []

    original = rich.table.Table.add_row

    def counted(self, *cells, **kwargs):
        built.append(id(self))
        return original(self, *cells, **kwargs)

    monkeypatch.setattr(rich.table.Table, "add_row", counted)
    rows = [{"id": f"row-{i:05d}", "text": "x"} for i in range(2_500)]
    cli_support.emit(rows, "table", ["id", "text"])
    out = capsys.readouterr().out
    assert all(f"row-{i:05d}" in out for i in range(2_500))
    per_table = [built.count(table) for table in dict.fromkeys(built)]
    assert per_table == [1_000, 1_000, 500]
