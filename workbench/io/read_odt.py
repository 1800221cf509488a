"""OpenDocument text (.odt) transcripts, as LibreOffice and others save them.

An .odt is a zip holding ``content.xml``; the zip is opened through
:func:`readers.open_zip` (size, entry count and compression-ratio checks) and the XML is
parsed with entity expansion and network access off. The body is walked in document
order and each paragraph becomes its lines followed by ``""``, the shape the Word reader
gives, so the same speaker-turn parser reads both. What a reader sees is what is kept:
tracked changes as they stand (insertions in, deletions out), text boxes once, and no
footnotes or comments, which are not speech.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import InputError
from workbench.io.readers import ReadLimits, open_zip

if TYPE_CHECKING:
    from lxml.etree import _Element

__all__ = ["odt_lines"]

_WHAT = "an OpenDocument text (.odt)"
_FIX = "open it in LibreOffice or Word and save it again as .odt or .docx"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"


def _t(local: str) -> str:
    return f"{{{_TEXT_NS}}}{local}"


_P, _H = _t("p"), _t("h")
_SPACE, _TAB, _BREAK = _t("s"), _t("tab"), _t("line-break")
_TABLE, _CELL = f"{{{_TABLE_NS}}}table", f"{{{_TABLE_NS}}}table-cell"
_ROW = f"{{{_TABLE_NS}}}table-row"
_FRAME, _TEXT_BOX = f"{{{_DRAW_NS}}}frame", f"{{{_DRAW_NS}}}text-box"
_TRACKED = _t("tracked-changes")

# Not speech, or not text as it stands: notes, comments, deleted text of tracked changes,
# generated indexes (a table of contents repeats the headings), declarations, ruby glosses.
_SKIP = {
    _t("note"), f"{{{_OFFICE_NS}}}annotation", f"{{{_OFFICE_NS}}}annotation-end", _TRACKED,
    _t("sequence-decls"), _t("variable-decls"), _t("user-field-decls"), _t("dde-connection-decls"),
    _t("table-of-content"), _t("illustration-index"), _t("table-index"), _t("object-index"),
    _t("user-index"), _t("alphabetical-index"), _t("bibliography"), _t("ruby-text"),
    f"{{{_OFFICE_NS}}}forms", f"{{{_TABLE_NS}}}covered-table-cell", f"{{{_TABLE_NS}}}table-columns",
    f"{{{_TABLE_NS}}}table-column", f"{{{_TABLE_NS}}}table-column-group", f"{{{_TABLE_NS}}}calculation-settings",
    "{http://www.w3.org/2000/svg}title", "{http://www.w3.org/2000/svg}desc", f"{{{_DRAW_NS}}}image",
}
_TIMESTAMP_ONLY = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?\s*$")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_TEXT_MIMETYPES = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
    "application/vnd.oasis.opendocument.text-master",
)


def odt_lines(path: Path, data: bytes, limits: ReadLimits) -> tuple[list[str], bool]:
    """The document's lines (each paragraph's lines, then ``""``) and whether it had tracked changes.

    The flag lets the caller tell the researcher that changes were read as accepted, since
    a transcript under review may still have a colleague's edits pending.
    """
    name = str(path)
    archive = open_zip(path, data, limits, _WHAT, "content.xml")
    _check_kind(name, archive)
    try:
        raw = archive.read("content.xml")
    except Exception as exc:  # a bad CRC or a damaged deflate stream
        raise InputError(name, "is a damaged OpenDocument file (content.xml cannot be unpacked)", _FIX) from exc
    root = _parse(name, raw)
    body = root.find(f"{{{_OFFICE_NS}}}body/{{{_OFFICE_NS}}}text")
    if body is None:
        raise InputError(name, f"is not {_WHAT} (its content holds no text body)", "save it as .odt")
    tracked = any(len(t) for t in body.iter(_TRACKED)) or next(body.iter(_t("change-start"), _t("change")), None) \
        is not None
    lines: list[str] = []
    try:
        _blocks(body, lines)
    except RecursionError as exc:
        raise InputError(name, "is nested too deeply to read", _FIX) from exc
    return lines, tracked


def _check_kind(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse a spreadsheet or a password-protected document by name, not as 'damaged'."""
    try:
        names = archive.namelist()
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
        manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    except Exception as exc:
        raise InputError(name, "is a damaged OpenDocument file (its parts cannot be unpacked)", _FIX) from exc
    if mimetype.startswith("application/vnd.oasis.opendocument.") and mimetype not in _TEXT_MIMETYPES:
        kind = mimetype.rsplit(".", 1)[-1]
        raise InputError(name, f"is an OpenDocument {kind}, not a text document",
                         "save the transcript from a word processor as .odt or .docx")
    if b"encryption-data" in manifest:
        raise InputError(name, "is password-protected (encrypted)",
                         "open it with the password and save it again without one, or export it as .docx/.txt")


def _parse(name: str, raw: bytes) -> _Element:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(name, f"is a damaged OpenDocument file: its content.xml is not valid XML ({exc.msg})",
                         _FIX) from exc
    except Exception as exc:
        raise InputError(name, f"is a damaged OpenDocument file ({type(exc).__name__})", _FIX) from exc


def _blocks(element: _Element, lines: list[str]) -> None:
    """Walk block-level content in document order, appending each paragraph's lines."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag in (_P, _H):
            _paragraph(child, lines)
        elif tag == _TABLE:
            _table(child, lines)
        elif tag == _FRAME:
            _frame(child, lines)
        else:  # lists, list items, sections, shapes, unknown containers: their paragraphs, in order
            _blocks(child, lines)


def _paragraph(element: _Element, lines: list[str]) -> None:
    parts: list[tuple[str, bool]] = []  # (text, explicit): explicit whitespace is never collapsed
    floating: list[_Element] = []
    _inline(element, parts, floating)
    text = unicodedata.normalize("NFC", _assemble(parts))
    lines.extend(text.split("\n") if text else [""])
    lines.append("")
    for frame in floating:  # a text box anchored in this paragraph: its own paragraphs, after it
        _frame(frame, lines)


def _inline(element: _Element, parts: list[tuple[str, bool]], floating: list[_Element]) -> None:
    if element.text:
        parts.append((element.text, False))
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP:
            if tag == _SPACE:
                parts.append((" " * _count(child), True))
            elif tag == _TAB:
                parts.append(("\t", True))
            elif tag == _BREAK:
                parts.append(("\n", True))
            elif tag == _FRAME:
                floating.append(child)
            else:  # spans, links, fields, change marks (empty): their text in place
                _inline(child, parts, floating)
        if child.tail:
            parts.append((child.tail, False))


def _count(element: _Element) -> int:
    try:
        return max(1, min(int(element.get(_t("c"), "1")), 1000))
    except ValueError:
        return 1


def _assemble(parts: list[tuple[str, bool]]) -> str:
    """Apply ODF white-space rules: runs of source whitespace are one space, none at the start."""
    out: list[str] = []
    after_space = True  # at the paragraph's start, leading source whitespace is dropped
    for text, explicit in parts:
        if explicit:
            out.append(text)
            after_space = True
            continue
        text = _XML_SPACE.sub(" ", text)
        if after_space:
            text = text.lstrip(" ")
        if text:
            out.append(text)
            after_space = text.endswith(" ")
    return "".join(out).rstrip(" ")


def _frame(frame: _Element, lines: list[str]) -> None:
    """A frame's text box (once); images and their alternative text are not speech."""
    for child in frame:
        if child.tag == _TEXT_BOX:
            _blocks(child, lines)


def _cell_text(cell: _Element) -> str:
    inner: list[str] = []
    _blocks(cell, inner)
    return " ".join(" ".join(line.split()) for line in inner if line.strip())


def _table(table: _Element, lines: list[str]) -> None:
    """Each row one line, joined as the Word reader joins them (so both give the same turns)."""
    for row in table.iter(_ROW):
        if _nearest_table(row) is not table:
            continue  # a row of a table nested in a cell was read with that cell
        cells = [_cell_text(cell) for cell in row if cell.tag == _CELL]
        cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
        if len(cells) >= 3 and _TIMESTAMP_ONLY.match(cells[0]):
            lines.append(f"[{cells[0]}] {cells[1]}: {' '.join(cells[2:])}")
        elif len(cells) >= 2:
            lines.append(f"{cells[0]}: {' '.join(cells[1:])}")
        else:
            lines.extend(cells)


def _nearest_table(element: _Element) -> _Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != _TABLE:
        parent = parent.getparent()
    return parent
