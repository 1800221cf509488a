"""Real public transcripts, each in the layout the tool that made it writes, parse to hand-written turns.

The fixtures in ``fixtures/real_transcripts`` are excerpts of real files (sources and
licences in SOURCES.md), copied byte for byte; each ``.expected.json`` was written by
hand from the file, not by running this parser. A ``.docx-source.txt`` fixture is the
text of a Word export, rendered here into a .docx paragraph for paragraph.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from workbench.io.ingest import parse_files

FIXTURES = Path(__file__).parent / "fixtures" / "real_transcripts"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix != ".json" and p.name != "SOURCES.md"
               and (p.parent / f"{p.name}.expected.json").exists())


def as_docx(source: Path, folder: Path) -> Path:
    document = docx.Document()
    for paragraph in source.read_text(encoding="utf-8").split("\n\n"):
        document.add_paragraph(paragraph.strip("\n"))
    path = folder / source.name.replace(".docx-source.txt", ".docx")
    document.save(path)
    return path


@pytest.mark.parametrize("fixture", CASES, ids=[p.name for p in CASES])
def test_real_layout_parses_to_its_hand_written_turns(fixture: Path, tmp_path: Path, counter):
    want = json.loads((fixture.parent / f"{fixture.name}.expected.json").read_text(encoding="utf-8"))
    path = as_docx(fixture, tmp_path) if fixture.name.endswith(".docx-source.txt") else fixture
    parsed = parse_files([path], counter)
    (transcript,), (check,) = parsed.transcripts, parsed.checks
    turns: dict[int, list] = {}
    for segment in transcript.segments:
        assert transcript.text[segment.start:segment.end] == segment.text
        turns.setdefault(segment.turn, []).append(segment)
    got = [{"speaker": parts[0].speaker, "description": parts[0].metadata.get("speaker_description"),
            "text": " ".join(s.text for s in parts)} for parts in turns.values()]
    expected = [{"speaker": t["speaker"], "description": t["description"], "text": " ".join(t["text"].split())}
                for t in want["turns"]]
    assert [g["speaker"] for g in got] == [e["speaker"] for e in expected]
    assert got == expected
    preamble = transcript.text[:transcript.segments[0].start] if want["preamble"] else ""
    for line in want["preamble"].splitlines():
        assert " ".join(line.split()) in preamble
    assert check.warnings == ()
