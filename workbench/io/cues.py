"""Cues from WebVTT and SRT subtitle files, read strictly: nothing is dropped without a word.

webvtt-py, which read these before, silently skips a cue whose timestamp is malformed, every
cue of an SRT file renamed to .vtt (its times have commas), and any words after a blank line
inside a cue. Each of those loses a participant's words from the analysis with no sign it
happened. Here a malformed time stops the import, naming the line and the cue; an SRT saved
as .vtt (and the other way round) is read, with a warning; and words after a blank line are
kept with the cue above, with a warning naming the line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from workbench.errors import InputError

__all__ = ["MAX_CUES", "Cue", "read_cues"]

MAX_CUES = 200_000
_MAX_WARNINGS = 10  # of one kind, by line; the rest are counted in one more warning

_TIME = r"(?:\d+:)?[0-5]\d:[0-5]\d[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_TIME})[ \t]*-->[ \t]*(?P<end>{_TIME})(?:[ \t]+.*|\s*)$")
_START = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d\d):(?P<s>\d\d)")
_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_SKIPPED_BLOCK = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t].*)?$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NUMBER = re.compile(r"[ \t]*[0-9]+[ \t]*")  # a cue number line (str.isdigit would take "²")
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?(?:[ \t\n]+(?P<name>[^<>]*))?>")
_TAGS = re.compile(
    r"</?[A-Za-z][^<>]*>"  # <c.x> <i> <b> <u> <lang en> <ruby> <rt> </v> <font color=...>
    r"|<\d+(?::\d\d){1,2}[.,]\d{1,3}>"  # karaoke timestamps <00:00:01.000>
    r"|\{\\[^{}]*\}"  # SRT's ASS overrides: {\an8} {\i1}
)


@dataclass(frozen=True)
class Cue:
    """One speaker's words from one cue.

    ``number`` is the cue's place in the file (1 for the first timed cue, counting cues with
    no words too, so it matches an SRT's numbering); ``line`` is the line of its timing line;
    ``start`` is ``HH:MM:SS``. A cue with several ``<v>`` voices gives one Cue per voice, all
    with the same number, line and start.
    """

    number: int
    line: int
    start: str
    voice: str | None
    text: str


@dataclass
class _Raw:
    number: int
    line: int
    start: str
    payload: list[str] = field(default_factory=list)


def _quote(line: str, limit: int = 60) -> str:
    shown = line.strip()
    return f"'{shown if len(shown) <= limit else shown[:limit - 1] + '…'}'"


def _start(time: str) -> str:
    match = _START.match(time)
    assert match is not None  # the timing pattern already matched it
    return f"{int(match['h'] or 0):02d}:{match['m']}:{match['s']}"


def _clean(text: str) -> str:
    """Payload text as a reader sees it: no tags, entities decoded, one line, single spaces."""
    return " ".join(html.unescape(_TAGS.sub("", text)).split())


def _spans(payload: list[str]) -> list[tuple[str | None, str]]:
    """(voice, text) for each ``<v>`` span; words before the first voice have none."""
    raw = "\n".join(payload)
    marks = list(_VOICE.finditer(raw))
    spans: list[tuple[str | None, str]] = [(None, raw[:marks[0].start()] if marks else raw)]
    ends = [mark.start() for mark in marks[1:]] + [len(raw)] if marks else []
    for mark, end in zip(marks, ends, strict=True):
        voice = " ".join(html.unescape(mark["name"] or "").split()) or None
        spans.append((voice, raw[mark.end():end]))
    return [(voice, text) for voice, text in ((v, _clean(t)) for v, t in spans) if text]


class _Warnings:
    """Warnings by line, up to a cap per kind, so a file damaged throughout gives a readable list."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []
        self.counts: dict[str, int] = {}

    def add(self, kind: str, message: str, line: int | None = None) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.counts[kind] <= _MAX_WARNINGS:
            where = self.source if line is None else f"{self.source}, line {line}"
            self.items.append(f"{where}: {message}")

    def done(self) -> list[str]:
        extra = [f"{self.source}: {n - _MAX_WARNINGS} more places like the last warnings"
                 for n in self.counts.values() if n > _MAX_WARNINGS]
        return self.items + extra


def _blocks(lines: list[str], first: int) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines from index ``first``, each line with its 1-based number."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for index in range(first, len(lines)):
        if lines[index].strip():
            current.append((index + 1, lines[index]))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _looks_srt(lines: list[str], first: int) -> bool:
    """Numbered cues with comma times: an SRT file, whatever its name says."""
    if first + 1 >= len(lines) or not _NUMBER.fullmatch(lines[first]):
        return False
    timing = _TIMING.match(lines[first + 1])
    return timing is not None and "," in timing["start"]


def read_cues(text: str, source: str, fmt: str) -> tuple[list[Cue], list[str]]:
    """Read a WebVTT (``fmt="vtt"``) or SRT (``fmt="srt"``) file's cues; returns (cues, warnings).

    Times may use ``.`` or ``,`` before the milliseconds in either format. Raises InputError,
    naming the line, for a malformed timing line, text before the first cue, a .vtt file that
    is neither WebVTT nor SRT, or more than MAX_CUES cues.
    """
    if fmt not in {"vtt", "srt"}:
        raise ValueError(f"fmt must be 'vtt' or 'srt', not {fmt!r}")
    warnings = _Warnings(source)
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    dialect = fmt
    if first < len(lines) and _HEADER.match(lines[first].rstrip()):
        dialect = "vtt"
        if fmt == "srt":
            warnings.add("header", "starts with 'WEBVTT': it is a WebVTT file saved as .srt; read as WebVTT")
        first += 1  # the header's metadata lines (Kind:, Language:) run to the first blank line
        while first < len(lines) and lines[first].strip() and "-->" not in lines[first]:
            first += 1
    elif fmt == "vtt":
        if _looks_srt(lines, first):
            dialect = "srt"
            warnings.add("header", "has numbered cues with comma times and no 'WEBVTT' line: "
                         "it is an SRT file saved as .vtt; read as SRT")
        else:
            why = "it holds no text" if first >= len(lines) else f"the first line is {_quote(lines[first])}"
            raise InputError(source, f"is not a valid VTT subtitle file ({why})",
                             "expected 'WEBVTT' on the first line and cues below")
    example = "00:00:01,000 --> 00:00:04,000" if dialect == "srt" else "00:00:01.000 --> 00:00:04.000"

    raws: list[_Raw] = []

    def orphan(block: list[tuple[int, str]], why: str = "text after a blank line inside cue {n}") -> None:
        """Words with no timing line of their own: after a blank line inside the cue above."""
        number, line = block[0]
        if not raws:
            raise InputError(source, f"has text before the first cue: {_quote(line)}",
                             f"start each cue with a timing line such as {example}, or delete the text",
                             line=number)
        raws[-1].payload.extend(text for _, text in block)
        warnings.add("orphan", why.format(n=raws[-1].number) + " was kept as part of that cue; "
                     "check the file if it belongs elsewhere", number)

    for block in _blocks(lines, first):
        arrows = [k for k, (_, line) in enumerate(block) if "-->" in line]
        if dialect == "vtt" and not arrows and _SKIPPED_BLOCK.match(block[0][1].rstrip()):
            continue  # a comment, or styling: not words anyone said
        if not arrows:
            orphan(block)
            continue
        for position, k in enumerate(arrows):
            number, line = block[k]
            if not _TIMING.match(line):
                cue = len(raws) + position + 1
                # The first arrow of a block, or one after a cue number, is a timing line; any other
                # follows a cue's timing line with no blank line between: a time, or words with '-->'.
                timing_place = position == 0 or bool(_NUMBER.fullmatch(block[k - 1][1]))
                problem = (f"cue {cue} has a malformed time {_quote(line)}" if timing_place
                           else f"cue {cue - 1} has a malformed time or a '-->' in its text {_quote(line)}")
                raise InputError(source, problem, "correct the time or export the subtitles again", line=number)
        if len(raws) + len(arrows) > MAX_CUES:
            raise InputError(source, f"holds more than {MAX_CUES:,} cues",
                             "split it into smaller files", line=block[arrows[0]][0])
        # Lines before the first timing line: one identifier line (in SRT, a number); any others are
        # words that lost their blank-line separation from the cue above.
        head = block[:arrows[0]]
        if head and (dialect == "vtt" or _NUMBER.fullmatch(head[-1][1])):
            head = head[:-1]
        if head:
            orphan(head, "text with no timing line of its own, after cue {n},")
        for position, k in enumerate(arrows):
            number, line = block[k]
            timing = _TIMING.match(line)
            assert timing is not None  # checked above
            end = arrows[position + 1] if position + 1 < len(arrows) else len(block)
            payload = [text for _, text in block[k + 1:end]]
            if position + 1 < len(arrows) and payload and _NUMBER.fullmatch(payload[-1]):
                payload = payload[:-1]  # the next cue's number, with no blank line before it
            raws.append(_Raw(len(raws) + 1, number, _start(timing["start"]), payload))

    cues = [Cue(raw.number, raw.line, raw.start, voice, words)
            for raw in raws for voice, words in _spans(raw.payload)]
    return cues, warnings.done()
