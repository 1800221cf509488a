"""Discovery from the command line: discover, candidates, export assignments; and a quick start-up."""

from __future__ import annotations

import csv
import json
import shutil
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
    assert out.splitlines()[0].startswith("id,number,kind,label,keywords,size")


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


@pytest.mark.parametrize("command", [
    ["info"], ["segments", "--format", "json"], ["candidates", "--format", "json"], ["log", "show"], ["themes"],
    ["export", "assignments", "--out", "{tmp}/a.csv"], ["export", "log", "--out", "{tmp}/log.csv"],
    ["ingest", "{tmp}/more.csv"], ["decide", "reject", "R1-C02", "--by", "ana", "--why", "not a theme"],
    ["scan"], ["analyse", "saturation"]])
def test_commands_that_do_not_cluster_do_not_load_the_clustering_stack(discovered, tmp_path, command):
    study = tmp_path / "study"
    shutil.copytree(discovered, study)
    (tmp_path / "more.csv").write_text("id,text\nm1,One more answer about the referral.\n", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in command] + ["--study", str(study)]
    code = ("import sys, json; from workbench.cli.main import app; "
            "sys.argv=['workbench', *json.loads(sys.argv[1])]; "
            "import contextlib\n"
            "with contextlib.suppress(SystemExit): app()\n"
            "heavy=[m for m in ('torch','umap','hdbscan','bertopic','onnxruntime','sentence_transformers','numba') "
            "if m in sys.modules]; print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True, text=True,
                            timeout=60)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
    assert "error" not in result.stderr.lower(), result.stderr


def test_interviewer_turns_and_the_seed_from_the_command_line(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for n in range(3):
        lines = []
        for i in range(16):
            lines += ["Interviewer: And what happened then?", f"P0{n}: {TOPICS[i % 3]}, as it was in week {i}."]
        (folder / f"int{n}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    study = str(tmp_path / "study")
    wb("init", study)
    wb("ingest", *sorted(str(f) for f in folder.iterdir()), "--study", study)
    default = wb("discover", "--study", study, "--min-size", "5", "--runs", "3")
    assert "candidate themes from 48 segments" in default.stdout
    assert "discovering: done (" in default.stderr, "progress reaches a log as lines, not a redrawn bar"
    assert default.stderr.count("\r") == 0
    both = wb("discover", "--study", study, "--min-size", "5", "--runs", "3", "--include-interviewer", "--seed", "7")
    assert "candidate themes from 96 segments" in both.stdout
    from workbench.study import Study

    opened = Study.open(study)
    runs = opened.runs()
    assert [r.seed for r in runs] == [42, 7] and [r.segments for r in runs] == [48, 96]
    # The interviewer's turns were embedded by the first run already, as the questions its answers
    # were read with (all 48 say the same: one text, embedded once): nothing is new.
    # The first run embedded 16 distinct answers and the one question they all answer.
    assert runs[0].params["embedded_now"] == 17 and runs[0].params["answers_with_questions"] == 48
    assert runs[1].params["include_interviewer"] is True and runs[1].params["embedded_now"] == 0
    opened.close()


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


def test_a_run_without_candidates_says_why(tmp_path):
    study = str(tmp_path / "study")
    wb("init", study)
    table = tmp_path / "few.csv"
    table.write_text("id,text\n" + "".join(f"f{i},{TOPICS[i % 3]}.\n" for i in range(4)), encoding="utf-8")
    wb("ingest", str(table), "--study", study)
    out = wb("discover", "--study", study, "--min-size", "5").stdout
    assert "0 candidate themes from 4 segments" in out
    assert "too few segments to cluster: a candidate needs at least 5 segments" in out


def test_a_run_with_room_but_no_group_says_to_lower_the_minimum(monkeypatch):
    """Enough segments to cluster, yet no candidate: the CLI points at --min-size, not at importing more."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from workbench.cli import main as cli

    run = SimpleNamespace(id=1, candidates=0, segments=40, coverage=0.0, timings={}, params={"min_cluster_size": 8},
                          model_name="m", backend="onnx", model_sha256="0" * 64)
    unknown = SimpleNamespace(segments=0)  # nothing to say ahead: the estimate is left out
    monkeypatch.setattr(cli, "open_study", lambda study: SimpleNamespace(discover=lambda *a, **k: run,
                                                                         estimate_discovery=lambda *a, **k: unknown))
    out = CliRunner().invoke(cli.app, ["discover", "--study", "anywhere"]).output
    assert "0 candidate themes from 40 segments" in out
    assert "no group of at least 8 similar segments was found; lower --min-size" in out
    assert "too few segments" not in out
