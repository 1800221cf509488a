"""Cells that are safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage return, or other
spacing before one) is run as a formula by Excel and LibreOffice when a CSV or workbook is
opened, which can leak data or run commands. Every cell of every spreadsheet we write,
CSV or XLSX, goes through ``safe_cell``: CSV files are written by ``csv_text`` and
workbook rows built by ``safe_row``, so no writer can forget a column (a joined cell such
as ``members`` "a; =b" is checked as the whole cell it becomes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["FORMULA_STARTS", "csv_text", "looks_like_formula", "safe_cell", "safe_row", "unsafe_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
# After leading spacing, LibreOffice (and Excel with some import settings) still reads these as a formula.
_AFTER_SPACING = ("=", "+", "-", "@")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: by its first character, or its first after spacing."""
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(_AFTER_SPACING)


def safe_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with an apostrophe.

    Numbers stay numbers: only strings are touched, so a count of -3 is still -3.
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def unsafe_cell(cell: str) -> str:
    """Undo ``safe_cell`` on a cell read back (a findings file a researcher edited): drop the apostrophe it added."""
    return cell[1:] if cell.startswith("'") and looks_like_formula(cell[1:]) else cell


def safe_row(cells: Iterable[object]) -> list[object]:
    """Every cell of a row through ``safe_cell``: what a workbook's ``append`` is given."""
    return [safe_cell(c) for c in cells]


def csv_text(rows: Iterable[Sequence[object]], lineterminator: str = "\n") -> str:
    """Rows as CSV text, every cell (the header too) through ``safe_cell``: the one CSV writer of our exports.

    Python's writer quotes a cell holding a character of its line terminator only, so with
    ``"\\n"`` a carriage return inside a quote would be written bare, and a spreadsheet would
    start a new row there: the rest of the row would land under the wrong columns. Each row
    is written ending ``"\\r\\n"`` (so any ``\\r`` or ``\\n`` in a cell is quoted), then given
    the terminator asked for.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    out = []
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(safe_row(row))
        out.append(buffer.getvalue()[:-2] + lineterminator)
    return "".join(out)
