"""Files the study writes for other tools: written whole or not at all, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from .runs import AssignmentRecord
from .spreadsheet import safe_cell

__all__ = ["assignments_csv", "write_atomically"]


def assignments_csv(assigned: Iterable[AssignmentRecord]) -> str:
    """``segment_id,candidate,probability``: candidate -1 only where a segment was left unassigned."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["segment_id", "candidate", "probability"])
    for a in assigned:
        writer.writerow([safe_cell(a.segment_id), a.candidate, f"{a.similarity:.4f}"])
    return buffer.getvalue()


def write_atomically(path: Path, text: str | Sequence[str]) -> None:
    """Write to a temporary file beside ``path`` and rename it: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text if isinstance(text, str) else "".join(text), encoding="utf-8", newline="")
    tmp.replace(path)
