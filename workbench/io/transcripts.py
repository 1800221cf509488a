"""Speaker turns from interview transcripts: plain text, Word, WebVTT and SRT.

Plain-text and Word transcripts come in many layouts. We accept the ones people have:
``Interviewer: ...`` / ``P03: ...`` / ``Parent 2: ...`` prefixes; ``[00:01:23] Name: ...``;
``Name (00:01:23)`` or ``Name  00:01:23`` on a line of its own with the words below;
a label alone on a line (``INTERVIEWER``) above its words; blank lines between turns; and
continuation lines that belong to the turn above. Subtitle files (Teams, Zoom) carry
``<v Name>`` voice tags or ``Name:`` prefixes; consecutive cues of one speaker are one turn.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from workbench.core.segments import TranscriptDraft, Turn, is_interviewer_label
from workbench.core.speaker_labels import TIMESTAMP, Label, is_strong_label, read_label
from workbench.errors import InputError
from workbench.io.readers import ReadLimits, check_file, decode_text_noting

__all__ = ["parse_lines", "read_docx", "read_subtitles", "read_txt", "transcript_id_for"]

# A line that is only a time (or a range), as some exports put between blocks: "(00:02:03):".
_TIMESTAMP_ONLY = re.compile(rf"^\s*[\[(]?{TIMESTAMP}(?:\s*(?:-->|[-–—])\s*{TIMESTAMP})?[\])]?\s*:?\s*$")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")

Layout = Literal["timestamped", "label-line", "line", "paragraph"]


def transcript_id_for(path: Path) -> str:
    """A transcript's id: its file name without extension, made safe for ids and exports."""
    return _SAFE_ID.sub("-", path.stem).strip("-") or "transcript"


@dataclass(frozen=True)
class ParsedTurns:
    """A transcript's turns as its layout marks them, with what the parse noticed.

    ``layout`` names how the file marks its turns (a key of ``LAYOUTS``); ``unsure`` holds
    (line, label) for label-like lines the layout left inside a turn, so the check report
    can ask the researcher instead of guessing.
    """

    preamble: str
    turns: list[Turn]
    layout: Layout
    unsure: list[tuple[int, str]] = field(default_factory=list)


def _layout(labels: list[Label | None], starts: list[bool]) -> Layout:
    """How this file marks its turns, from the labels it holds and where they stand."""
    timed = sum(1 for lb in labels if lb and lb.timestamp and lb.grade != "weak")
    untimed_openers = 0
    head_inline = inner_inline = bare_alone = 0
    for index, (lb, start) in enumerate(zip(labels, starts, strict=True)):
        if lb is None or lb.grade == "weak" or lb.timestamp:
            continue
        untimed_openers += 1
        if lb.colon:
            head_inline += start
            inner_inline += not start
        elif start and index + 1 < len(labels) and labels[index + 1] is None and not starts[index + 1]:
            bare_alone += 1
    if timed >= 2 and timed >= untimed_openers:
        return "timestamped"
    if bare_alone >= 2 and bare_alone >= head_inline:
        return "label-line"
    if inner_inline >= max(1, head_inline):
        return "line"
    return "paragraph"


def parse_transcript(lines: list[str], source: str, known_speakers: Iterable[str] = (),
                     interviewer_labels: Iterable[str] = ()) -> ParsedTurns:
    """Turn a transcript's lines into its preamble and speaker turns, by the file's own layout.

    Every line is read for a label's shape (``speaker_labels.read_label``); the file's
    layout then says which labels open turns. In a file whose turns open paragraphs, a
    label opening a paragraph opens a turn even if that speaker speaks once, while the
    same shape inside a paragraph is speech; in a line-per-turn file any line may open a
    turn. Known participants, interviewer labels, common role labels (Interviewer, P03,
    Respondent...) and timestamped labels open turns wherever they stand; lower-case
    labels (``Social worker:``) only where the file uses them at least twice. Lines before
    the first turn are the preamble (a title, a date, a list of attendees).
    """
    known = {k.casefold() for k in known_speakers} | {k.casefold() for k in interviewer_labels}
    extra = tuple(interviewer_labels)
    labels = [read_label(line) if line.strip() else None for line in lines]
    starts = [bool(line.strip()) and (i == 0 or not lines[i - 1].strip()) for i, line in enumerate(lines)]

    def strong(lb: Label) -> bool:
        return (lb.speaker.casefold() in known or lb.written.casefold() in known or is_strong_label(lb.speaker)
                or is_interviewer_label(lb.speaker, extra))

    layout = _layout(labels, starts)
    used = Counter(lb.speaker.casefold() for lb in labels if lb and lb.colon)

    def opens(index: int, lb: Label) -> bool:
        if strong(lb):
            return lb.colon or bool(lb.timestamp) or starts[index] or layout == "label-line"
        if lb.grade == "weak" and used[lb.speaker.casefold()] < 2:
            # A lower-case label used once ("pippin:") opens a turn only as one word with a colon,
            # where the layout puts labels (a paragraph's start, or any line in line-per-turn files).
            return (lb.colon and " " not in lb.speaker and not lb.timestamp
                    and (starts[index] or layout == "line"))
        if lb.timestamp:
            return True
        if not lb.colon:  # a bare name alone on its line: a label only in files laid out that way
            return layout == "label-line" and starts[index]
        return layout in ("line", "label-line") or starts[index]

    first = [opens(i, lb) if lb else False for i, lb in enumerate(labels)]
    proven = Counter(lb.speaker.casefold() for lb, go in zip(labels, first, strict=True) if lb and go)
    preamble: list[str] = []
    turns: list[Turn] = []
    unsure: list[tuple[int, str]] = []
    current: Label | None = None
    start = 0
    words: list[str] = []

    def close() -> None:
        if current is None or not " ".join(words).strip():
            return
        last = turns[-1] if turns else None
        if last is not None and (last.speaker, last.description) == (current.speaker, current.description):
            # One speaker's words over several labelled blocks (tools start a block every so many
            # seconds) are one turn: the turn ends when someone else speaks.
            turns[-1] = Turn(text=f"{last.text} {' '.join(words)}", line=last.line, speaker=last.speaker,
                             timestamp=last.timestamp, description=last.description)
        else:
            turns.append(Turn(text=" ".join(words), line=start, speaker=current.speaker,
                              timestamp=current.timestamp, description=current.description))

    for number, (line, lb, go) in enumerate(zip(lines, labels, first, strict=True), start=1):
        if lb is not None and not go and lb.colon and proven[lb.speaker.casefold()] >= 2:
            go = True  # a speaker the file names at least twice, where a blank line was forgotten
        if lb is not None and go:
            close()
            current, start, words = lb, number, []
            if lb.text.strip():
                words.append(lb.text.strip())
        elif not line.strip() or _TIMESTAMP_ONLY.match(line):
            continue
        elif current is None:
            preamble.append(line)
        else:
            if lb is not None and lb.colon and lb.grade != "weak":
                unsure.append((number, lb.written))
            words.append(line.strip())
    close()
    turns = [t for t in turns if t.text.strip()]
    if not turns:
        raise InputError(source, "no speaker turns found",
                         "start each turn with the speaker, e.g. 'Interviewer: ...' and 'P03: ...'")
    return ParsedTurns("\n".join(preamble), turns, layout, unsure)


def parse_lines(lines: list[str], source: str, known_speakers: Iterable[str] = (),
                interviewer_labels: Iterable[str] = ()) -> tuple[str, list[Turn]]:
    """(preamble, turns) of a transcript's lines; see ``parse_transcript``."""
    parsed = parse_transcript(lines, source, known_speakers, interviewer_labels)
    return parsed.preamble, parsed.turns


def _draft_of(path: Path, fmt: str, parsed: ParsedTurns, notes: Iterable[str] = ()) -> TranscriptDraft:
    return TranscriptDraft(transcript_id_for(path), str(path), fmt, tuple(parsed.turns), parsed.preamble,
                           layout=parsed.layout, unsure=tuple(parsed.unsure), notes=tuple(notes))


def read_txt(path: Path, limits: ReadLimits, encoding: str | None = None,
             known_speakers: Iterable[str] = (), interviewer_labels: Iterable[str] = ()) -> TranscriptDraft:
    text, notes = decode_text_noting(check_file(path, limits), str(path), encoding)
    parsed = parse_transcript(text.splitlines(), str(path), known_speakers, interviewer_labels)
    return _draft_of(path, "txt", parsed, notes)


def read_docx(path: Path, limits: ReadLimits, known_speakers: Iterable[str] = (),
              interviewer_labels: Iterable[str] = ()) -> TranscriptDraft:
    """A Word document: all the text a reader sees (content controls, tracked insertions, text boxes...)."""
    from workbench.io.docx_text import docx_text

    read = docx_text(path, check_file(path, limits), limits)
    # Word has no lines: the numbers reported are of the paragraph lines read from it.
    parsed = parse_transcript(read.lines, str(path), known_speakers, interviewer_labels)
    return _draft_of(path, "docx", parsed, [_TRACKED] if read.tracked_changes else [])


def read_pdf(path: Path, limits: ReadLimits, known_speakers: Iterable[str] = (),
             interviewer_labels: Iterable[str] = ()) -> TranscriptDraft:
    """A text-based PDF, page furniture (headers, footers, page numbers) left out."""
    from workbench.io.read_pdf import pdf_lines

    lines = pdf_lines(path, check_file(path, limits), limits)
    return _draft_of(path, "pdf", parse_transcript(lines, str(path), known_speakers, interviewer_labels))


def read_odt(path: Path, limits: ReadLimits, known_speakers: Iterable[str] = (),
             interviewer_labels: Iterable[str] = ()) -> TranscriptDraft:
    """An OpenDocument text, tracked changes as they stand (insertions in, deletions out)."""
    from workbench.io.read_odt import odt_lines

    lines, tracked = odt_lines(path, check_file(path, limits), limits)
    notes = [_TRACKED] if tracked else []
    return _draft_of(path, "odt", parse_transcript(lines, str(path), known_speakers, interviewer_labels), notes)


_TRACKED = ("the document has tracked changes nobody accepted: it was read as it stands, insertions in and "
            "deletions out; accept or reject them in the word processor if that is not what was said")


def read_subtitles(path: Path, limits: ReadLimits, fmt: str, encoding: str | None = None,
                   known_speakers: Iterable[str] = (), interviewer_labels: Iterable[str] = ()) -> TranscriptDraft:
    """WebVTT or SRT: one turn per run of consecutive cues by the same speaker.

    A cue's speaker is its voice tag (``<v Name>``, Teams) or a label opening its text
    (``Name:``, ``Hon. X (Y, Z):``, Zoom and captioners); a cue with neither continues the
    speaker before it. Labels are read with the same rules as any transcript's.
    """
    from workbench.io.cues import read_cues

    text, decoding = decode_text_noting(check_file(path, limits), str(path), encoding)
    cues, notes = read_cues(text, str(path), fmt)
    notes = [*decoding, *notes]
    known = {k.casefold() for k in known_speakers} | {k.casefold() for k in interviewer_labels}
    extra = tuple(interviewer_labels)
    labels = [None if cue.voice else read_label(cue.text) for cue in cues]
    labels = [lb if lb and lb.colon else None for lb in labels]
    used = Counter(lb.speaker.casefold() for lb in labels if lb)

    def is_label(lb: Label) -> bool:
        return (lb.speaker.casefold() in known or is_strong_label(lb.speaker)
                or is_interviewer_label(lb.speaker, extra) or lb.grade != "weak" or used[lb.speaker.casefold()] >= 2)

    turns: list[Turn] = []
    speaker: str | None = None
    description: str | None = None
    for cue, lb in zip(cues, labels, strict=True):
        body = cue.text
        label = cue.voice
        if not label and lb is not None and is_label(lb):
            label, description, body = lb.speaker, lb.description, lb.text
        elif label:
            voiced = read_label(label + ":")
            label, description = (voiced.speaker, voiced.description) if voiced else (label, None)
        if not body.strip():
            continue
        label = label or speaker or "Unknown"
        if turns and label == speaker:
            last = turns[-1]
            turns[-1] = Turn(text=f"{last.text} {body}", line=last.line, speaker=label, timestamp=last.timestamp,
                             description=last.description)
        else:
            turns.append(Turn(text=body, line=cue.line, speaker=label, timestamp=cue.start,
                              description=description))
        speaker = label
    if not turns:
        raise InputError(str(path), "holds no captions with text", "export the subtitles again")
    return TranscriptDraft(transcript_id_for(path), str(path), fmt, tuple(turns), notes=tuple(notes),
                           layout="subtitles")
