"""Word documents to de-identify: every paragraph a reader sees, rewritten in its own runs and formatting.

A paragraph's text is its w:t elements in order, so a name split over runs ("Jor" in bold, "dan" not) is
still one finding; the replacement goes into the first run of the span and the rest of the span is taken
out of the runs after it, so every other run keeps its text and style. The WordprocessingML namespaces
(Transitional and Strict) and the elements both readers need are ``docx_text``'s, the importer's reader,
so the two cannot drift apart. This module imports lxml, so ``pseudonym_formats`` imports it only when a
Word document is opened.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from workbench.errors import InputError, WorkbenchError
from workbench.io.docx_text import _FALLBACK, _P, _TBL, _TC, _TR, _w
from workbench.io.readers import ReadLimits, open_zip
from workbench.privacy.pseudonym_source import Edit, _Source, _Unit, _zip_texts

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_T = _w("t")  # only w:t: docx_text's own _T adds math text, which a copy does not rewrite
_FIXED = {**dict.fromkeys(_w("tab", "ptab"), "\t"), **dict.fromkeys(_w("br", "cr"), "\n"),
          **dict.fromkeys(_w("noBreakHyphen"), "-")}
# Never text a reader sees, or another paragraph's (a text box's paragraphs are units of their own).
_NOT_INTO = _w("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "txbxContent", "sdtPr") | _P | {_FALLBACK}
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
            if any(a.tag == _FALLBACK for a in p.iterancestors()):
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
