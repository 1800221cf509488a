"""All the text a reader of a Word transcript sees, in document order.

python-docx's ``paragraph.text`` reads only plain runs and hyperlinks, so words inside tracked
insertions, content controls, smart tags, fields and text boxes vanish from an import without
a word of warning, and merged table cells come back once per grid column they span. A coded
quote that silently lost "locked me in the room and" is worse than a refused file, so this
reads ``word/document.xml`` itself: every container a reader's eye passes through is walked,
tracked changes are read as accepted (insertions kept, deletions gone), and each table cell
is read exactly once.

Headers, footers, footnotes and comments are not read: they are not the transcript.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from workbench.errors import InputError
from workbench.io.readers import ReadLimits, open_zip

__all__ = ["DocxText", "docx_text"]

_WHAT = "a Word document (.docx)"
_PART = "word/document.xml"
_RESAVE = "open it in Word and save it again as .docx"

# Transitional (what Word writes) and Strict (Word's "Strict Open XML" save option) namespaces.
_W = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "http://purl.oclc.org/ooxml/wordprocessingml/main")
_M = ("http://schemas.openxmlformats.org/officeDocument/2006/math",
      "http://purl.oclc.org/ooxml/officeDocument/math")
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(*names: str) -> frozenset[str]:
    return frozenset(f"{{{ns}}}{name}" for ns in _W for name in names)


_DOCUMENT, _BODY = _w("document"), _w("body")
_P, _TBL, _TR, _TC = _w("p"), _w("tbl"), _w("tr"), _w("tc")
_PPR, _RPR, _TRPR, _TCPR = _w("pPr"), _w("rPr"), _w("trPr"), _w("tcPr")
_T = _w("t") | frozenset(f"{{{ns}}}t" for ns in _M)  # math text is text a reader sees
_TAB = _w("tab", "ptab")
_BREAK = _w("br", "cr")
_NO_BREAK_HYPHEN = _w("noBreakHyphen")
_SYM = _w("sym")
_FLD_CHAR = _w("fldChar")
_TXBX = _w("txbxContent")
_INS, _DEL = _w("ins"), _w("del")
_MOVE_FROM, _MOVE_TO = _w("moveFrom"), _w("moveTo")
_CELL_DEL = _w("cellDel")
# Loose inline content met where a paragraph was expected is read as a paragraph of its own.
_INLINE_ONLY = _w("r", "hyperlink", "fldSimple", "smartTag")
# Never text a reader sees: removed revisions, field codes, a control's properties, and
# paragraph/run/table properties (which hold only formatting and revision marks).
_SKIP = (_DEL | _MOVE_FROM | _w("delText", "instrText", "delInstrText", "fldData", "sdtPr", "sdtEndPr",
                                 "sectPr", "tblPr", "tblGrid", "tblPrEx", "customXmlPr", "smartTagPr")
         | _PPR | _RPR | _TRPR | _TCPR)
_ALTERNATE = f"{{{_MC}}}AlternateContent"
_CHOICE = f"{{{_MC}}}Choice"
_FALLBACK = f"{{{_MC}}}Fallback"
_REVISIONS = _INS | _DEL | _MOVE_FROM | _MOVE_TO

# The same timestamp shape transcripts.py accepts (kept here: transcripts.py imports this module).
_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIMESTAMP_ONLY = re.compile(rf"^\s*[\[(]?{_TS}(?:\s*-->\s*{_TS})?[\])]?\s*$")


@dataclass(frozen=True)
class DocxText:
    """A Word document's visible text as lines, and whether it holds tracked changes.

    ``tracked_changes`` lets the importer tell the researcher their transcript was read with
    every tracked change accepted, which may not be what they have on screen.
    """

    lines: list[str]
    tracked_changes: bool


@dataclass
class _Para:
    lines: list[str]
    mark_deleted: bool  # its paragraph mark is a tracked deletion: accepting it joins the next paragraph


@dataclass
class _Table:
    rows: list[list[str]]


_Item = _Para | _Table


def _choice(alternate: etree._Element) -> etree._Element | None:
    """The branch of ``mc:AlternateContent`` to read: the first Choice, else the Fallback.

    The Fallback is an older rendering of the same content (VML for a DrawingML text box),
    so reading both would double every word in the box.
    """
    fallback = None
    for child in alternate:
        if child.tag == _CHOICE:
            return child
        if child.tag == _FALLBACK and fallback is None:
            fallback = child
    return fallback


class _Reader:
    """Walks the body once, keeping complex-field state, which may span paragraphs."""

    def __init__(self, ignored_begins: set[etree._Element]) -> None:
        self.fields: list[tuple[etree._Element, bool]] = []  # open complex fields: (begin, past 'separate')
        self.ignored = ignored_begins  # begins that never end: counting them would hide the rest

    def visible(self) -> bool:
        """Inside a complex field only its result shows, not its instruction."""
        return all(past for _, past in self.fields)

    def blocks(self, parent: etree._Element, out: list[_Item]) -> None:
        for child in parent:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP or tag == _FALLBACK:
                continue
            if tag in _P:
                self.paragraph(child, out)
            elif tag in _TBL:
                out.append(_Table(self.rows(child)))
            elif tag == _ALTERNATE:
                chosen = _choice(child)
                if chosen is not None:
                    self.blocks(chosen, out)
            elif tag in _INLINE_ONLY:
                lines, boxes = [""], []
                self.inline([child], lines, boxes)
                out.append(_Para(lines, False))
                self.boxes(boxes, out)
            else:  # sdt, sdtContent, customXml, ins, moveTo, bookmarks...: read what they hold
                self.blocks(child, out)

    def paragraph(self, p: etree._Element, out: list[_Item]) -> None:
        lines: list[str] = [""]
        boxes: list[etree._Element] = []
        self.inline(p, lines, boxes)
        mark_deleted = any(mark.tag in _DEL | _MOVE_FROM
                           for ppr in p if ppr.tag in _PPR for rpr in ppr if rpr.tag in _RPR for mark in rpr)
        out.append(_Para(lines, mark_deleted))
        self.boxes(boxes, out)

    def boxes(self, boxes: list[etree._Element], out: list[_Item]) -> None:
        """A text box's paragraphs follow the paragraph that anchors it."""
        for box in boxes:
            self.blocks(box, out)

    def inline(self, children: Iterable[etree._Element], lines: list[str], boxes: list[etree._Element]) -> None:
        for child in children:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP or tag == _FALLBACK:
                continue
            if tag in _FLD_CHAR:
                self.field_char(child)
            elif tag in _T:
                if self.visible():
                    lines[-1] += child.text or ""
            elif tag in _TAB:
                if self.visible():
                    lines[-1] += "\t"
            elif tag in _BREAK:
                if self.visible():
                    lines.append("")
            elif tag in _NO_BREAK_HYPHEN:
                if self.visible():
                    lines[-1] += "-"
            elif tag in _SYM:
                if self.visible():
                    lines[-1] += _symbol(child)
            elif tag in _TXBX:
                if self.visible():
                    boxes.append(child)
            elif tag == _ALTERNATE:
                chosen = _choice(child)
                if chosen is not None:
                    self.inline(chosen, lines, boxes)
            else:  # r, hyperlink, sdt, sdtContent, ins, moveTo, fldSimple, smartTag, customXml, drawing...
                self.inline(child, lines, boxes)

    def field_char(self, char: etree._Element) -> None:
        kind = next((v for k, v in char.attrib.items() if k.endswith("}fldCharType")), None)
        if kind == "begin" and char not in self.ignored:
            self.fields.append((char, False))
        elif kind == "separate" and self.fields:
            self.fields[-1] = (self.fields[-1][0], True)
        elif kind == "end" and self.fields:
            self.fields.pop()

    def rows(self, table: etree._Element) -> list[list[str]]:
        rows = []
        for tr in _find(table, _TR, _TBL):
            if any(mark.tag in _DEL for trpr in tr if trpr.tag in _TRPR for mark in trpr):
                continue  # a tracked row deletion, accepted
            # Each w:tc once: python-docx's row.cells repeats a merged cell per grid column it spans.
            cells = [self.cell_text(tc) for tc in _find(tr, _TC, _TBL)
                     if not any(mark.tag in _CELL_DEL for tcpr in tc if tcpr.tag in _TCPR for mark in tcpr)]
            rows.append(cells)
        return rows

    def cell_text(self, tc: etree._Element) -> str:
        """A cell's paragraphs, text boxes and nested tables as one line of text."""
        items: list[_Item] = []
        self.blocks(tc, items)
        pieces: list[str] = []
        for item in items:
            if isinstance(item, _Para):
                pieces.extend(item.lines)
            else:
                pieces.extend(cell for row in item.rows for cell in row)
        return " ".join(piece.strip() for piece in pieces if piece.strip())


def _find(parent: etree._Element, wanted: frozenset[str], stop: frozenset[str]) -> Iterator[etree._Element]:
    """``wanted`` children of ``parent``, also those wrapped in content controls, custom XML or revisions."""
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP or tag == _FALLBACK or tag in stop:
            continue
        if tag in wanted:
            yield child
        elif tag == _ALTERNATE:
            chosen = _choice(child)
            if chosen is not None:
                yield from _find(chosen, wanted, stop)
        else:
            yield from _find(child, wanted, stop)


def _symbol(sym: etree._Element) -> str:
    """A ``w:sym``'s character, unless it is a symbol-font code with no Unicode meaning."""
    code = next((v for k, v in sym.attrib.items() if k.endswith("}char")), "")
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if value <= 0 or 0xD800 <= value <= 0xF8FF or value > 0x10FFFF:
        return ""  # surrogates, or the private-use codes of Symbol/Wingdings
    return chr(value)


def _row_line(cells: list[str]) -> list[str]:
    """A table row as today's reader gives it: ``[ts] who: words``, ``who: words`` or the one cell."""
    cells = [c.strip() for c in cells]
    cells = [c for c in cells if c]
    if len(cells) >= 3 and _TIMESTAMP_ONLY.match(cells[0]):
        return [f"[{cells[0]}] {cells[1]}: {' '.join(cells[2:])}"]
    if len(cells) >= 2:
        return [f"{cells[0]}: {' '.join(cells[1:])}"]
    return cells


def _lines(items: list[_Item]) -> list[str]:
    lines: list[str] = []
    carry: list[str] | None = None  # a paragraph whose mark was deleted, waiting for the next one
    for item in items:
        if isinstance(item, _Para):
            text = item.lines
            if carry is not None:
                text = [*carry[:-1], carry[-1] + text[0], *text[1:]]
                carry = None
            if item.mark_deleted:
                carry = text
                continue
            lines.extend(text)
            lines.append("")
        else:
            if carry is not None:
                lines.extend([*carry, ""])
                carry = None
            for row in item.rows:
                lines.extend(_row_line(row))
            lines.append("")
    if carry is not None:
        lines.extend([*carry, ""])
    return lines


def _damaged(path: Path, why: str) -> InputError:
    return InputError(str(path), f"is a damaged Word document ({why})", _RESAVE)


def docx_text(path: Path, data: bytes, limits: ReadLimits) -> DocxText:
    """Read a .docx's body text: each paragraph's lines then "", each table's rows then "".

    Tracked changes are read as accepted; ``tracked_changes`` says whether there were any.
    """
    try:
        archive = open_zip(path, data, limits, _WHAT, _PART)
    except NotImplementedError as exc:  # zipfile's "zip file version N" on a damaged header, which open_zip lets by
        raise _damaged(path, "its zip structure is damaged") from exc
    try:
        xml = archive.read(_PART)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError,
            OSError, EOFError) as exc:  # RuntimeError: an encrypted part
        raise _damaged(path, f"{_PART} cannot be unpacked") from exc
    # No entities, no DTDs, no network: the file may come from anywhere.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        if exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:  # libxml2's 10-million-character text node cap
            raise InputError(str(path), "holds more than 10 million characters in one unbroken stretch of text, "
                             "more than a Word document is read with", "save it as plain text (.txt) and import "
                             "that, or split it into smaller documents") from exc
        raise _damaged(path, f"its text is not well-formed XML at line {exc.lineno}") from exc
    if root.tag not in _DOCUMENT:
        raise _damaged(path, f"{_PART} is not a Word document body")
    body = next((child for child in root if child.tag in _BODY), None)
    if body is None:
        return DocxText([], False)
    ignored: set[etree._Element] = set()
    while True:
        reader = _Reader(ignored)
        items: list[_Item] = []
        try:
            reader.blocks(body, items)
        except RecursionError as exc:  # lxml caps depth at 256, but a caller deep in its own stack may hit this first
            raise _damaged(path, "its content is nested too deeply") from exc
        if not reader.fields:
            break
        # A field that begins and never ends (a damaged file) would hide everything after it:
        # read again with those begins ignored, so their text shows rather than vanishes.
        ignored |= {begin for begin, _ in reader.fields}
    tracked = any(element.tag in _REVISIONS for element in body.iter())
    return DocxText(_lines(items), tracked)
