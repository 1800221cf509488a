"""Consistent placeholders, and the key that carries them from one batch of transcripts to the next.

The same original ("Jordan", "jordan", "Jordan's") always gets the same placeholder, within a run and,
through a key file the researcher names, across runs; new placeholders carry on numbering from the key.
The key and the review file are CSV a researcher may have opened and saved in a spreadsheet, so both are
read here by one reader that names the line of any problem. Both steps use the key (step one to propose,
step two to check and extend it), so it stands apart from either.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.spreadsheet import csv_text, unsafe_cell
from workbench.errors import InputError
from workbench.io.readers import ReadLimits, check_file

__all__ = ["KEY_COLUMNS", "Key", "key_csv", "norm", "read_key"]

KEY_COLUMNS = ("placeholder", "original", "type")


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


def _base_placeholder(text: str, placeholder: str) -> str:
    """The placeholder without the possessive its original carries: "[Child 1]" of "[Child 1]'s" for "Jordan's"."""
    _, possessive = _split_possessive(text)
    if possessive and placeholder.translate(_APOSTROPHES).endswith(possessive.translate(_APOSTROPHES)):
        return placeholder[:-len(possessive)]
    return placeholder
