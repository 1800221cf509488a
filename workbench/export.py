"""Files the study writes for other tools: written whole or not at all, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .analysis import SMALL_GROUP
from .decisions import Event
from .errors import WorkbenchError
from .runs import AssignmentRecord
from .spreadsheet import safe_cell

if TYPE_CHECKING:
    from .analysis import Prevalence

__all__ = ["LOG_COLUMNS", "PREVALENCE_COLUMNS", "assignments_csv", "graph_image", "has_graphviz", "log_csv",
           "log_jsonl", "prevalence_csv", "write_atomically"]

LOG_COLUMNS = ["seq", "at", "by", "kind", "payload", "rationale", "prev_hash", "hash"]
# The last column flags groups too small for their share to be reported (analysis.SMALL_GROUP);
# its name carries the threshold, so a file read elsewhere still says what "small" meant.
PREVALENCE_COLUMNS = ["theme", "name", "group", "segments", "participants", "group_participants", "share",
                      f"fewer_than_{SMALL_GROUP}_participants"]


def assignments_csv(assigned: Iterable[AssignmentRecord], themes_of: Mapping[str, Iterable[str]] | None = None) -> str:
    """``segment_id,candidate,probability,theme`` for a run.

    candidate is -1 only where the run left a segment unassigned; theme lists the accepted
    themes holding the segment now (``;``-separated). Segments a theme held before the run
    (so the run did not cluster them) follow, with candidate and probability left empty.
    """
    themes_of = themes_of or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["segment_id", "candidate", "probability", "theme"])
    seen = set()
    for a in assigned:
        seen.add(a.segment_id)
        writer.writerow([safe_cell(a.segment_id), a.candidate, f"{a.similarity:.4f}",
                         ";".join(sorted(themes_of.get(a.segment_id, ())))])
    for seg in sorted(set(themes_of) - seen):
        if themes_of[seg]:
            writer.writerow([safe_cell(seg), "", "", ";".join(sorted(themes_of[seg]))])
    return buffer.getvalue()


def log_csv(events: Iterable[Event]) -> str:
    """The decision log as CSV, one event per row, its payload as JSON text.

    Every text cell is made spreadsheet-safe; a researcher's rationale beginning with
    ``=`` gains an apostrophe, so the CSV is for reading. ``log_jsonl`` is the exact copy
    whose hashes can be re-checked.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LOG_COLUMNS)
    for e in events:
        writer.writerow([e.seq, e.at, safe_cell(e.by), e.kind, safe_cell(e.payload_json), safe_cell(e.rationale),
                         e.prev_hash, e.hash])
    return buffer.getvalue()


def prevalence_csv(found: Prevalence) -> str:
    """One row per theme and group, the long form a spreadsheet or R pivots as it likes.

    The share stays in every row, the researchers' own figures; the last column (TRUE or
    FALSE, as spreadsheets and R read them) flags groups of fewer than ``SMALL_GROUP``
    participants, whose shares are too unstable and too disclosive to report as they are.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PREVALENCE_COLUMNS)
    for c in found.cells:
        writer.writerow([c.theme, safe_cell(c.name), safe_cell(c.group), c.segments, c.participants,
                         c.group_participants, "" if c.share is None else f"{c.share:.4f}",
                         "TRUE" if c.small else "FALSE"])
    return buffer.getvalue()


def log_jsonl(events: Iterable[Event]) -> str:
    """The decision log exactly as stored, one JSON object per line: re-verifiable elsewhere."""
    return "".join(json.dumps(dict(zip(LOG_COLUMNS, (e.seq, e.at, e.by, e.kind, e.payload_json, e.rationale,
                                                      e.prev_hash, e.hash), strict=True)), ensure_ascii=False) + "\n"
                   for e in events)


def write_atomically(path: Path, data: str | bytes | Sequence[str]) -> None:
    """Write to a temporary file beside ``path`` and rename it: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".partial")
    if isinstance(data, bytes):
        tmp.write_bytes(data)
    else:
        tmp.write_text(data if isinstance(data, str) else "".join(data), encoding="utf-8", newline="")
    tmp.replace(path)


def has_graphviz() -> bool:
    """Whether Graphviz's ``dot`` program is installed, so the drawing can be offered as SVG or PNG.

    The app draws the model itself; Graphviz is needed only for these files, so a page
    asks first instead of offering a download that would fail at the click.
    """
    import shutil

    return shutil.which("dot") is not None


def graph_image(dot: str, fmt: str) -> bytes:
    """Render DOT to SVG or PNG with the Graphviz program (installed apart from Python)."""
    if fmt not in ("svg", "png"):
        raise WorkbenchError(f"the graph can be written as svg or png, not {fmt!r}")
    import graphviz

    try:
        return graphviz.Source(dot).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise WorkbenchError("Graphviz's 'dot' program is not installed: install Graphviz (apt-get install graphviz, "
                             "brew install graphviz, or graphviz.org) to export the graph") from None
    except graphviz.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace")[:200] if exc.stderr else exc
        raise WorkbenchError(f"Graphviz could not draw the graph: {detail}") from None
