"""Segments: the units researchers code, cut from transcripts' speaker turns.

An importer yields a ``TranscriptDraft`` (speaker turns as read from a file). ``build``
turns a draft into a ``Transcript``: its normalised text (the canonical plain text that
exports such as REFI-QDA point into) and its segments, each with exact character offsets
into that text, so ``transcript.text[seg.start:seg.end] == seg.text`` always holds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from workbench.core.speaker_labels import as_written
from workbench.core.splitting import CountTokens, split_spans

__all__ = [
    "Segment",
    "SegmentRow",
    "Transcript",
    "TranscriptDraft",
    "Turn",
    "build",
    "clean_text",
    "is_interviewer_label",
    "sha256_text",
]

_INTERVIEWER = re.compile(
    r"^(interviewer|int|i|q|iv|researcher|facilitator|moderator|evaluator|host)(\s*\d+)?$",
    re.IGNORECASE,
)
# Control characters and zero-width ones, deleted by str.translate: no list of pieces.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x200B, 0x200C, 0x200D, 0xFEFF])
_SPACES = re.compile(r"\s+")  # \s is str.isspace(): the same runs str.split() splits at
# re.sub keeps every piece of its result in a list until it joins them: for a 49 MB turn of
# nine million words that list is most of a gigabyte, so long text is collapsed in pieces.
_PIECE_CHARS = 1 << 18


def is_interviewer_label(label: str | None, extra: Iterable[str] = ()) -> bool:
    """Whether a speaker label names the interviewer (or a facilitator/moderator)."""
    if not label:
        return False
    name = label.strip().strip("[]").strip()
    return bool(_INTERVIEWER.match(name)) or name.casefold() in {e.casefold() for e in extra}


_ABBREVIATED = re.compile(r"^(int|i|iv)\s*\d+$", re.IGNORECASE)


def _interviewers(speakers: Iterable[str | None], extra: Iterable[str] = ()) -> set[str | None]:
    """The speakers of one transcript who are interviewers.

    ``Int2`` or ``I1`` may abbreviate "interviewer 2" or be a participant's code; where the
    transcript also has a speaker written out as ``Interviewer`` (or a named interviewer),
    the abbreviation is a participant's code.
    """
    found = {s for s in speakers if is_interviewer_label(s, extra)}
    written_out = {s for s in found if s and not _ABBREVIATED.match(s.strip().strip("[]"))}
    if written_out:
        found -= {s for s in found if s and _ABBREVIATED.match(s.strip().strip("[]"))}
    return found


def clean_text(text: str) -> str:
    """Normalise one turn's text: NFC, control characters out, whitespace collapsed.

    Turn text often arrives broken over lines (continuation lines, subtitle cues); one
    space between words is what a reader and the model should see. A long text is cut
    before whitespace into pieces of about ``_PIECE_CHARS``, each collapsed and trimmed,
    then joined by one space: the same result, in bounded memory.
    """
    text = unicodedata.normalize("NFC", text).translate(_CONTROL)
    pieces: list[str] = []
    start = 0
    while start < len(text):
        cut = _SPACES.search(text, start + _PIECE_CHARS) if len(text) - start > _PIECE_CHARS else None
        end = cut.start() if cut else len(text)
        piece = _SPACES.sub(" ", text[start:end]).strip()
        if piece:
            pieces.append(piece)
        start = end
    return " ".join(pieces)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Turn:
    """One speaker turn (or one row of a table) as an importer read it."""

    text: str
    line: int
    speaker: str | None = None
    timestamp: str | None = None
    unit_id: str | None = None  # a row's own id (tables); turns get ids from their position
    participant: str | None = None  # named explicitly by a table's column
    metadata: dict[str, str] = field(default_factory=dict)
    description: str | None = None  # the label's parenthesis: "P03 (Social Worker)" -> "Social Worker"


@dataclass(frozen=True)
class TranscriptDraft:
    """What an importer read from one file for one transcript, before segmentation."""

    id: str
    source: str
    format: str
    turns: tuple[Turn, ...]
    preamble: str = ""
    layout: str = ""  # how the file marks its turns (transcripts.LAYOUTS), "subtitles" or "table"
    unsure: tuple[tuple[int, str], ...] = ()  # (line, label) of label-like lines left inside turns
    notes: tuple[str, ...] = ()  # what the reader noticed: unaccepted tracked changes, an SRT named .vtt...


@dataclass(frozen=True)
class Segment:
    id: str
    transcript_id: str
    participant_id: str | None
    speaker: str | None
    is_interviewer: bool
    turn: int
    part: int
    start: int
    end: int
    text: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        return sha256_text(self.text)


@dataclass(frozen=True)
class Transcript:
    id: str
    source: str
    format: str
    text: str
    segments: tuple[Segment, ...]

    @property
    def text_hash(self) -> str:
        return sha256_text(self.text)


@dataclass(frozen=True)
class SegmentRow(Segment):
    """A segment as read back, joined with its participant's site, role and groups."""

    site: str | None = None
    role: str | None = None
    groups: dict[str, Any] = field(default_factory=dict)


def _prefix(turn: Turn) -> str:
    stamp = f"[{turn.timestamp}] " if turn.timestamp else ""
    label = as_written(turn.speaker, turn.description) if turn.speaker else None
    speaker = f"{clean_text(label)}: " if label else ""
    return stamp + speaker


def build(
    draft: TranscriptDraft,
    count: CountTokens,
    limit: int,
    participant_of: Callable[[Turn], str | None],
    interviewer_labels: Iterable[str] = (),
) -> Transcript:
    """Lay out the normalised text and cut every turn into segments within ``limit``.

    Normalised text: the preamble (if any), then one paragraph per turn,
    ``[timestamp] Speaker: text``, separated by blank lines. Empty turns are skipped.
    A turn longer than the limit becomes parts ``ID.1``, ``ID.2``... split between
    sentences; every part keeps the turn's speaker, participant and index.
    """
    extra = tuple(interviewer_labels)
    chunks: list[str] = []
    offset = 0
    if draft.preamble.strip():
        preamble = "\n".join(clean_text(line) for line in draft.preamble.splitlines() if line.strip())
        chunks.append(preamble + "\n\n")
        offset = len(chunks[0])
    placed: list[tuple[Turn, int, str]] = []
    for turn in draft.turns:
        text = clean_text(turn.text)
        if not text:
            continue
        prefix = _prefix(turn)
        chunks.append(prefix + text + "\n\n")
        placed.append((turn, offset + len(prefix), text))
        offset += len(chunks[-1])
    full = "".join(chunks).rstrip("\n") + "\n" if chunks else ""

    interviewers = _interviewers([t.speaker for t, _, _ in placed], extra)
    segments: list[Segment] = []
    for index, (turn, start, text) in enumerate(placed, start=1):
        spans = split_spans(text, count, limit)
        base = turn.unit_id or f"{draft.id}-{index:03d}"
        interviewer = turn.speaker in interviewers
        participant = None if interviewer else participant_of(turn)
        for part, (a, b) in enumerate(spans, start=1):
            segments.append(Segment(
                id=base if len(spans) == 1 else f"{base}.{part}",
                transcript_id=draft.id,
                participant_id=participant,
                speaker=clean_text(turn.speaker) if turn.speaker else None,
                is_interviewer=interviewer,
                turn=index,
                part=part,
                start=start + a,
                end=start + b,
                text=text[a:b],
                metadata=dict(turn.metadata) | (
                    {"speaker_description": clean_text(turn.description)} if turn.description else {}),
            ))
    return Transcript(id=draft.id, source=draft.source, format=draft.format, text=full,
                      segments=tuple(segments))
