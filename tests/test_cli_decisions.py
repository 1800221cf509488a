"""Deciding from the command line: ``decide``, ``themes``, ``propose-split`` and ``log``."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import topic_table
from .test_cli import wb


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("decide")
    table = topic_table(folder / "answers.csv", site=False)
    study = str(folder / "study")
    wb("init", study)
    wb("ingest", str(table), "--study", study)
    wb("discover", "--study", study, "--min-size", "5", "--runs", "2")
    return study


def test_a_review_from_the_command_line(decided, tmp_path):
    s = ["--study", decided]
    out = wb("decide", "accept", "C00", "--name", "Slow referrals", *s, "--by", "ann").stdout
    assert out.startswith("#1 accept by ann: R1-C00 accepted as T-001 'Slow referrals'")
    refused = wb("decide", "reject", "C01", *s, check=False)
    assert refused.returncode == 1 and "a reason is required to reject" in refused.stderr
    assert "Traceback" not in refused.stderr
    wb("decide", "reject", "C01", *s, "--by", "bob", "--why", "=HYPERLINK(\"http://x\") generic")
    wb("decide", "create", "Police desk", *s, "--segment", "a01", "--segment", "a04", "--by", "ann")
    wb("decide", "rename", "T-002", "Co-located police desk", *s, "--by", "ann")
    wb("decide", "assign", "a07", *s, "--theme", "T-002", "--by", "ann")
    wb("decide", "define", "T-002", *s, "--definition", "Working beside the police", "--inclusion", "Sitting together",
       "--exclusion", "Phone contact", "--exemplar", "a04")
    wb("decide", "map", "T-002", "mechanism-colocation", *s)
    wb("decide", "memo", "Ask site 2 about this", *s, "--theme", "T-002", "--segment", "a07")
    wb("decide", "vote", "T-001", "accept", *s, "--session", "v1", "--by", "ann")
    wb("decide", "vote", "T-001", "revise", *s, "--session", "v1", "--by", "bob")
    wb("decide", "adjudicate", "T-001", "accept", *s, "--session", "v1", "--why", "agreed in the meeting")
    again = wb("decide", "rename", "T-009", "X", *s, check=False)
    assert again.returncode == 1 and "there is no theme T-009" in again.stderr

    themes = {t["id"]: t for t in json.loads(wb("themes", *s, "--format", "json").stdout)}
    assert themes["T-001"]["name"] == "Slow referrals" and themes["T-001"]["size"] == 15
    summary = wb("themes", *s).stdout.strip().splitlines()[-1]  # counted from the candidates' fates
    assert summary.startswith("2 theme(s);") and summary.endswith("; 1 candidate(s) rejected"), summary
    assert themes["T-002"]["members"] == ["a01", "a04", "a07"] and themes["T-002"]["nodes"] == ["mechanism-colocation"]
    assert themes["T-002"]["exemplars"] == ["a04"] and themes["T-002"]["exclusion"] == "Phone contact"

    parts = tmp_path / "parts.csv"
    proposal = wb("propose-split", "T-001", *s, "--parts", "2", "--out", str(parts)).stdout
    assert proposal.count("part ") >= 2
    refused = wb("decide", "split", "T-001", *s, "--parts", str(parts), check=False)
    assert refused.returncode == 1 and "reason is required to split" in refused.stderr
    split = wb("decide", "split", "T-001", *s, "--parts", str(parts), "--why", "two kinds of delay").stdout
    assert "T-001 split into T-003" in split
    themes = {t["id"]: t for t in json.loads(wb("themes", *s, "--format", "json").stdout)}
    assert "T-001" not in themes and themes["T-003"]["size"] + themes["T-004"]["size"] == 15

    bad = tmp_path / "bad.csv"
    bad.write_text("segment_id,part\na00,one\n,two\n", encoding="utf-8")
    refused = wb("decide", "split", "T-003", *s, "--parts", str(bad), "--why", "x", check=False)
    assert refused.returncode == 1 and "bad.csv" in refused.stderr and "line 3" in refused.stderr

    log = json.loads(wb("log", "show", *s, "--format", "json").stdout)
    assert [e["kind"] for e in log][:3] == ["accept", "reject", "create"] and log[-1]["kind"] == "split"
    last = log[-1]["seq"]
    wb("decide", "revert", str(last), *s, "--why", "split too early")
    assert "T-001" in {t["id"] for t in json.loads(wb("themes", *s, "--format", "json").stdout)}
    table = wb("log", "show", *s).stdout
    assert "(undone)" in table
    assert "intact" in wb("log", "verify", *s).stdout

    jsonl, as_csv = tmp_path / "log.jsonl", tmp_path / "log.csv"
    wb("log", "export", *s, "--out", str(jsonl))
    wb("log", "export", *s, "--out", str(as_csv))
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == last + 1
    rows = list(csv.DictReader(io.StringIO(as_csv.read_text(encoding="utf-8"))))
    assert rows[1]["rationale"].startswith("'=HYPERLINK"), "formula neutralised in the CSV"
    assert json.loads(jsonl.read_text(encoding="utf-8").splitlines()[1])["rationale"].startswith("=HYPERLINK"), \
        "the JSONL keeps the exact text, so it can be re-verified"

    wb("discover", *s, "--min-size", "5", "--runs", "2")
    suggested = json.loads(wb("suggestions", *s, "--format", "json").stdout)
    assert suggested and set(suggested[0]) == {"segment_id", "theme", "name", "similarity", "text"}
    assert [r["similarity"] for r in suggested] == sorted((r["similarity"] for r in suggested), reverse=True)
    held = {m for t in json.loads(wb("themes", *s, "--format", "json").stdout) for m in t["members"]}
    assert not held & {r["segment_id"] for r in suggested}, "segments already in a theme are not suggested"

    out = tmp_path / "assignments.csv"
    wb("export", "assignments", *s, "--out", str(out))
    rows = {r["segment_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["a04"]["theme"] == "T-002" and rows["a04"]["candidate"] == "", "held before the run"
    assert set(next(iter(rows.values()))) == {"segment_id", "candidate", "probability", "theme"}


def test_a_tampered_log_fails_verification(decided):
    import sqlite3
    from pathlib import Path

    wb("decide", "memo", "before tampering", "--study", decided)
    db = sqlite3.connect(Path(decided) / "study.sqlite")
    db.execute("DROP TRIGGER events_no_update")
    db.execute("UPDATE events SET by = 'mallory' WHERE seq = 1")
    db.commit()
    db.close()
    result = wb("log", "verify", "--study", decided, check=False)
    assert result.returncode == 1 and "FAILED verification" in result.stderr and "event #1" in result.stderr
