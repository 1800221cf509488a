"""The command line as researchers and scripts use it: the contract in DESIGN.md."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import write

PEOPLE = "participant_id,site,role\nP01,North,Parent\n"


def wb(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"workbench {' '.join(args)} failed: {result.stderr}")
    return result


@pytest.fixture
def cli_study(study_location: str, tmp_path: Path) -> str:
    wb("init", study_location, "--by", "ana")
    transcript = write(tmp_path / "int1.txt", "Interviewer: Hello?\nP01: =SUM(A1) is what I typed. Then more.\n")
    table = write(tmp_path / "fg.csv", "id,text,speaker,participant\nf1,Welcome,Facilitator,\nf2,Hi there,X1,X1\n")
    wb("ingest", str(transcript), str(table), "--study", study_location,
       "--participants", str(write(tmp_path / "p.csv", PEOPLE)))
    return study_location


def test_segments_json_contract(cli_study):
    rows = json.loads(wb("segments", "--study", cli_study, "--format", "json").stdout)
    assert len(rows) == 4
    for key in ("id", "transcript", "participant", "speaker", "role", "site", "turn", "start", "end", "text"):
        assert key in rows[0]
    p01 = next(r for r in rows if r["participant"] == "P01")
    assert (p01["site"], p01["role"], p01["transcript"], p01["turn"]) == ("North", "Parent", "int1", 2)


def test_segments_filters_and_csv_is_formula_safe(cli_study):
    out = wb("segments", "--study", cli_study, "--site", "North", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["text"] for r in rows] == ["'=SUM(A1) is what I typed. Then more."]
    out = wb("segments", "--study", cli_study, "--no-interviewer", "--transcript", "fg", "-f", "json").stdout
    assert [r["id"] for r in json.loads(out)] == ["f2"]


def test_table_output_shows_text_literally(cli_study, tmp_path):
    out = wb("segments", "--study", cli_study).stdout
    assert "=SUM(A1)" in out and "Welcome" in out


def test_info(cli_study):
    data = json.loads(wb("info", "--study", cli_study, "--format", "json").stdout)
    assert data["segments"] == 4 and data["transcripts"] == 2 and data["by_site"] == [["North", 1], ["(no site)", 1]]
    assert "Segments by site" in wb("info", "--study", cli_study).stdout


def test_reimport_says_nothing_changed(cli_study, tmp_path):
    out = wb("ingest", str(tmp_path / "int1.txt"), "--study", cli_study).stdout
    assert out.startswith("nothing changed: 1 transcript(s) already in the study")


@pytest.mark.parametrize(("setup", "expected"), [
    (lambda d: d / "missing.txt", r"missing.txt: no such file"),
    (lambda d: write(d / "e.txt", ""), r"e.txt: the file is empty"),
    (lambda d: (d / "x.docx").write_bytes(b"%PDF-1.5") and d / "x.docx", r"x.docx: is a PDF document"),
    (lambda d: write(d / "n.csv", "id,body\n1,x\n"), r"n.csv, line 1: has no 'text' column"),
    (lambda d: (d / "w.txt").write_bytes("P01: caf\u00e9\n".encode("cp1252")) and d / "w.txt",
     r"w.txt, line 1: is not UTF-8"),
])
def test_bad_input_is_one_line_and_exit_1(tmp_path, setup, expected):
    study = str(tmp_path / "s")
    wb("init", study)
    path = setup(tmp_path)
    result = wb("ingest", str(path), "--study", study, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected.replace("\\", "") in lines[0]
    assert "Traceback" not in result.stderr


def test_study_errors_are_one_line(tmp_path):
    result = wb("info", "--study", str(tmp_path / "none"), check=False)
    assert result.returncode == 1 and "no study here; create one with 'workbench init" in result.stderr
    wb("init", str(tmp_path / "s"))
    again = wb("init", str(tmp_path / "s"), check=False)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_version_and_help_list_every_command():
    assert wb("--version").stdout.startswith("workbench ")
    out = wb("--help").stdout
    for command in ("init", "ingest", "segments", "info", "demo"):
        assert command in out


def test_progress_in_a_log_is_a_line_at_most_every_few_seconds(capsys):
    import time

    from workbench.cli.support import progress

    report = progress("discovering", quiet_for=0, every=0)
    for done in range(3):
        report(done, 3, "embedding")
    report(3, 3, "done")
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"discovering: embedding ({n}/3)" for n in range(3)] + ["discovering: done (3/3)"]

    quick = progress("reading")  # finished within a second: nothing in the log
    quick(0, 2, "a.txt")
    quick(1, 2, "b.txt")
    quick(2, 2, "done")
    time.sleep(1.3)
    assert capsys.readouterr().err == ""

    slow = progress("discovering", quiet_for=0.2, every=60)
    slow(0, 5, "finding each segment's neighbours")
    slow(1, 5, "drawing 3 layouts")  # held back, then written when the quiet second is over
    time.sleep(1.0)
    assert capsys.readouterr().err.splitlines() == ["discovering: drawing 3 layouts (1/5)"]
    for step in range(2, 5):
        slow(step, 5, f"layout {step - 1} of 3 drawn")  # within the minute: held, and replaced
    slow(5, 5, "done")  # the end is said at once
    assert capsys.readouterr().err.splitlines() == ["discovering: done (5/5)"]
    time.sleep(0.3)
    assert capsys.readouterr().err == "", "nothing held is written after the end"
