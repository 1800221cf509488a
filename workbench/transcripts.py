"""Speaker turns from interview transcripts: plain text, Word, WebVTT and SRT.

Plain-text and Word transcripts come in many layouts. We accept the ones people have:
``Interviewer: ...`` / ``P03: ...`` / ``Parent 2: ...`` prefixes; ``[00:01:23] Name: ...``;
``Name (00:01:23)`` or ``Name  00:01:23`` on a line of its own with the words below;
a label alone on a line (``INTERVIEWER``) above its words; blank lines between turns; and
continuation lines that belong to the turn above. Subtitle files (Teams, Zoom) carry
``<v Name>`` voice tags or ``Name:`` prefixes; consecutive cues of one speaker are one turn.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .readers import ReadLimits, check_file, decode_text, open_zip
from .segments import TranscriptDraft, Turn, is_interviewer_label

__all__ = ["parse_lines", "read_docx", "read_subtitles", "read_txt", "transcript_id_for"]

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LABEL = r"[^\W\d_][\w'’.\-]*(?:[ ](?!\d{1,2}:\d{2})[\w'’.\-\[\]]+){0,3}|\[[^\]\n]{1,30}\]"
_INLINE = re.compile(
    rf"^\s*(?:[\[(]?(?P<ts1>{_TS})[\])]?\s*[-–]?\s*)?(?P<label>{_LABEL})\s*(?:[\[(](?P<ts2>{_TS})[\])])?\s*:\s*(?P<text>.*)$"
)
_LABEL_LINE = re.compile(
    rf"^\s*(?:[\[(]?(?P<ts1>{_TS})[\])]?\s*)?(?P<label>{_LABEL})\s*(?:[\[(]?(?P<ts2>{_TS})[\])]?)?\s*$"
)
_TIMESTAMP_ONLY = re.compile(rf"^\s*[\[(]?{_TS}(?:\s*-->\s*{_TS})?[\])]?\s*$")
_STRONG = re.compile(
    r"^(interviewer|int|iv|researcher|facilitator|moderator|evaluator|respondent|interviewee|"
    r"participant|parent|carer|young person|child|practitioner|speaker|manager|"
    r"mother|father|mum|dad|grandparent)(\s*\d+)?$|^[A-Z]{1,3}\d{1,3}[a-z]?$",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def transcript_id_for(path: Path) -> str:
    """A transcript's id: its file name without extension, made safe for ids and exports."""
    return _SAFE_ID.sub("-", path.stem).strip("-") or "transcript"


@dataclass(frozen=True)
class _Candidate:
    line: int
    label: str
    text: str
    timestamp: str | None
    explicit: bool  # carried a colon or a timestamp


def _plausible(label: str) -> bool:
    words = label.split()
    if len(label) > 40 or not words or len(words) > 4:
        return False
    return not any(ch in label for ch in ",;?!\"“”") and not label.endswith(".")


def _candidates(lines: list[str]) -> list[_Candidate | None]:
    found: list[_Candidate | None] = []
    for number, line in enumerate(lines, start=1):
        alone = _LABEL_LINE.match(line)
        if alone and (alone["ts1"] or alone["ts2"]) and _plausible(alone["label"]):
            found.append(_Candidate(number, alone["label"].strip(), "", alone["ts1"] or alone["ts2"], True))
            continue
        inline = _INLINE.match(line)
        if inline and _plausible(inline["label"]):
            found.append(_Candidate(number, inline["label"].strip(), inline["text"],
                                    inline["ts1"] or inline["ts2"], True))
            continue
        if alone and _plausible(alone["label"]):
            stamp = alone["ts1"] or alone["ts2"]
            found.append(_Candidate(number, alone["label"].strip(), "", stamp, stamp is not None))
            continue
        found.append(None)
    return found


def parse_lines(lines: list[str], source: str, known_speakers: Iterable[str] = (),
                interviewer_labels: Iterable[str] = ()) -> tuple[str, list[Turn]]:
    """Turn a transcript's lines into (preamble, turns).

    A line opens a turn when it starts with a speaker label. A label counts as a speaker
    when it is a known participant id or interviewer name, follows a common pattern
    (Interviewer, P03, Parent 2, Respondent...), carries a timestamp, or opens turns at
    least twice in the file; anything else ("Mum said: ...") is speech and continues the
    turn above. Lines before the first turn are the preamble (a header, say).
    """
    known = {k.casefold() for k in known_speakers} | {k.casefold() for k in interviewer_labels}
    candidates = _candidates(lines)
    inline_counts = Counter(c.label.casefold() for c in candidates if c and c.explicit)

    def is_speaker(c: _Candidate) -> bool:
        label = c.label.strip("[]").strip()
        if label.casefold() in known or c.label.casefold() in known or _STRONG.match(label):
            return True
        if is_interviewer_label(label, interviewer_labels):
            return True
        if c.timestamp:
            return True
        return c.explicit and inline_counts[c.label.casefold()] >= 2 and c.label[:1].isupper()

    preamble: list[str] = []
    turns: list[Turn] = []
    speaker: str | None = None
    stamp: str | None = None
    start = 0
    words: list[str] = []

    def close() -> None:
        if speaker is not None:
            turns.append(Turn(text=" ".join(words), line=start, speaker=speaker, timestamp=stamp))

    for number, (line, cand) in enumerate(zip(lines, candidates, strict=True), start=1):
        if cand is not None and is_speaker(cand):
            close()
            speaker, stamp, start, words = cand.label, cand.timestamp, number, []
            if cand.text.strip():
                words.append(cand.text.strip())
        elif not line.strip() or _TIMESTAMP_ONLY.match(line):
            continue
        elif speaker is None:
            preamble.append(line)
        else:
            words.append(line.strip())
    close()
    turns = [t for t in turns if t.text.strip()]
    if not turns:
        raise InputError(source, "no speaker turns found",
                         "start each turn with the speaker, e.g. 'Interviewer: ...' and 'P03: ...'")
    return "\n".join(preamble), turns


def read_txt(path: Path, limits: ReadLimits, encoding: str | None = None,
             known_speakers: Iterable[str] = (), interviewer_labels: Iterable[str] = ()) -> TranscriptDraft:
    text = decode_text(check_file(path, limits), str(path), encoding)
    preamble, turns = parse_lines(text.splitlines(), str(path), known_speakers, interviewer_labels)
    return TranscriptDraft(transcript_id_for(path), str(path), "txt", tuple(turns), preamble)


def _docx_lines(path: Path, data: bytes, limits: ReadLimits) -> list[str]:
    open_zip(path, data, limits, "a Word document (.docx)", "word/document.xml")
    try:
        import docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells = [c.text.strip() for c in row.cells]
                    cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                    if len(cells) >= 3 and _TIMESTAMP_ONLY.match(cells[0]):
                        lines.append(f"[{cells[0]}] {cells[1]}: {' '.join(cells[2:])}")
                    elif len(cells) >= 2:
                        lines.append(f"{cells[0]}: {' '.join(cells[1:])}")
                    else:
                        lines.extend(cells)
            else:
                lines.extend(block.text.splitlines() or [""])
                lines.append("")
        return lines
    except InputError:
        raise
    except Exception as exc:  # python-docx raises many kinds on damaged parts; translate them all
        raise InputError(str(path), f"is a damaged Word document ({type(exc).__name__})",
                         "open it in Word and save it again as .docx") from exc


def read_docx(path: Path, limits: ReadLimits, known_speakers: Iterable[str] = (),
              interviewer_labels: Iterable[str] = ()) -> TranscriptDraft:
    data = check_file(path, limits)
    lines = _docx_lines(path, data, limits)
    preamble, turns = parse_lines(lines, str(path), known_speakers, interviewer_labels)
    # Word has no lines: report paragraph numbers, which is what the line numbers here are.
    return TranscriptDraft(transcript_id_for(path), str(path), "docx", tuple(turns), preamble)


_CUE_SPEAKER = re.compile(rf"^\s*(?P<label>{_LABEL})\s*:\s*(?P<text>.+)$")


def read_subtitles(path: Path, limits: ReadLimits, fmt: str, encoding: str | None = None,
                   known_speakers: Iterable[str] = (), interviewer_labels: Iterable[str] = ()) -> TranscriptDraft:
    """WebVTT or SRT: one turn per run of consecutive cues by the same speaker."""
    import webvtt
    from webvtt.errors import MalformedFileError

    text = decode_text(check_file(path, limits), str(path), encoding)
    try:
        if fmt == "vtt":
            captions = list(webvtt.from_string(text))
        else:
            captions = list(webvtt.from_buffer(text.splitlines(), format="srt"))
    except MalformedFileError as exc:
        expected = ("'WEBVTT' on the first line and cues below" if fmt == "vtt"
                    else "numbered cues with 00:00:01,000 --> 00:00:02,000 times")
        raise InputError(str(path), f"is not a valid {fmt.upper()} subtitle file ({exc})",
                         f"expected {expected}") from exc
    except Exception as exc:  # webvtt-py raises assorted errors on damaged cues
        raise InputError(str(path), f"has a damaged {fmt.upper()} cue ({type(exc).__name__}: {exc})",
                         "export the subtitles again") from exc
    known = {k.casefold() for k in known_speakers}
    bodies = [" ".join(_TAG.sub("", c.raw_text if c.voice else c.text).split()) for c in captions]
    prefixed = [_CUE_SPEAKER.match(b) for b in bodies]
    counts = Counter(m["label"].casefold() for m in prefixed if m and _plausible(m["label"]))

    def is_label(label: str) -> bool:
        bare = label.strip("[]").strip()
        return (label.casefold() in known or bool(_STRONG.match(bare)) or is_interviewer_label(bare, interviewer_labels)
                or (counts[label.casefold()] >= 2 and label[:1].isupper()))

    turns: list[Turn] = []
    speaker: str | None = None
    for number, (caption, body, match) in enumerate(zip(captions, bodies, prefixed, strict=True), start=1):
        label = caption.voice
        if not label and match and _plausible(match["label"]) and is_label(match["label"]):
            label, body = match["label"].strip(), match["text"].strip()
        if not body:
            continue
        label = label or speaker or "Unknown"
        if turns and label == speaker:
            last = turns[-1]
            turns[-1] = Turn(text=f"{last.text} {body}", line=last.line, speaker=label, timestamp=last.timestamp)
        else:
            stamp = caption.start.split(".")[0].split(",")[0]
            turns.append(Turn(text=body, line=number, speaker=label, timestamp=stamp))
        speaker = label
    if not turns:
        raise InputError(str(path), "holds no captions with text", "export the subtitles again")
    return TranscriptDraft(transcript_id_for(path), str(path), fmt, tuple(turns))
