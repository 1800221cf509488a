"""Tables to de-identify: CSV and TSV rewritten cell by cell in place, Excel workbooks through openpyxl.

A CSV copy changes only the cells with a finding, re-quoting one only where its new value needs it, so
every other byte (quoting, delimiter, line ends) stays as the researcher's tool wrote it. An Excel copy
is saved by openpyxl with text cells replaced and formulas left alone.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.io.readers import ReadLimits, open_zip
from workbench.privacy.pseudonym_source import Edit, _RawText, _Source, _Unit, _zip_texts, replace_spans


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
