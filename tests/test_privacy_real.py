"""The scan on real public transcripts: people named in passing in real speech are found.

The probes in fixtures/privacy_probe were written for this project; these are the real
public transcripts of fixtures/real_transcripts (SOURCES.md), with the people their
speakers name in running speech listed here by hand (not the speaker labels, which a
transcript's layout gives). Anything overlapping a finding that scores at least 0.5 counts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbench.io.ingest import parse_files
from workbench.privacy.scan import scan

FIXTURES = Path(__file__).parent / "fixtures" / "real_transcripts"
NAMED: dict[str, list[str]] = json.loads((FIXTURES / "people_named.json").read_text(encoding="utf-8"))["files"]


def occurrences(text: str, names: list[str]) -> list[tuple[int, int]]:
    """Where the names stand, the longest first where two overlap ("Max Foster" over "Max")."""
    spans: list[tuple[int, int]] = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            if not any(a < m.end() and m.start() < b for a, b in spans):
                spans.append(m.span())
    return spans


@pytest.mark.parametrize("fixture", sorted(NAMED))
def test_people_named_in_real_speech_are_found(fixture, counter):
    (transcript,) = parse_files([FIXTURES / fixture], counter).transcripts
    segments = [(s.id, s.text) for s in transcript.segments]
    found = [f for f in scan(segments) if f.score >= 0.5]
    named = missed = 0
    for seg_id, text in segments:
        hits = [f for f in found if f.segment_id == seg_id]
        for a, b in occurrences(text, NAMED[fixture]):
            named += 1
            missed += not any(f.start < b and a < f.end for f in hits)
    assert named >= 2, "the hand list names people in this file"
    assert (named - missed) / named >= 0.8, f"{missed} of {named} named people missed"
