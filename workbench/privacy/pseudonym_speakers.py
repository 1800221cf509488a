"""Speakers as identifiers: a label that names a person at the start of a line, and a WebVTT voice tag's name.

"Andrew Knight:" and "<v Jane Smith>" name people; "Interviewer:", "P03:" and "[Person 1]:" do not. Each
speaker so named is one finding per file, covering every line they label, and a placeholder put in a label's
place must leave a line that still reads as a label, so a copy re-imports with the same turns. The rules
are those the importer reads labels by (``speaker_labels``), so what counts as a label here is what
counts there.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.privacy.pseudonym_source import _Source

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _voice_speaker(name: str) -> str:
    """The speaker part of a voice tag's name: "Jordan Smith" of "Jordan Smith (Social worker)"."""
    from workbench.core.speaker_labels import read_label

    label = read_label(" ".join(name.split()) + ":")
    if label is not None and label.description and name.startswith(label.speaker):
        return label.speaker
    return name


# Roles people label speakers with that is_strong_label does not know: not names, so not findings.
_ROLES = frozenset({
    "experimenter", "observer", "note-taker", "notetaker", "scribe", "transcriber", "teacher", "nurse", "doctor",
    "social worker", "key worker", "case worker", "caseworker", "advocate", "guardian", "foster carer", "staff",
    "student", "pupil", "young person", "youth worker", "family support worker", "health visitor", "police officer",
    "officer", "translator", "interpreter", "narrator", "presenter", "guest", "everyone", "all", "group", "others",
    "multiple", "voices", "crowd", "teaching assistant", "support worker"})


def _names_someone(speaker: str) -> bool:
    """Whether a speaker's label names a person: not a role (Interviewer, P03, Speaker 1), not a placeholder."""
    from workbench.core.segments import is_interviewer_label
    from workbench.core.speaker_labels import is_strong_label, read_label

    if (speaker[:1] in "[<{(" or is_strong_label(speaker) or is_interviewer_label(speaker)
            or any(c.isdigit() for c in speaker) or speaker.casefold() in _ROLES):
        return False
    label = read_label(" ".join(speaker.split()) + ":")
    return label is not None and label.grade == "name" and any(c.isalpha() for c in speaker)


def _speaker_score(speaker: str, why: str) -> tuple[float, str]:
    if len(speaker.split()) > 1:
        return 0.9, why
    return 0.7, why + ", one word: check it is not a role"


def _line_label(line: str) -> tuple[int, int] | None:
    """Where the speaker's name is in a line opening with a label ("Andrew Knight: ...", "[00:01] Dr Patel (GP):",
    "Jane Smith  0:09"), when it names a person; a label of a bracketed placeholder ("[Person 1]:") is not one."""
    from workbench.core.speaker_labels import read_label

    label = read_label(line)
    if label is None or not (label.colon or label.timestamp) or not _names_someone(label.speaker):
        return None
    at = line.find(label.speaker)
    if at < 0 or (at and line[at - 1] == "[" and re.fullmatch(r".+ \d+", label.speaker)):
        return None
    return at, at + len(label.speaker)


def _breaks_label(text: str, start: int, end: int, placeholder: str) -> bool:
    """Whether putting ``placeholder`` in a speaker label's place leaves a line that no longer opens with a label."""
    low = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    stop = _LINE_BREAK.search(text, end)
    line = text[low:start] + placeholder + text[end:stop.start() if stop else len(text)]
    return _line_label_any(line) is None


def _line_label_any(line: str) -> object:
    from workbench.core.speaker_labels import read_label

    label = read_label(line)
    return label if label is not None and (label.colon or label.timestamp) else None


def _label_spans(source: _Source) -> dict[str, list[tuple[int, int, int]]]:
    """Each speaker named by a label opening a line of a transcript (not a table), with every place it labels."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    if source.fmt not in ("txt", "docx", "vtt", "srt"):
        return out
    for index, unit in enumerate(source.units):
        if unit.kind != "text":
            continue
        starts = [0] + [m.end() for m in _LINE_BREAK.finditer(unit.text)]
        for start in starts:
            end = _LINE_BREAK.search(unit.text, start)
            line = unit.text[start:end.start() if end else len(unit.text)]
            found = _line_label(line)
            if found is not None:
                out.setdefault(line[found[0]:found[1]], []).append((index, start + found[0], start + found[1]))
    return out
