"""De-identified copies of transcripts, made in two steps so nothing is replaced that a researcher did not confirm.

Step one (``scan_files`` and ``findings_csv``) reads each file as a reader sees it and lists every likely
identifier (``privacy.scan_text``, plus speakers' names in WebVTT voice tags) with a proposed placeholder and
an action: ``keep`` (replace it) at or above a score, ``ignore`` below. Nothing is copied. Step two
(``write_copies``) takes that list back after a researcher has edited it, checks each row against the files
as they are now, and writes a copy of each file in its own format and layout with every kept finding
replaced. Either step refuses a problem with one ``InputError`` naming the file and line, and step two writes
all copies or none.

Speakers are identifiers too: a label that names a person at the start of a line ("Andrew Knight:", "Jane
Smith (00:01:23):") and a WebVTT voice tag (``<v Jane Smith>``) are each one finding per speaker and file,
covering every place that speaker is named so; roles, codes and placeholders (Interviewer, P03, [Person 1])
are not. A label's placeholder loses its brackets where "[Person 1] (SW):" would no longer read as a label,
so a copy re-imports with the same turns and speakers.

Placeholders are consistent: the same original (ignoring case, and "Jordan" and "Jordan's" alike, the
possessive kept) always gets the same placeholder, within a run and, through a key file the researcher
names, across runs. The key maps placeholders back to real identifiers, so it is written only where asked
and never into the folder of copies. The findings file holds the identifiers too, with their context: it is
kept out of that folder as well (the folder's copies are for sharing and importing; ``workbench ingest`` would
even read a findings file there as a table, since it has ``id`` and ``text`` columns).

Each finding's ``where`` names its place in a person's terms (line and column; paragraph; cue; sheet and
cell) and is read back to find it again; ``file_sha256`` (a column beyond the brief's, last) says which
version of the file was scanned, so a file edited between the steps is refused rather than patched at
offsets that moved; each ``id`` ends in a check code over its file, place, type and text, so a row typed in
or pasted from elsewhere is refused as unknown.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import html
import inspect
import io
import itertools
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, WorkbenchError
from .readers import ReadLimits, check_file, decode_text, open_zip
from .spreadsheet import FORMULA_STARTS, csv_text, safe_cell, unsafe_cell

__all__ = [
    "COLUMNS",
    "KEY_COLUMNS",
    "SUFFIXES",
    "TABLE",
    "Copies",
    "Finding",
    "Key",
    "Outcome",
    "check_paths",
    "copies_from_review",
    "default_findings_path",
    "findings_csv",
    "norm",
    "read_key",
    "replace_spans",
    "reviewed",
    "scan_files",
    "scan_uploads",
    "write_copies",
]

COLUMNS = ("id", "file", "where", "type", "text", "score", "why", "context", "placeholder", "action", "file_sha256")
# Columns a review file must keep: those that find the finding and say what to do. score, why and context only
# help a person decide, so a researcher who deleted them to fit the screen is not refused.
_REQUIRED = ("id", "file", "where", "type", "text", "placeholder", "action", "file_sha256")
KEY_COLUMNS = ("placeholder", "original", "type")
SUFFIXES = (".txt", ".text", ".docx", ".vtt", ".srt", ".csv", ".tsv", ".xlsx", ".xlsm")
_ACTIONS = ("keep", "ignore")
_CONTEXT = 30  # characters either side of a finding in the context column
_MAX_PLACEHOLDER = 100

Edit = tuple[int, int, str]  # (start, end, replacement) in a unit's text


# --- consistent placeholders ----------------------------------------------------------------
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})
_POSSESSIVE = re.compile(r"(?:['’ʼ][sS]|(?<=[sS])['’ʼ])\Z")
_PERSON_TYPES = frozenset({"name", "titled_name", "person"})
# "my son Jordan", "her daughter, Mia", "our baby called Ava": a child. Brother and sister are left out on
# purpose: said by a parent they are children, said by a child they may be adults, so those stay Person.
_CHILD_BEFORE = re.compile(r"(?<!\w)(?:son|daughter|grandson|granddaughter|baby|stepson|stepdaughter|step-son|"
                           r"step-daughter|child|nephew|niece)[,:]?\s+(?:(?:called|named|is)\s+)?\Z", re.I)
# An institution's kind by its words, in order: the first that matches names the placeholder.
_INSTITUTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((label, re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.I))
                                                              for label, words in (
    ("Nursery", r"nursery|pre-?school|playgroup"),
    ("School", r"school|academy|primary|secondary|infants?|juniors?"),
    ("College", r"college|sixth[ -]form"),
    ("GP practice", r"surgery|medical (?:centre|center|practice)|health (?:centre|center)|gp|doctors'?"),
    ("Hospital", r"hospital|infirmary"),
))
_STREET = re.compile(r"(?<!\w)(?:road|rd|street|avenue|ave|lane|crescent|terrace|drive|close|gardens|grove)\.?\Z",
                     re.I)
_LABELS = {"phone": "Phone", "email": "Email", "nhs_number": "NHS number", "ni_number": "NI number",
           "postcode": "Postcode", "date_of_birth": "Date of birth", "url": "URL", "date": "Date",
           "address": "Street", "place": "Place"}
_PLACEHOLDER = re.compile(r"^\[(?P<label>[^\[\]]+?) (?P<n>\d+)\]$")


def _split_possessive(text: str) -> tuple[str, str]:
    """("Jordan", "'s") for "Jordan's": the possessive is grammar, not part of who it is."""
    m = _POSSESSIVE.search(text)
    if m is None or m.start() == 0:
        return text, ""
    return text[:m.start()], text[m.start():]


def norm(text: str) -> str:
    """The form under which two findings are the same original: case, spacing, apostrophes and a possessive ignored."""
    base, _ = _split_possessive(" ".join(text.split()).translate(_APOSTROPHES))
    return base.casefold()


def _label(kind: str, text: str, child: bool) -> str:
    """The placeholder's word for a finding: by its type, an institution's or a street's words, or a child's cue."""
    if kind in _LABELS:
        return _LABELS[kind]
    if kind in _PERSON_TYPES or kind == "institution":
        for label, words in _INSTITUTIONS:
            if words.search(text):
                return label
        if kind == "institution":
            return "Institution"
        if _STREET.search(text):
            return "Street"
        return "Child" if child else "Person"
    return kind.replace("_", " ").strip().capitalize() or "Identifier"  # a type added to the scanner later


@dataclass
class Key:
    """Placeholders already given, by original: read from the researcher's key so later batches agree."""

    entries: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # norm -> (placeholder, original, type)
    path: Path | None = None

    def highest(self) -> Counter[str]:
        """The highest number used per placeholder word ("Person" -> 7), so new ones carry on from there."""
        top: Counter[str] = Counter()
        for placeholder, _, _ in self.entries.values():
            m = _PLACEHOLDER.match(placeholder)
            if m:
                top[m["label"]] = max(top[m["label"]], int(m["n"]))
        return top

    def owner(self, placeholder: str) -> str | None:
        """The original a placeholder stands for in the key (the first, where several share it)."""
        return next((original for p, original, _ in self.entries.values() if p == placeholder), None)


def _unescape(cell: str) -> str:
    """Undo ``safe_cell``: the apostrophe put before a cell a spreadsheet would run as a formula."""
    return unsafe_cell(cell)


def _read_csv_file(path: Path, what: str, required: Sequence[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, cells)]) of a UTF-8 CSV a researcher may have saved from a spreadsheet.

    Refusals name the line. The delimiter is the one that splits the header into the columns needed, since a
    spreadsheet in some locales saves with semicolons.
    """
    source = str(path)
    data = check_file(path, ReadLimits(), f"give the {what} file as the workbench wrote it")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise InputError(source, "is UTF-16 text ('Unicode Text'), not CSV", "save it as 'CSV UTF-8'")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, "is not UTF-8", "save it as 'CSV UTF-8 (comma delimited)'",
                         line=data.count(b"\n", 0, exc.start) + 1) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: sum(c.strip() in required for c in first.split(d)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, [_unescape(c) for c in cells]))
    except csv.Error as exc:
        raise InputError(source, f"is not valid CSV ({exc})", "check the quoting on this line",
                         line=reader.line_num) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(source, f"has no {', '.join(repr(c) for c in missing)} column"
                         + ("s" if len(missing) > 1 else ""),
                         f"put the column back: a {what} needs {', '.join(required)}", line=1)
    return header, rows


def read_key(path: Path) -> Key:
    """A key written by an earlier run (``placeholder,original,type``), or an empty one if the file is not there yet."""
    if not path.exists():
        return Key(path=path)
    header, rows = _read_csv_file(path, "key", KEY_COLUMNS)
    at = {name: header.index(name) for name in KEY_COLUMNS}
    key = Key(path=path)
    lines: dict[str, int] = {}
    for line, cells in rows:
        placeholder, original, kind = (cells[at[c]].strip() if at[c] < len(cells) else "" for c in KEY_COLUMNS)
        if not placeholder or not original:
            raise InputError(str(path), "has a row without a placeholder or an original",
                             "fill both in, or delete the row", line=line)
        known = key.entries.get(norm(original))
        if known is not None and known[0] != placeholder:
            raise InputError(str(path), f"gives {original!r} the placeholder {placeholder!r}, but line "
                             f"{lines[norm(original)]} gives it {known[0]!r}", "keep one of the two rows", line=line)
        if known is None:
            key.entries[norm(original)] = (placeholder, original, kind)
            lines[norm(original)] = line
    return key


def key_csv(key: Key) -> str:
    """The key as CSV, safe to open in a spreadsheet."""
    return csv_text([KEY_COLUMNS, *key.entries.values()], lineterminator="\r\n")


# --- replacing text ----------------------------------------------------------------------------
def replace_spans(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with each (start, end, new) span replaced; spans must not overlap. Everything else stays in order."""
    out: list[str] = []
    at = 0
    for start, end, new in sorted(edits):
        if start < at or end < start or end > len(text):
            raise ValueError(f"edit {start}:{end} overlaps another or lies outside the text")
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


# --- the files, as units of text -------------------------------------------------------------
@dataclass
class _Unit:
    """A stretch of text the scanner reads: a TXT file, a cue's words, a cell, a Word paragraph, a voice tag."""

    label: str
    text: str
    kind: str = "text"  # "text" is scanned; "voice" is a <v> tag's speaker name, judged on its own
    raw: list[tuple[int, int]] | None = None  # raw-text formats: where in the file each character came from
    cue: int = 0
    extra: Any = None  # what a format needs to write the unit back (a cell, a paragraph's pieces)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Source:
    """One file: its units, how a place in it is named and found again, and how a copy is written."""

    fmt = ""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.name = path.name
        self.data = data
        self.sha = _sha256(data)
        self.units: list[_Unit] = []
        self._labels: dict[str, int] | None = None

    def where(self, unit: int, start: int) -> str:
        return f"{self.units[unit].label}, character {start + 1}"

    def locate(self, where: str) -> tuple[int, int] | None:
        """The (unit, offset) a ``where`` names, or None when it names no place in this file."""
        if self._labels is None:
            self._labels = {u.label: i for i, u in enumerate(self.units) if u.kind == "text"}
        label, sep, number = where.rpartition(", character ")
        if not sep or not number.isdigit() or label not in self._labels:
            return None
        unit = self._labels[label]
        offset = int(number) - 1
        return (unit, offset) if 0 <= offset <= len(self.units[unit].text) else None

    def spans(self, where: str, text: str) -> list[tuple[int, int, int]] | None:
        """Every (unit, start, end) a review row covers, or None when ``where`` names no place here."""
        if where.startswith("speaker label"):
            return _label_spans(self).get(text)
        found = self.locate(where)
        if found is None:
            return None
        unit, start = found
        return [(unit, start, start + len(text))]

    def render(self, edits: dict[int, list[Edit]]) -> bytes:
        raise NotImplementedError

    def copy_texts(self, data: bytes) -> list[tuple[str, str]]:
        """(part, text) of a written copy, for the check that no kept original is left in it."""
        raise NotImplementedError


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _RawText(_Source):
    """A text file read whole: TXT, subtitles and CSV, whose copies change only the characters replaced."""

    def __init__(self, path: Path, data: bytes, encoding: str | None) -> None:
        super().__init__(path, data)
        self.text = decode_text(data, str(path), encoding)
        if encoding:
            self.codec, self.bom = encoding, b""
        elif data.startswith(codecs.BOM_UTF16_LE):
            self.codec, self.bom = "utf-16-le", codecs.BOM_UTF16_LE
        elif data.startswith(codecs.BOM_UTF16_BE):
            self.codec, self.bom = "utf-16-be", codecs.BOM_UTF16_BE
        else:
            self.codec, self.bom = "utf-8", codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def offset_of(self, line: int, column: int) -> int | None:
        if not 1 <= line <= len(self.line_starts) or column < 1:
            return None
        offset = self.line_starts[line - 1] + column - 1
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return offset if offset <= end else None

    def raw_edits(self, edits: dict[int, list[Edit]]) -> list[Edit]:
        out = []
        for index, unit_edits in edits.items():
            unit = self.units[index]
            for start, end, new in unit_edits:
                if unit.raw is None:
                    out.append((start, end, new))
                else:
                    out.append((unit.raw[start][0], unit.raw[end - 1][1], self.escape(new)))
        return out

    def escape(self, text: str) -> str:
        return text

    def render(self, edits: dict[int, list[Edit]]) -> bytes:
        if not any(edits.values()):
            return self.data
        return self.bom + replace_spans(self.text, self.raw_edits(edits)).encode(self.codec)

    def copy_texts(self, data: bytes) -> list[tuple[str, str]]:
        return [("", data.removeprefix(self.bom).decode(self.codec, "replace"))]


class _Txt(_RawText):
    """Plain text: one unit, the whole file, so a name broken over two lines is still found."""

    fmt = "txt"
    _WHERE = re.compile(r"^line (\d+), column (\d+)$")

    def __init__(self, path: Path, data: bytes, encoding: str | None) -> None:
        super().__init__(path, data, encoding)
        self.units = [_Unit("", self.text)]

    def where(self, unit: int, start: int) -> str:
        line, column = self.line_column(start)
        return f"line {line}, column {column}"

    def locate(self, where: str) -> tuple[int, int] | None:
        m = self._WHERE.match(where.strip())
        offset = self.offset_of(int(m[1]), int(m[2])) if m else None
        return None if offset is None else (0, offset)


_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


def _decoded(raw: str, base: int) -> tuple[str, list[tuple[int, int]]]:
    """``raw`` with character references decoded, and where in the file each character came from."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    for m in _ENTITY.finditer(raw):
        value = html.unescape(m[0])
        if value == m[0]:
            continue
        for i in range(at, m.start()):
            text.append(raw[i])
            spans.append((base + i, base + i + 1))
        text.append(value)
        spans.extend([(base + m.start(), base + m.end())] * len(value))
        at = m.end()
    for i in range(at, len(raw)):
        text.append(raw[i])
        spans.append((base + i, base + i + 1))
    return "".join(text), spans


class _Subtitles(_RawText):
    """WebVTT or SRT: the words of each cue (tags left out, entities decoded) and each voice tag's name.

    Timing lines, cue numbers and identifiers, the header and NOTE/STYLE/REGION blocks are not read, as the
    importer does not read them; the copy keeps them byte for byte. Voice names are identifiers (Teams
    writes display names, often full names) unless they are a role label (Interviewer, P03, Speaker 1) or
    already a placeholder, so each distinct one is a finding of type ``person``.
    """

    def __init__(self, path: Path, data: bytes, encoding: str | None, fmt: str) -> None:
        super().__init__(path, data, encoding)
        from .cues import _HEADER, _NUMBER, _SKIPPED_BLOCK, _TIMING, read_cues

        read_cues(self.text, str(path), fmt)  # refuses what the importer refuses, naming the line
        self.fmt = fmt
        lines = []  # (start offset, text) of each line
        at = 0
        for m in [*_LINE_BREAK.finditer(self.text), None]:
            end = m.start() if m else len(self.text)
            lines.append((at, self.text[at:end]))
            at = m.end() if m else at
        first = next((i for i, (_, line) in enumerate(lines) if line.strip()), len(lines))
        dialect = fmt
        if first < len(lines) and _HEADER.match(lines[first][1].lstrip("\ufeff").rstrip()):
            dialect = "vtt"
            first += 1
            while first < len(lines) and lines[first][1].strip() and "-->" not in lines[first][1]:
                first += 1
        elif fmt == "vtt":
            dialect = "srt"  # read_cues accepted it, so it is an SRT file saved as .vtt
        blocks: list[list[int]] = []
        for i in range(first, len(lines)):
            if lines[i][1].strip():
                if not blocks or not lines[i - 1][1].strip() or i == first:
                    blocks.append([])
                blocks[-1].append(i)
        payload: list[tuple[int, int]] = []  # (line index, cue number)
        cue = 0
        for block in blocks:
            arrows = [k for k, i in enumerate(block) if "-->" in lines[i][1] and _TIMING.match(lines[i][1])]
            if not arrows:
                if not (dialect == "vtt" and _SKIPPED_BLOCK.match(lines[block[0]][1].rstrip())):
                    payload.extend((i, cue) for i in block)  # words after a blank line inside the cue above
                continue
            head = block[:arrows[0]]
            if head and (dialect == "vtt" or _NUMBER.fullmatch(lines[head[-1]][1])):
                head = head[:-1]
            payload.extend((i, cue) for i in head)
            for position, k in enumerate(arrows):
                cue += 1
                end = arrows[position + 1] if position + 1 < len(arrows) else len(block)
                body = block[k + 1:end]
                if position + 1 < len(arrows) and body and _NUMBER.fullmatch(lines[body[-1]][1]):
                    body = body[:-1]
                payload.extend((i, cue) for i in body)
        # Consecutive payload lines of one cue are one unit, so a name broken over two lines is found.
        runs: list[tuple[int, int, int]] = []
        for i, number in payload:
            if runs and runs[-1][2] == number and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i, number)
            else:
                runs.append((i, i, number))
        for low, high, number in runs:
            start = lines[low][0]
            raw = self.text[start:lines[high][0] + len(lines[high][1])]
            self._add(raw, start, number)

    def _add(self, raw: str, base: int, cue: int) -> None:
        from .cues import _TAGS, _VOICE

        text: list[str] = []
        spans: list[tuple[int, int]] = []
        at = 0
        for tag in _TAGS.finditer(raw):
            piece, where = _decoded(raw[at:tag.start()], base + at)
            text.append(piece)
            spans.extend(where)
            at = tag.end()
        piece, where = _decoded(raw[at:], base + at)
        text.append(piece)
        spans.extend(where)
        for voice in _VOICE.finditer(raw):  # before the words: a voice tag names its speaker first
            if voice["name"] is None:
                continue
            name = voice["name"]
            lead = len(name) - len(name.lstrip())
            stripped = name.strip()
            if stripped:
                value, where = _decoded(stripped, base + voice.start("name") + lead)
                self.units.append(_Unit(f"voice tag, cue {cue}", value, kind="voice", raw=where, cue=cue))
        joined = "".join(text)
        if joined.strip():
            self.units.append(_Unit(f"cue {cue}", joined, raw=spans, cue=cue))

    def escape(self, text: str) -> str:
        return html.escape(text, quote=False)

    def where(self, unit: int, start: int) -> str:
        found = self.units[unit]
        line, column = self.line_column(found.raw[start][0] if found.raw else start)
        return f"cue {found.cue}, line {line}, column {column}"

    def locate(self, where: str) -> tuple[int, int] | None:
        m = re.match(r"^cue (\d+), line (\d+), column (\d+)$", where.strip())
        offset = self.offset_of(int(m[2]), int(m[3])) if m else None
        if offset is None:
            return None
        for index, unit in enumerate(self.units):
            if unit.kind == "text" and unit.cue == int(m[1]) and unit.raw:
                for i, (raw_start, _) in enumerate(unit.raw):
                    if raw_start == offset and (i == 0 or unit.raw[i - 1][0] != offset):
                        return index, i
                if unit.raw[-1][1] == offset:
                    return index, len(unit.text)
        return None

    def spans(self, where: str, text: str) -> list[tuple[int, int, int]] | None:
        if where.startswith("voice tag"):
            found = [(i, 0, len(text)) for i, u in enumerate(self.units)
                     if u.kind == "voice" and _voice_speaker(u.text) == text]
            return found or None
        return super().spans(where, text)

    def copy_texts(self, data: bytes) -> list[tuple[str, str]]:
        return [("", html.unescape(text)) for _, text in super().copy_texts(data)]


def _voice_speaker(name: str) -> str:
    """The speaker part of a voice tag's name: "Jordan Smith" of "Jordan Smith (Social worker)"."""
    from .speaker_labels import read_label

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
    from .segments import is_interviewer_label
    from .speaker_labels import is_strong_label, read_label

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
    from .speaker_labels import read_label

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
    from .speaker_labels import read_label

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


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _csv_cells(text: str, delimiter: str) -> list[list[tuple[str, int, int, bool]]]:
    """Every cell as (value, raw start, raw end, quoted), row by row, as Python's csv module reads them."""
    rows: list[list[tuple[str, int, int, bool]]] = []
    row: list[tuple[str, int, int, bool]] = []
    stops = re.compile(f"[{re.escape(delimiter)}\r\n]")
    i, n = 0, len(text)
    while i < n:
        start = i
        if text[i] == '"':
            parts, j = [], i + 1
            while True:
                k = text.find('"', j)
                if k < 0:
                    raise ValueError("a quoted cell is never closed")
                parts.append(text[j:k])
                if text.startswith('""', k):
                    parts.append('"')
                    j = k + 2
                    continue
                j = k + 1
                break
            stop = stops.search(text, j)
            end = stop.start() if stop else n
            value, quoted = "".join(parts) + text[j:end], True
        else:
            stop = stops.search(text, i)
            end = stop.start() if stop else n
            value, quoted = text[i:end], False
        row.append((value, start, end, quoted))
        if end < n and text[end] == delimiter:
            i = end + 1
            if i == n:
                row.append(("", n, n, False))
            continue
        rows.append(row)
        row = []
        i = end + (2 if text.startswith("\r\n", end) else 1)
    if row:
        rows.append(row)
    return rows


class _Csv(_RawText):
    """CSV or TSV: every non-empty cell, header included, each rewritten alone so the rest stays byte for byte."""

    def __init__(self, path: Path, data: bytes, encoding: str | None) -> None:
        super().__init__(path, data, encoding)
        self.fmt = path.suffix.lower().lstrip(".")
        self.delimiter = "\t" if self.fmt == "tsv" else ","
        if self.fmt != "tsv":
            try:
                self.delimiter = csv.Sniffer().sniff(self.text[:65536].split("\n", 1)[0], delimiters=",;\t|").delimiter
            except csv.Error:
                self.delimiter = ","
        try:
            rows = _csv_cells(self.text, self.delimiter)
            expected = list(csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter))
        except (ValueError, csv.Error) as exc:
            raise InputError(str(path), f"is not valid CSV ({exc})", "check the quoting, or save it again") from None
        if [[c[0] for c in r] for r in rows if r != [("", r[0][1], r[0][2], False)]] != [r for r in expected if r]:
            raise InputError(str(path), "cannot be read cell by cell exactly as written (unusual quoting)",
                             "open it in a spreadsheet and save it again as CSV")
        header = [c[0].strip() for c in rows[0]] if rows else []
        for r, cells in enumerate(rows, start=1):
            for c, (value, start, end, quoted) in enumerate(cells):
                if value.strip():
                    name = f" ({header[c]})" if r > 1 and c < len(header) and header[c] else ""
                    self.units.append(_Unit(f"row {r}, column {_column_letters(c)}{name}", value,
                                            extra=(start, end, quoted)))

    def raw_edits(self, edits: dict[int, list[Edit]]) -> list[Edit]:
        out = []
        for index, unit_edits in edits.items():
            if not unit_edits:
                continue
            unit = self.units[index]
            start, end, quoted = unit.extra
            value = replace_spans(unit.text, unit_edits)
            if quoted or any(c in value for c in (self.delimiter, '"', "\r", "\n")):
                value = '"' + value.replace('"', '""') + '"'
            out.append((start, end, value))
        return out


_W = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main")
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(*names: str) -> frozenset[str]:
    return frozenset(f"{{{ns}}}{name}" for ns in _W for name in names)


_P, _T, _TBL, _TR, _TC = _w("p"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
_FIXED = {**dict.fromkeys(_w("tab", "ptab"), "\t"), **dict.fromkeys(_w("br", "cr"), "\n"),
          **dict.fromkeys(_w("noBreakHyphen"), "-")}
# Never text a reader sees, or another paragraph's (a text box's paragraphs are units of their own).
_NOT_INTO = _w("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "txbxContent", "sdtPr") | _P | {
    f"{{{_MC}}}Fallback"}
_DELETED = _w("del", "moveFrom", "delText", "delInstrText")
_PARTS = re.compile(r"^word/(document|header(\d*)|footer(\d*)|footnotes|endnotes|comments)\.xml$")


@dataclass
class _Piece:
    start: int
    end: int
    element: Any
    editable: bool  # a w:t; else a tab, break or hyphen element, removed when a replaced span covers it


def _nearest(element: Any, tags: frozenset[str]) -> Any:
    return next((a for a in element.iterancestors() if a.tag in tags), None)


class _Docx(_Source):
    """A Word document: each paragraph of the body, its tables, text boxes, headers, footers, notes and comments.

    A paragraph's text is its w:t elements in order (runs, hyperlinks, content controls, fields' results),
    tabs and breaks as characters. A replacement goes in the first w:t of the span, in that run's formatting;
    the rest of the span is taken out of the runs after it, so every other run keeps its text and style.
    Tracked deletions are refused: the deleted words are still in the file and would travel with the copy.
    """

    fmt = "docx"

    def __init__(self, path: Path, data: bytes, limits: ReadLimits) -> None:
        super().__init__(path, data)
        from lxml import etree

        archive = open_zip(path, data, limits, "a Word document (.docx)", "word/document.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        self.archive = archive
        self.roots: dict[str, Any] = {}
        names = sorted((n for n in archive.namelist() if _PARTS.match(n)), key=lambda n: (n != "word/document.xml", n))
        for part in names:
            try:
                root = etree.fromstring(archive.read(part), parser)
            except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError, RuntimeError) as exc:
                raise InputError(str(path), f"is a damaged Word document ({part} cannot be read)",
                                 "open it in Word and save it again as .docx") from exc
            if any(isinstance(el.tag, str) and el.tag in _DELETED for el in root.iter()):
                raise InputError(str(path), "has tracked deletions: the deleted words are still inside the file "
                                 "and would travel with the copy",
                                 "in Word accept or reject every change (Review > Accept), save, and scan again")
            self.roots[part] = root
            self._paragraphs(part, root)

    def _paragraphs(self, part: str, root: Any) -> None:
        m = _PARTS.match(part)
        assert m is not None
        kind = m[1]
        prefix = "" if kind == "document" else (re.sub(r"(\D+)(\d+)", r"\1 \2", kind) + ": ")
        tables = [e for e in root.iter() if e.tag in _TBL]  # kept alive, so each proxy stays the same object
        number = 0
        for p in root.iter():
            if not isinstance(p.tag, str) or p.tag not in _P:
                continue
            number += 1
            text, pieces = self._pieces(p)
            if not text.strip():
                continue
            label = f"{prefix}paragraph {number}" + self._table_place(p, tables)
            if any(a.tag == f"{{{_MC}}}Fallback" for a in p.iterancestors()):
                label += " (text box, older copy)"
            self.units.append(_Unit(label, text, extra=(part, pieces)))

    @staticmethod
    def _table_place(p: Any, tables: list[Any]) -> str:
        cell = next((a for a in p.iterancestors() if a.tag in _TC), None)
        if cell is None:
            return ""
        row = next((a for a in cell.iterancestors() if a.tag in _TR), None)
        table = next((a for a in cell.iterancestors() if a.tag in _TBL), None)
        if row is None or table is None:
            return ""
        rows = [r for r in table.iter() if r.tag in _TR and _nearest(r, _TBL) is table]
        cells = [c for c in row.iter() if c.tag in _TC and _nearest(c, _TR) is row]
        number = next(i for i, t in enumerate(tables, start=1) if t is table)
        return (f" (table {number}, row {rows.index(row) + 1}, cell {cells.index(cell) + 1})"
                if row in rows and cell in cells else "")

    @staticmethod
    def _pieces(p: Any) -> tuple[str, list[_Piece]]:
        text: list[str] = []
        pieces: list[_Piece] = []
        at = 0

        def walk(element: Any) -> None:
            nonlocal at
            for child in element:
                tag = child.tag
                if not isinstance(tag, str) or tag in _NOT_INTO:
                    continue
                if tag in _T:
                    value = child.text or ""
                    pieces.append(_Piece(at, at + len(value), child, True))
                    text.append(value)
                    at += len(value)
                elif tag in _FIXED:
                    pieces.append(_Piece(at, at + 1, child, False))
                    text.append(_FIXED[tag])
                    at += 1
                else:
                    walk(child)

        walk(p)
        return "".join(text), pieces

    def render(self, edits: dict[int, list[Edit]]) -> bytes:
        if not any(edits.values()):
            return self.data
        from lxml import etree

        fresh = _Docx(self.path, self.data, ReadLimits())  # its own elements, so rendering never changes self
        changed: set[str] = set()
        for index, unit_edits in edits.items():
            part, pieces = fresh.units[index].extra
            changed.add(part)
            for start, end, new in sorted(unit_edits, reverse=True):
                covered = [pc for pc in pieces if pc.start < end and pc.end > start]
                first = next((pc for pc in covered if pc.editable), None)
                if first is None:
                    raise WorkbenchError(f"{self.path}: {fresh.units[index].label} has no text to replace at "
                                         f"character {start + 1}")
                for pc in covered:
                    if pc.editable:
                        value = pc.element.text or ""
                        a, b = max(start, pc.start) - pc.start, min(end, pc.end) - pc.start
                        pc.element.text = value[:a] + (new if pc is first else "") + value[b:]
                        pc.element.set(_XML_SPACE, "preserve")
                    else:
                        pc.element.getparent().remove(pc.element)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as copy:
            for info in fresh.archive.infolist():
                data = (etree.tostring(fresh.roots[info.filename], xml_declaration=True, encoding="UTF-8",
                                       standalone=True) if info.filename in changed
                        else fresh.archive.read(info))
                copy.writestr(info, data)
        return out.getvalue()

    def copy_texts(self, data: bytes) -> list[tuple[str, str]]:
        texts = _zip_texts(data)
        copy = _Docx(self.path, data, ReadLimits())
        texts.extend((u.label, u.text) for u in copy.units)
        return texts


def _zip_texts(data: bytes) -> list[tuple[str, str]]:
    """Every XML part of an Office file as text: links, properties and hidden text included."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(n, html.unescape(archive.read(n).decode("utf-8", "replace"))) for n in archive.namelist()
                if n.endswith((".xml", ".rels", ".vml"))]


class _Xlsx(_Source):
    """An Excel workbook: every text cell of every sheet (formulas are left as they are); written by openpyxl."""

    fmt = "xlsx"

    def __init__(self, path: Path, data: bytes, limits: ReadLimits) -> None:
        super().__init__(path, data)
        open_zip(path, data, limits, "an Excel workbook (.xlsx)", "xl/workbook.xml")
        book = self._load()
        for sheet in book.worksheets:
            title = sheet.title.replace("'", "''")
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.data_type != "f" and cell.value.strip():
                        self.units.append(_Unit(f"sheet '{title}', cell {cell.coordinate}", cell.value,
                                                extra=(sheet.title, cell.coordinate)))

    def _load(self) -> Any:
        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns of features it keeps but does not read
                return openpyxl.load_workbook(io.BytesIO(self.data), keep_vba=self.path.suffix.lower() == ".xlsm")
        except Exception as exc:  # openpyxl raises many kinds on damaged workbooks
            raise InputError(str(self.path), f"is a damaged Excel workbook ({type(exc).__name__})",
                             "open it in Excel and save it again as .xlsx") from exc

    def render(self, edits: dict[int, list[Edit]]) -> bytes:
        if not any(edits.values()):
            return self.data
        book = self._load()
        for index, unit_edits in edits.items():
            if unit_edits:
                unit = self.units[index]
                title, coordinate = unit.extra
                cell = book[title][coordinate]
                cell.value = replace_spans(unit.text, unit_edits)
                cell.data_type = "s"  # text stays text, even one that now begins with "="
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def copy_texts(self, data: bytes) -> list[tuple[str, str]]:
        return _zip_texts(data)


def _open(path: Path, limits: ReadLimits, encoding: str | None) -> _Source:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        advice = ("a PDF or OpenDocument file cannot be rewritten in place: export it as .docx"
                  if suffix in (".pdf", ".odt") else "save it as one of those")
        raise InputError(str(path), f"is not a format pseudonymise copies ({' '.join(SUFFIXES)})", advice)
    data = check_file(path, limits)
    if suffix in (".txt", ".text"):
        return _Txt(path, data, encoding)
    if suffix in (".vtt", ".srt"):
        return _Subtitles(path, data, encoding, suffix[1:])
    if suffix in (".csv", ".tsv"):
        return _Csv(path, data, encoding)
    if suffix == ".docx":
        return _Docx(path, data, limits)
    return _Xlsx(path, data, limits)


def _open_all(paths: Sequence[Path], limits: ReadLimits, encoding: str | None) -> list[_Source]:
    seen: dict[str, Path] = {}
    for path in paths:
        if path.name in seen:
            raise InputError(str(path), f"has the same name as {seen[path.name]}, and the copies would overwrite "
                             "each other", "rename one of them, or run them in separate batches")
        seen[path.name] = path
    return [_open(path, limits, encoding) for path in paths]


# --- step one: the findings -------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One row of the findings file: a likely identifier, where it is, and what to do with it."""

    id: str
    file: str
    where: str
    type: str
    text: str
    score: float
    why: str
    context: str
    placeholder: str
    action: str
    file_sha256: str

    def row(self) -> list[object]:
        return [safe_cell(v) for v in (self.id, self.file, self.where, self.type, self.text, f"{self.score:.2f}",
                                       self.why, self.context, self.placeholder, self.action, self.file_sha256)]


def _check_code(sha: str, where: str, kind: str, text: str) -> str:
    return hashlib.sha256("\x00".join((sha, where, kind, text)).encode()).hexdigest()[:6]


def _context(text: str, start: int, end: int) -> str:
    from .privacy import context

    return " ".join(context(text, start, end, _CONTEXT).split())  # one line in the findings file


def _scanner(names: Any, places: Any) -> Callable[[str], list[Any]]:
    """``privacy.scan_text`` with the lists given; ``places`` only where the scanner takes one."""
    from . import privacy

    if "places" in inspect.signature(privacy.scan_text).parameters:
        return lambda text: privacy.scan_text(text, names, places=places)
    if places is not None:
        raise WorkbenchError("this version of the scanner takes no list of places: leave out --places")
    return lambda text: privacy.scan_text(text, names)


@dataclass
class _Occurrence:
    source: _Source
    spans: list[tuple[int, int, int]]
    type: str
    text: str
    score: float
    why: str


def scan_files(paths: Sequence[Path], *, names: Any = None, places: Any = None, key: Key | None = None,
               min_score: float = 0.5, limits: ReadLimits | None = None,
               encoding: str | None = None) -> list[Finding]:
    """Step one: every likely identifier in the files, with a proposed placeholder and action. Writes nothing.

    ``names`` and ``places`` are the scanner's lists (``privacy.read_names``, ``privacy.read_places``);
    ``key`` supplies placeholders given in earlier batches.
    """
    sources = _open_all(paths, limits or ReadLimits(), encoding)
    scan = _scanner(names, places)
    found: list[_Occurrence] = []
    for source in sources:
        mine: list[tuple[tuple[int, int], _Occurrence]] = []
        voices: dict[str, _Occurrence] = {}
        labels = _label_spans(source)
        covered: dict[int, list[tuple[int, int]]] = {}
        for speaker, spans in labels.items():
            score, why = _speaker_score(speaker, "speaker label at the start of a line")
            mine.append(((spans[0][0], spans[0][1]), _Occurrence(source, spans, "person", speaker, score, why)))
            for unit, start, end in spans:
                covered.setdefault(unit, []).append((start, end))
        for index, unit in enumerate(source.units):
            if unit.kind == "voice":
                speaker = _voice_speaker(unit.text)
                if not _names_someone(speaker):
                    continue
                if speaker in voices:
                    voices[speaker].spans.append((index, 0, len(speaker)))
                else:
                    score, why = _speaker_score(speaker, "speaker's name in a voice tag (<v ...>)")
                    voices[speaker] = _Occurrence(source, [(index, 0, len(speaker))], "person", speaker, score, why)
                    mine.append(((index, 0), voices[speaker]))
                continue
            for hit in scan(unit.text):
                # A name inside a speaker label is the label's finding: replacing part of it would leave
                # "Ringo [Person 6]:", which no longer reads as a label, so turns would merge on re-import.
                if any(a < hit.end and hit.start < b for a, b in covered.get(index, ())):
                    continue
                mine.append(((index, hit.start), _Occurrence(source, [(index, hit.start, hit.end)], hit.type,
                                                             unit.text[hit.start:hit.end], hit.score, hit.why)))
        found.extend(occurrence for _, occurrence in sorted(mine, key=lambda item: item[0]))
    placeholders = _propose(found, key or Key())
    findings = []
    for number, (occurrence, placeholder) in enumerate(zip(found, placeholders, strict=True), start=1):
        source = occurrence.source
        unit, start, end = occurrence.spans[0]
        if source.units[unit].kind == "voice":
            cues = [source.units[u].cue for u, _, _ in occurrence.spans]
            where = (f"voice tag, cue {cues[0]}" if len(cues) == 1
                     else f"voice tags, cue {cues[0]} and {len(cues) - 1} more")
            context = f"<v {source.units[unit].text}>"
        elif occurrence.why.startswith("speaker label"):
            count = len(occurrence.spans)
            where = f"speaker label{'s' if count > 1 else ''}, first at {source.where(unit, start)}" + (
                f", {count} in all" if count > 1 else "")
            context = _context(source.units[unit].text, start, end)
        else:
            where = source.where(unit, start)
            context = _context(source.units[unit].text, start, end)
        code = _check_code(source.sha, where, occurrence.type, occurrence.text)
        findings.append(Finding(f"F{number:04d}-{code}", str(source.path), where, occurrence.type, occurrence.text,
                                occurrence.score, occurrence.why, context, placeholder,
                                "keep" if occurrence.score >= min_score else "ignore", source.sha))
    return findings


def _propose(found: list[_Occurrence], key: Key) -> list[str]:
    """A placeholder for each finding: the key's for an original it knows, else the next of its kind, in order."""
    child: set[str] = set()
    for occurrence in found:
        unit, start, _ = occurrence.spans[0]
        before = occurrence.source.units[unit].text[max(0, start - 40):start]
        if occurrence.type in _PERSON_TYPES and _CHILD_BEFORE.search(before):
            child.add(norm(occurrence.text))
    given = {k: v[0] for k, v in key.entries.items()}
    counters = key.highest()
    taken = {v[0] for v in key.entries.values()}
    out = []
    for occurrence in found:
        base, possessive = _split_possessive(occurrence.text)
        original = norm(occurrence.text)
        if original not in given:
            label = _label(occurrence.type, base, original in child)
            while True:
                counters[label] += 1
                placeholder = f"[{label} {counters[label]}]"
                if placeholder not in taken:
                    break
            given[original] = placeholder
            taken.add(placeholder)
        out.append(given[original] + possessive)
    return out


def findings_csv(findings: Iterable[Finding]) -> str:
    """The findings file: one row a finding, every text cell safe to open in a spreadsheet."""
    return csv_text([COLUMNS, *(finding.row() for finding in findings)], lineterminator="\r\n")


# --- step two: the copies ---------------------------------------------------------------------
@dataclass
class _Decision:
    line: int
    source: _Source
    spans: list[tuple[int, int, int]]
    type: str
    text: str
    placeholder: str
    keep: bool
    label: bool = False  # a speaker label's finding: its placeholder must still read as a label


@dataclass
class Outcome:
    """What step two wrote: the copies (with how many replacements each), the key, and warnings to show."""

    written: list[Path] = field(default_factory=list)
    replaced: dict[str, int] = field(default_factory=dict)
    key: Path | None = None
    key_added: int = 0
    warnings: list[str] = field(default_factory=list)


def _read_review(path: Path, sources: list[_Source], key: Key) -> list[_Decision]:
    """The researcher's decisions, each checked against the files as they are now; any doubt refuses the file."""
    source_name = str(path)
    header, rows = _read_csv_file(path, "review file", _REQUIRED)
    at = {name: header.index(name) for name in _REQUIRED}
    by_name = {s.name: s for s in sources}
    seen: dict[str, int] = {}
    decisions: list[_Decision] = []

    def refuse(problem: str, fix: str, line: int) -> InputError:
        return InputError(source_name, problem, fix, line=line)

    for line, cells in rows:
        value = {name: cells[i] if i < len(cells) else "" for name, i in at.items()}
        finding_id, file, where, kind = (value[c].strip() for c in ("id", "file", "where", "type"))
        text, placeholder = value["text"], value["placeholder"].strip()
        action = value["action"].strip().lower()
        if finding_id in seen:
            raise refuse(f"repeats finding {finding_id!r} (first on line {seen[finding_id]})",
                         "delete one of the two rows", line)
        seen[finding_id] = line
        if action not in _ACTIONS:
            raise refuse(f"finding {finding_id} has the action {value['action']!r}",
                         "write keep (replace it) or ignore (leave it)", line)
        source = by_name.get(Path(file).name)
        if source is None:
            raise refuse(f"finding {finding_id} is in {file!r}, which is not among the files given",
                         "give that file too, or delete its rows", line)
        if value["file_sha256"].strip() != source.sha:
            raise refuse(f"{source.path} has changed since it was scanned (finding {finding_id})",
                         "scan it again and review the new findings file", line)
        spans = source.spans(where, text)
        if spans is None:
            raise refuse(f"finding {finding_id} is at {where!r}, which is no place in {source.name}",
                         "put back the 'where' the scan wrote", line)
        for unit, start, end in spans:
            there = source.units[unit].text[start:end]
            if there != text:
                raise refuse(f"finding {finding_id}'s text {text!r} is not what {source.name} holds at {where} "
                             f"({there!r})", "put the scan's text back (a spreadsheet may have turned it into a "
                             "number or a date: open the file with its columns as text); to replace more or less, "
                             "edit the transcript and scan again", line)
        if finding_id != f"{finding_id.partition('-')[0]}-{_check_code(source.sha, where, kind, text)}" or not \
                re.fullmatch(r"F\d{4,}-[0-9a-f]{6}", finding_id):
            raise refuse(f"{finding_id!r} is not a finding this scan wrote (or its file, where or type was edited)",
                         "copy the row back from the findings file the scan wrote, or scan again", line)
        keep = action == "keep"
        if keep:
            if not placeholder:
                raise refuse(f"finding {finding_id} is kept but has no placeholder",
                             "write the placeholder to put in its place, or set the action to ignore", line)
            if any(c in placeholder for c in "\r\n\t") or len(placeholder) > _MAX_PLACEHOLDER:
                raise refuse(f"finding {finding_id}'s placeholder is not one short line",
                             f"write at most {_MAX_PLACEHOLDER} characters on one line", line)
            if placeholder.startswith(FORMULA_STARTS):
                raise refuse(f"finding {finding_id}'s placeholder begins with {placeholder[0]!r}, which a "
                             "spreadsheet runs as a formula", "begin it with a letter or a bracket, e.g. [Person 1]",
                             line)
        decisions.append(_Decision(line, source, spans, kind, text, placeholder, keep,
                                   where.startswith("speaker label")))
    _check_consistent(decisions, key, source_name)
    _check_overlaps(decisions, source_name)
    return decisions


def _base_placeholder(text: str, placeholder: str) -> str:
    """The placeholder without the possessive its original carries: "[Child 1]" of "[Child 1]'s" for "Jordan's"."""
    _, possessive = _split_possessive(text)
    if possessive and placeholder.translate(_APOSTROPHES).endswith(possessive.translate(_APOSTROPHES)):
        return placeholder[:-len(possessive)]
    return placeholder


def _check_consistent(decisions: list[_Decision], key: Key, source: str) -> None:
    """One original, one placeholder: within the review, and with the key when one is given."""
    first: dict[str, tuple[str, int]] = {}
    for d in decisions:
        if not d.keep:
            continue
        original, placeholder = norm(d.text), _base_placeholder(d.text, d.placeholder)
        if original in first and first[original][0] != placeholder:
            raise InputError(source, f"gives {d.text!r} the placeholder {placeholder!r}, but line "
                             f"{first[original][1]} gives it {first[original][0]!r}",
                             "give every occurrence the same placeholder", line=d.line)
        first.setdefault(original, (placeholder, d.line))
        known = key.entries.get(original)
        if known is not None and known[0] != placeholder:
            raise InputError(source, f"gives {d.text!r} the placeholder {placeholder!r}, but the key "
                             f"{key.path} gives it {known[0]!r}",
                             f"use {known[0]!r}, or scan again with --key so placeholders follow the key", line=d.line)
        owner = key.owner(placeholder)
        if known is None and owner is not None:
            raise InputError(source, f"gives {d.text!r} the placeholder {placeholder!r}, which stands for "
                             f"{owner!r} in the key {key.path}",
                             "use another placeholder (scan again with --key to have one proposed); if they are "
                             "the same, add the original to the key with that placeholder", line=d.line)


def _check_overlaps(decisions: list[_Decision], source: str) -> None:
    spans: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for d in decisions:
        if d.keep:
            for unit, start, end in d.spans:
                spans.setdefault((id(d.source), unit), []).append((start, end, d.line))
    for found in spans.values():
        found.sort()
        for (_, end, line), (start, _, later) in itertools.pairwise(found):
            if start < end:
                raise InputError(source, f"keeps two findings that overlap (this one and line {line})",
                                 "set one of them to ignore", line=max(line, later))


def _leftovers(source: _Source, data: bytes, originals: dict[str, str]) -> list[str]:
    """Kept originals still found anywhere in a copy: ignored occurrences, or links, properties and hidden text."""
    if not originals:
        return []
    texts = source.copy_texts(data)
    out = []
    for original in originals.values():
        words = original.split()
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.I)
        parts = [part or "the text" for part, text in texts if pattern.search(text)]
        if parts:
            places = ", ".join(dict.fromkeys(parts))
            out.append(f"{source.name}: {original!r}, kept elsewhere, is still in the copy ({places}): an occurrence "
                       "set to ignore, one the scan did not flag, or a link, property or hidden text; check the copy")
    return out


def write_copies(paths: Sequence[Path], review: Path, out: Path, *, key_path: Path | None = None,
                 force: bool = False, limits: ReadLimits | None = None, encoding: str | None = None) -> Outcome:
    """Step two: a de-identified copy of each file in ``out``, every kept finding replaced; all or nothing."""
    check_paths(paths, out, review=review, key=key_path)
    sources = _open_all(paths, limits or ReadLimits(), encoding)
    out_resolved = out.resolve()
    for source in sources:
        target = out / source.name
        if target.resolve() == source.path.resolve():
            raise InputError(str(source.path), "would be overwritten by its own copy",
                             "write the copies to another folder with --out")
        if target.exists() and not force:
            raise InputError(str(target), "already exists", "choose an empty folder, or replace it with --force")
    key = read_key(key_path) if key_path is not None else Key()
    decisions = _read_review(review, sources, key)
    edits: dict[int, dict[int, list[Edit]]] = {id(s): {} for s in sources}
    originals: dict[int, dict[str, str]] = {id(s): {} for s in sources}
    outcome = Outcome(key=key_path)
    added: list[tuple[str, str, str]] = []
    for d in decisions:
        if not d.keep:
            continue
        for unit, start, end in d.spans:
            text = d.source.units[unit].text
            placeholder = d.placeholder
            if re.fullmatch(r"\[[^\[\]]+\]", placeholder) and (
                    (text[start - 1:start] == "[" and text[end:end + 1] == "]") or (d.label and _breaks_label(
                        text, start, end, placeholder))):
                # "[Jane Smith]" becomes "[Person 1]", not "[[Person 1]]"; and "Jane Smith (SW):" becomes
                # "Person 1 (SW):", since "[Person 1] (SW):" no longer reads as a label and turns would merge.
                placeholder = placeholder[1:-1]
            edits[id(d.source)].setdefault(unit, []).append((start, end, placeholder))
        base, _ = _split_possessive(" ".join(d.text.split()))
        originals[id(d.source)].setdefault(norm(d.text), base)
        if norm(d.text) not in key.entries:
            key.entries[norm(d.text)] = (_base_placeholder(d.text, d.placeholder), base, d.type)
            added.append(key.entries[norm(d.text)])
    copies: list[tuple[_Source, bytes]] = []
    for source in sources:
        data = source.render(edits[id(source)])
        copies.append((source, data))
        outcome.replaced[source.name] = sum(len(e) for e in edits[id(source)].values())
        outcome.warnings.extend(_leftovers(source, data, originals[id(source)]))
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pseudonymise-", dir=out_resolved))
    key_partial = key_path.with_name(key_path.name + ".partial") if key_path is not None and added else None
    try:
        for source, data in copies:
            (staging / source.name).write_bytes(data)
        if key_partial is not None:
            key_partial.write_text(key_csv(key), encoding="utf-8-sig", newline="")
        for source, _ in copies:  # everything is written: now move it into place, one rename each
            os.replace(staging / source.name, out / source.name)
            outcome.written.append(out / source.name)
        if key_partial is not None and key_path is not None:
            os.replace(key_partial, key_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if key_partial is not None and key_partial.exists():
            key_partial.unlink()
    outcome.key_added = len(added)
    return outcome


# --- paths ---------------------------------------------------------------------------------------
def default_findings_path(out: Path) -> Path:
    """Beside the folder of copies, never in it: ``copies`` -> ``copies-findings.csv``."""
    return out.parent / f"{out.name}-findings.csv"


def _study_folder(path: Path) -> Path | None:
    from .export import study_folder_of

    return study_folder_of(path)


def check_paths(paths: Sequence[Path], out: Path, *, findings: Path | None = None, review: Path | None = None,
                key: Path | None = None) -> None:
    """Refuse a findings file or key where it would leak: in the folder of copies, in a study, over an input."""
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "is a file, not a folder", "name a folder for the copies with --out")
    out_resolved = out.resolve()
    study = _study_folder(out_resolved / "copy")
    if study is not None:
        raise InputError(str(out), f"the folder of copies would be inside the study folder {study}, which holds only "
                         "the workbench's own files", "write the copies to a folder outside the study, then import "
                         "them with 'workbench ingest'")
    inputs = {p.resolve() for p in paths}
    for path in paths:
        if path.resolve().parent == out_resolved:
            raise InputError(str(path), "would be overwritten by its own copy",
                             "write the copies to another folder with --out")
    for what, path in (("findings file", findings), ("review file", review), ("key", key)):
        if path is None:
            continue
        resolved = path.resolve()
        if resolved.is_relative_to(out_resolved):
            raise InputError(str(path), f"the {what} would be inside the folder of copies, {out}, and it holds the "
                             "real identifiers", f"keep the {what} outside {out}, with the original transcripts")
        study = _study_folder(resolved)
        if study is not None:
            raise InputError(str(path), f"the {what} would be inside the study folder {study}, and it holds the "
                             "real identifiers", f"keep the {what} outside the study, with the original transcripts")
        if resolved in inputs:
            raise InputError(str(path), f"is one of the files to copy, not a {what}", f"name another {what}")
        if what != "review file" and not resolved.parent.is_dir():
            raise InputError(str(path), f"the {what}'s folder {path.parent} does not exist", "create it first")


# --- the same two steps on uploaded files (the Study page) ----------------------------------------
Upload = tuple[str, bytes]  # (file name as uploaded, its bytes)
TABLE = "the table of findings"  # what a refusal of the researcher's choices names, instead of a review file


@dataclass
class Copies:
    """Step two on uploads: the copies as one zip, the key as CSV (None where nothing was kept or given)."""

    zip: bytes
    names: list[str]
    key: bytes | None
    outcome: Outcome


def _upload_paths(folder: Path, uploads: Sequence[Upload]) -> list[Path]:
    """Each upload written into ``folder`` under its own name; two of one name are refused, as their copies would be."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, data in uploads:
        path = folder / Path(name.replace("\\", "/")).name
        if path in paths:
            raise InputError(path.name, "was given twice, and the copies would overwrite each other",
                             "rename one of them, or make their copies in separate batches")
        path.write_bytes(data)
        paths.append(path)
    return paths


def _untemp(exc: WorkbenchError, folders: Sequence[Path], rows: dict[int, int] | None = None,
            review: Path | None = None) -> WorkbenchError:
    """The refusal in a researcher's terms: upload names, not temporary paths; the table's row, not a CSV line."""
    def clean(text: str) -> str:
        for folder in folders:
            text = text.replace(f"{folder}{os.sep}", "").replace(str(folder), "")
        return text

    if not isinstance(exc, InputError):
        return type(exc)(clean(str(exc)))
    if review is not None and exc.source == str(review):
        problem = re.sub(r"\b(on|but|and) line (\d+)\b", lambda m: f"{m[1]} row {(rows or {}).get(int(m[2]), m[2])}",
                         exc.problem)  # "first on line 3": not a finding's where, "line 2, column 5"
        fix = exc.fix.replace("scan again with --key", "find the identifiers again with the key")
        return InputError(TABLE, clean(problem), clean(fix),
                          row=rows.get(exc.line, exc.line) if rows and exc.line is not None else None)
    return InputError(clean(exc.source), clean(exc.problem), clean(exc.fix), line=exc.line, row=exc.row)


def scan_uploads(files: Sequence[Upload], *, names: Upload | None = None, places: Upload | None = None,
                 key: Upload | None = None, min_score: float = 0.5) -> list[Finding]:
    """``scan_files`` on uploaded files and lists (each ``(name, bytes)``), in a temporary folder; writes nothing."""
    from . import privacy

    with tempfile.TemporaryDirectory(prefix="pseudonymise-") as tmp:
        folders = [Path(tmp) / d for d in ("files", "names", "places", "key")]
        try:
            paths = _upload_paths(folders[0], files)
            lists = [_upload_paths(folder, [given])[0] if given is not None else None
                     for folder, given in zip(folders[1:], (names, places, key), strict=True)]
            listed = privacy.read_names(lists[0]) if lists[0] is not None else None
            place_list = privacy.read_places(lists[1]) if lists[1] is not None else None
            found = scan_files(paths, names=listed, places=place_list,
                               key=read_key(lists[2]) if lists[2] is not None else None, min_score=min_score)
        except WorkbenchError as exc:
            raise _untemp(exc, folders) from None
    return [dataclasses.replace(f, file=Path(f.file).name) for f in found]


def reviewed(findings: Sequence[Finding], choices: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """The findings with a researcher's choices applied: rows of ``id``, ``placeholder`` and ``keep`` (ticked or not).

    Every finding needs its row, once, and every row a finding: a table edited out of step with its scan is
    refused rather than guessed at. The placeholders are checked by ``write_copies``, as a review file's are.
    """
    by_id = {f.id: f for f in findings}
    chosen: dict[str, tuple[str, bool]] = {}
    for number, row in enumerate(choices, start=1):
        finding_id = str(row.get("id") or "")
        if finding_id not in by_id:
            raise InputError(TABLE, f"has a row for {finding_id!r}, which is not a finding of this scan",
                             "find the identifiers again", row=number)
        if finding_id in chosen:
            raise InputError(TABLE, f"repeats finding {finding_id!r}", "find the identifiers again", row=number)
        keep = row.get("keep")
        placeholder = row.get("placeholder")
        chosen[finding_id] = ("" if placeholder is None or placeholder != placeholder else str(placeholder),
                              bool(keep) if keep is not None and keep == keep else False)  # NaN: left empty
    missing = [f.id for f in findings if f.id not in chosen]
    if missing:
        raise InputError(TABLE, f"has no row for {', '.join(missing[:3])}" + (" and more" if len(missing) > 3 else ""),
                         "find the identifiers again")
    return [dataclasses.replace(f, placeholder=chosen[f.id][0], action="keep" if chosen[f.id][1] else "ignore")
            for f in findings]


def copies_from_review(files: Sequence[Upload], findings: Sequence[Finding], *, key: Upload | None = None) -> Copies:
    """``write_copies`` on uploaded files with the reviewed findings, in a temporary folder: the copies as a zip.

    The findings are checked as a review file is (``--review``), so a refusal is the command line's, naming
    the table's row. The key (the one given, with this batch's new placeholders) comes back apart from the zip.
    """
    with tempfile.TemporaryDirectory(prefix="pseudonymise-") as tmp:
        root = Path(tmp)
        folders = [root / "files", root / "key", root / "copies", root]
        review = root / "review.csv"
        text = findings_csv(findings)
        review.write_text(text, encoding="utf-8", newline="")
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader)
        rows: dict[int, int] = {}  # the CSV's line (where a row ends) -> the table's row
        for number, _ in enumerate(reader, start=1):
            rows[reader.line_num] = number
        try:
            paths = _upload_paths(folders[0], files)
            key_path = _upload_paths(folders[1], [key])[0] if key is not None else folders[1] / "key.csv"
            folders[1].mkdir(exist_ok=True)
            outcome = write_copies(paths, review, folders[2], key_path=key_path)
        except WorkbenchError as exc:
            raise _untemp(exc, folders, rows, review) from None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in outcome.written:
                archive.write(path, path.name)
        key_data = key_path.read_bytes() if key_path.exists() else None
        outcome.warnings = [str(_untemp(WorkbenchError(w), folders)) for w in outcome.warnings]
        names = [p.name for p in outcome.written]
        outcome.written = [Path(n) for n in names]
        outcome.key = Path(key_path.name) if key_data is not None else None
    return Copies(buffer.getvalue(), names, key_data, outcome)
