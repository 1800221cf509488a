"""The sample corpus: big and varied enough to exercise every importer, with a sound answer key."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from workbench.study import Study

from .conftest import CORPUS


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Study, object]:
    study = Study.init(tmp_path_factory.mktemp("sample") / "study", by="tester")
    files = sorted((CORPUS / "transcripts").iterdir())
    report = study.ingest(files, participants=CORPUS / "participants.csv")
    return study, report


def test_size_and_formats(sample):
    study, _report = sample
    view = study.overview()
    assert view.transcripts >= 30 and view.segments >= 1200
    formats = Counter(t.format for t in study.store.transcripts())
    assert {"docx", "txt", "vtt", "srt", "csv"} <= set(formats)
    assert {site for site, _ in view.by_site} == {"Alderbury", "Brackenford", "Castlemere"}


def test_every_participant_is_in_the_sidecar(sample):
    study, report = sample
    assert not [w for w in report.warnings if "missing from the participants file" in w]
    assert study.overview().unsited_participants == []
    roles = {p.role for p in study.participants()}
    assert {"Parent", "Young person", "Social worker", "Police officer", "MASH manager"} <= roles
    assert all("ethnicity_group" in p.attributes for p in study.participants())


def test_answer_key_matches_the_imported_segments(sample):
    study, _ = sample
    with (CORPUS / "answer_key.csv").open(encoding="utf-8") as handle:
        key = {row["segment_id"]: row for row in csv.DictReader(handle)}
    segments = {s.id: s for s in study.segments()}
    assert set(key) == set(segments)
    themes = Counter(row["theme"] for row in key.values() if row["theme"] != "none")
    assert 12 <= len(themes) <= 20
    assert min(themes.values()) >= 20, themes
    for seg_id, row in key.items():
        segment = segments[seg_id]
        assert (segment.transcript_id, segment.turn) == (row["transcript"], int(row["turn"]))
        if segment.is_interviewer:
            assert row["theme"] == "none"


def test_answer_key_agrees_with_the_authored_sources(sample):
    _study, _ = sample
    with (CORPUS / "answer_key.csv").open(encoding="utf-8") as handle:
        key = list(csv.DictReader(handle))
    sources = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (CORPUS / "source").glob("*.json")}
    for row in key:
        written = sources[row["transcript"]]["turns"][int(row["turn"]) - 1]
        assert row["theme"] == (written["theme"] or "none")


def test_corpus_is_labelled_synthetic():
    text = (CORPUS / "README.md").read_text(encoding="utf-8").lower()
    assert "synthetic" in text and "fictional" in text


def test_long_turns_were_split(sample):
    study, _ = sample
    parts = [s for s in study.segments() if s.part > 1]
    assert parts, "the corpus should exercise splitting of long turns"
    texts = study.store.transcript_texts({s.transcript_id for s in parts})
    for s in parts:
        assert texts[s.transcript_id][s.start:s.end] == s.text


def test_sources_are_where_the_files_came_from():
    assert len(list((CORPUS / "source").glob("*.json"))) == len(list((CORPUS / "transcripts").iterdir()))
    assert Path(CORPUS / "tools" / "build_corpus.py").is_file()
