"""A file to de-identify, read as units of text: what every format shares, and plain text itself.

Each format reads its file into units (a TXT file, a cue's words, a cell, a Word paragraph, a voice tag),
names a place in them in a person's terms (line and column; paragraph; cue; sheet and cell), finds such a
place again from a review file, and writes a copy with the edits made. ``_Source`` is that contract;
``_RawText`` serves the formats read as one decoded text (TXT, subtitles, CSV), whose copies change only
the characters replaced and keep the encoding, byte order mark and line ends.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.io.readers import decode_text
from workbench.privacy.pseudonym_speakers import _LINE_BREAK, _label_spans

__all__ = ["Edit", "replace_spans"]

Edit = tuple[int, int, str]  # (start, end, replacement) in a unit's text


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


def _zip_texts(data: bytes) -> list[tuple[str, str]]:
    """Every XML part of an Office file as text: links, properties and hidden text included."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(n, html.unescape(archive.read(n).decode("utf-8", "replace"))) for n in archive.namelist()
                if n.endswith((".xml", ".rels", ".vml"))]
