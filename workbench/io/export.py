"""Files the study writes for other tools: written whole or not at all, safe in a spreadsheet."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.analysis import SMALL_GROUP
from workbench.core.decisions import Event
from workbench.core.runs import AssignmentRecord
from workbench.core.spreadsheet import csv_text
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.analysis import Prevalence

__all__ = ["LOG_COLUMNS", "PREVALENCE_COLUMNS", "assignments_csv", "check_output", "graph_image", "has_graphviz",
           "log_csv", "log_jsonl", "prevalence_csv", "study_folder_of", "write_atomically", "write_output"]

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
    rows: list[list[object]] = [["segment_id", "candidate", "probability", "theme"]]
    seen = set()
    for a in assigned:
        seen.add(a.segment_id)
        rows.append([a.segment_id, a.candidate, f"{a.similarity:.4f}",
                     ";".join(sorted(themes_of.get(a.segment_id, ())))])
    for seg in sorted(set(themes_of) - seen):
        if themes_of[seg]:
            rows.append([seg, "", "", ";".join(sorted(themes_of[seg]))])
    return csv_text(rows)


def log_csv(events: Iterable[Event]) -> str:
    """The decision log as CSV, one event per row, its payload as JSON text.

    Every text cell is made spreadsheet-safe; a researcher's rationale beginning with
    ``=`` gains an apostrophe, so the CSV is for reading. ``log_jsonl`` is the exact copy
    whose hashes can be re-checked.
    """
    return csv_text([LOG_COLUMNS, *([e.seq, e.at, e.by, e.kind, e.payload_json, e.rationale, e.prev_hash, e.hash]
                                    for e in events)])


def prevalence_csv(found: Prevalence) -> str:
    """One row per theme and group, the long form a spreadsheet or R pivots as it likes.

    The share stays in every row, the researchers' own figures; the last column (TRUE or
    FALSE, as spreadsheets and R read them) flags groups of fewer than ``SMALL_GROUP``
    participants, whose shares are too unstable and too disclosive to report as they are.
    """
    return csv_text([PREVALENCE_COLUMNS, *([c.theme, c.name, c.group, c.segments, c.participants, c.group_participants,
                                           "" if c.share is None else f"{c.share:.4f}", "TRUE" if c.small else "FALSE"]
                                          for c in found.cells)])


def log_jsonl(events: Iterable[Event]) -> str:
    """The decision log exactly as stored, one JSON object per line: re-verifiable elsewhere."""
    return "".join(json.dumps(dict(zip(LOG_COLUMNS, (e.seq, e.at, e.by, e.kind, e.payload_json, e.rationale,
                                                      e.prev_hash, e.hash), strict=True)), ensure_ascii=False) + "\n"
                   for e in events)


def write_atomically(path: Path, data: str | bytes | Sequence[str]) -> None:
    """Write to a new temporary file beside ``path`` and rename it: a reader never sees half a file.

    The temporary file is created afresh (never opened through a link left there), and the
    rename replaces the name, not the file behind it: a hard link elsewhere keeps its contents.
    """
    raw = data if isinstance(data, bytes) else (data if isinstance(data, str) else "".join(data)).encode("utf-8")
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_output(path: Path, data: str | bytes | Sequence[str], *, force: bool,
                 study_folder: Path | None = None) -> Path:
    """Every command's output file, written through one gate: ``check_output``, then ``write_atomically``.

    Returns where it was written (a link followed to its target, so the link itself is never replaced).
    """
    target = check_output(path, force=force, study_folder=study_folder)
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise WorkbenchError(f"{path} could not be written ({exc.strerror or exc}): check that the folder is "
                             "writable and the disk has room, or choose another place") from None
    return target


def check_output(path: Path, *, force: bool, study_folder: Path | None = None) -> Path:
    """Where ``path`` really is (``..`` and links resolved), or why nothing may be written there.

    A study's folder holds only the workbench's own files (the database, its journal, its
    backups, caches): an export named there could replace every decision, so it is refused,
    even with ``--force``, whichever study it is (``study_folder``, or any folder above that
    holds a study). Anywhere else, an existing file is replaced only with ``--force``.
    """
    target = path.expanduser().resolve()
    folders = [f.expanduser().resolve() for f in (study_folder, study_folder_of(target)) if f is not None]
    for folder in folders:
        if _inside(target, folder):
            if _own_file(target, folder) or target.exists():
                raise WorkbenchError(f"{path} is one of the study's own files ({target.name} in {folder}) and is "
                                     "never replaced, even with --force: write the export outside the study folder")
            raise WorkbenchError(f"{path} is inside the study folder {folder}, which holds only the workbench's own "
                                 "files: write the export outside the study folder")
        database = folder / DB_FILE
        if target.exists() and database.exists() and os.path.samefile(target, database):
            raise WorkbenchError(f"{path} is the study's database {database} under another name, and is never "
                                 "replaced, even with --force: write the export to a new file")
    if target.is_dir():
        raise WorkbenchError(f"{path} is a folder: give the name of the file to write in it")
    if not target.parent.is_dir():
        raise WorkbenchError(f"{path}: the folder {path.parent} does not exist: create it first, or choose another")
    if target.exists() and not force:
        raise WorkbenchError(f"{path} exists: choose another name or add --force to replace it")
    return target


DB_FILE = "study.sqlite"  # store.DB_FILE, named here so writing a file never needs the database layer
_OWN = re.compile(r"study\.sqlite(-wal|-shm|-journal)?|study\.v\d+\..*\.sqlite\.bak")


def study_folder_of(path: Path) -> Path | None:
    """The study folder ``path`` lies in: the nearest folder above it that holds a study's database."""
    return next((folder for folder in path.parents if (folder / DB_FILE).is_file()), None)


def _inside(target: Path, folder: Path) -> bool:
    """Whether ``target`` is in ``folder``, by name or (a case-insensitive disk, a bind mount) by identity."""
    if target.is_relative_to(folder):
        return True
    try:
        return any(parent.exists() and os.path.samefile(parent, folder) for parent in target.parents)
    except OSError:
        return False


def _own_file(target: Path, folder: Path) -> bool:
    return target.parent == folder and _OWN.fullmatch(target.name) is not None


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
