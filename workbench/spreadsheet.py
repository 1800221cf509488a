"""Cells that are safe to open in a spreadsheet.

A transcript line that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) is run as a formula by Excel and LibreOffice when a CSV is opened,
which can leak data or run commands. Every text cell we export goes through ``safe_cell``.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "safe_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with an apostrophe.

    Numbers stay numbers: only strings are touched, so a count of -3 is still -3.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
