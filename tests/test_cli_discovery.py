"""Discovery from the command line: discover, candidates, export assignments; and a quick start-up."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from .conftest import TOPICS, topic_table
from .test_cli import wb


@pytest.fixture(scope="module")
def discovered(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("cli-disc")
    table = topic_table(folder / "answers.csv", [("odd", "=HYPERLINK(\"x\") Quantum chromodynamics of gluon plasma.")])
    study = str(folder / "study")
    wb("init", study)
    wb("ingest", str(table), "--study", study)
    out = wb("discover", "--study", study, "--min-size", "5", "--runs", "3").stdout
    assert "candidate themes from 46 segments" in out
    return study


def test_candidates_json_contract(discovered):
    rows = json.loads(wb("candidates", "--study", discovered, "--format", "json").stdout)
    assert len(rows) == 3
    for row in rows:
        assert {"id", "label", "keywords", "size"} <= set(row)
        assert row["id"].startswith("R1-C") and row["size"] >= 15 and row["quotes"]
    assert sum(r["size"] for r in rows) in (45, 46)


def test_candidates_table_and_csv(discovered):
    assert "R1-C00" in wb("candidates", "--study", discovered).stdout
    out = wb("candidates", "--study", discovered, "-f", "csv").stdout
    assert out.splitlines()[0].startswith("id,number,label,keywords,size")


def test_export_assignments(discovered, tmp_path):
    out = tmp_path / "assign.csv"
    wb("export", "assignments", "--study", discovered, "--out", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["segment_id", "candidate", "probability", "theme"]
    assert len(rows) == 46 and all(0 <= float(r["probability"]) <= 1.0001 for r in rows if r["candidate"] != "-1")
    odd = next(r for r in rows if r["segment_id"] == "odd")
    assert odd["candidate"] in {"-1", "0", "1", "2"}


def test_no_run_yet_is_a_clear_error(tmp_path):
    study = str(tmp_path / "s")
    wb("init", study)
    result = wb("candidates", "--study", study, check=False)
    assert result.returncode == 1 and "no discovery run yet" in result.stderr


def test_commands_that_do_not_cluster_do_not_load_the_clustering_stack(discovered):
    code = ("import sys; from workbench.cli import app; "
            "sys.argv=['workbench','info','--study',sys.argv[1]]; "
            "import contextlib\n"
            "with contextlib.suppress(SystemExit): app()\n"
            "heavy=[m for m in ('torch','umap','hdbscan','bertopic','onnxruntime','sentence_transformers','numba') "
            "if m in sys.modules]; print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code, discovered], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_demo_builds_discovers_and_lists(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "transcripts").mkdir(parents=True)
    for n in range(3):
        lines = []
        for i in range(16):
            lines += ["Interviewer: And what happened then?", f"P0{n}: {TOPICS[i % 3]}, as it was in week {i}."]
        (corpus / "transcripts" / f"int{n}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "participants.csv").write_text("participant_id,site,role\nP00,A,Parent\nP01,B,Parent\nP02,C,Carer\n",
                                            encoding="utf-8")
    study = tmp_path / "sample"
    out = wb("demo", "--study", str(study), "--corpus", str(corpus), "--no-app").stdout
    assert "imported 3 transcript(s), 96 segment(s)" in out
    assert "candidate themes from 48 segments" in out and "R1-C00" in out
    again = wb("demo", "--study", str(study), "--corpus", str(corpus), "--no-app").stdout
    assert "0 already there" not in again and "3 already there" in again
    assert again.count("candidate themes from") == 0, "a second demo reuses the first run"
