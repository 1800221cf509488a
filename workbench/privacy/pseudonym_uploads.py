"""The same two steps on uploaded files, for the Study page: in a temporary folder, refusals in its terms.

The page gives bytes, not paths, and shows a table, not a review file: these wrap ``scan_files`` and
``write_copies`` so every check is the command line's, with upload names instead of temporary paths and
the table's row instead of a CSV line.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import InputError, WorkbenchError
from workbench.privacy.pseudonym_copies import Outcome, write_copies
from workbench.privacy.pseudonym_findings import Finding, findings_csv, scan_files
from workbench.privacy.pseudonym_key import read_key

__all__ = ["TABLE", "Copies", "Upload", "copies_from_review", "reviewed", "scan_uploads"]

Upload = tuple[str, bytes]  # (file name as uploaded, its bytes)
TABLE = "the table of findings"  # what a refusal of the researcher's choices names, instead of a review file


@dataclass
class Copies:
    """Step two on uploads: the copies as one zip, the key as CSV (None where nothing was kept or given)."""

    zip: bytes
    names: list[str]
    key: bytes | None
    outcome: Outcome


def _upload_paths(folder: Path, uploads: Sequence[Upload]) -> list[Path]:
    """Each upload written into ``folder`` under its own name; two of one name are refused, as their copies would be."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, data in uploads:
        path = folder / Path(name.replace("\\", "/")).name
        if path in paths:
            raise InputError(path.name, "was given twice, and the copies would overwrite each other",
                             "rename one of them, or make their copies in separate batches")
        path.write_bytes(data)
        paths.append(path)
    return paths


def _untemp(exc: WorkbenchError, folders: Sequence[Path], rows: dict[int, int] | None = None,
            review: Path | None = None) -> WorkbenchError:
    """The refusal in a researcher's terms: upload names, not temporary paths; the table's row, not a CSV line."""
    def clean(text: str) -> str:
        for folder in folders:
            text = text.replace(f"{folder}{os.sep}", "").replace(str(folder), "")
        return text

    if not isinstance(exc, InputError):
        return type(exc)(clean(str(exc)))
    if review is not None and exc.source == str(review):
        problem = re.sub(r"\b(on|but|and) line (\d+)\b", lambda m: f"{m[1]} row {(rows or {}).get(int(m[2]), m[2])}",
                         exc.problem)  # "first on line 3": not a finding's where, "line 2, column 5"
        fix = exc.fix.replace("scan again with --key", "find the identifiers again with the key")
        return InputError(TABLE, clean(problem), clean(fix),
                          row=rows.get(exc.line, exc.line) if rows and exc.line is not None else None)
    return InputError(clean(exc.source), clean(exc.problem), clean(exc.fix), line=exc.line, row=exc.row)


def scan_uploads(files: Sequence[Upload], *, names: Upload | None = None, places: Upload | None = None,
                 key: Upload | None = None, min_score: float = 0.5) -> list[Finding]:
    """``scan_files`` on uploaded files and lists (each ``(name, bytes)``), in a temporary folder; writes nothing."""
    from workbench.privacy import scan as privacy

    with tempfile.TemporaryDirectory(prefix="pseudonymise-") as tmp:
        folders = [Path(tmp) / d for d in ("files", "names", "places", "key")]
        try:
            paths = _upload_paths(folders[0], files)
            lists = [_upload_paths(folder, [given])[0] if given is not None else None
                     for folder, given in zip(folders[1:], (names, places, key), strict=True)]
            listed = privacy.read_names(lists[0]) if lists[0] is not None else None
            place_list = privacy.read_places(lists[1]) if lists[1] is not None else None
            found = scan_files(paths, names=listed, places=place_list,
                               key=read_key(lists[2]) if lists[2] is not None else None, min_score=min_score)
        except WorkbenchError as exc:
            raise _untemp(exc, folders) from None
    return [dataclasses.replace(f, file=Path(f.file).name) for f in found]


def reviewed(findings: Sequence[Finding], choices: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """The findings with a researcher's choices applied: rows of ``id``, ``placeholder`` and ``keep`` (ticked or not).

    Every finding needs its row, once, and every row a finding: a table edited out of step with its scan is
    refused rather than guessed at. The placeholders are checked by ``write_copies``, as a review file's are.
    """
    by_id = {f.id: f for f in findings}
    chosen: dict[str, tuple[str, bool]] = {}
    for number, row in enumerate(choices, start=1):
        finding_id = str(row.get("id") or "")
        if finding_id not in by_id:
            raise InputError(TABLE, f"has a row for {finding_id!r}, which is not a finding of this scan",
                             "find the identifiers again", row=number)
        if finding_id in chosen:
            raise InputError(TABLE, f"repeats finding {finding_id!r}", "find the identifiers again", row=number)
        keep = row.get("keep")
        placeholder = row.get("placeholder")
        chosen[finding_id] = ("" if placeholder is None or placeholder != placeholder else str(placeholder),
                              bool(keep) if keep is not None and keep == keep else False)  # NaN: left empty
    missing = [f.id for f in findings if f.id not in chosen]
    if missing:
        raise InputError(TABLE, f"has no row for {', '.join(missing[:3])}" + (" and more" if len(missing) > 3 else ""),
                         "find the identifiers again")
    return [dataclasses.replace(f, placeholder=chosen[f.id][0], action="keep" if chosen[f.id][1] else "ignore")
            for f in findings]


def copies_from_review(files: Sequence[Upload], findings: Sequence[Finding], *, key: Upload | None = None) -> Copies:
    """``write_copies`` on uploaded files with the reviewed findings, in a temporary folder: the copies as a zip.

    The findings are checked as a review file is (``--review``), so a refusal is the command line's, naming
    the table's row. The key (the one given, with this batch's new placeholders) comes back apart from the zip.
    """
    with tempfile.TemporaryDirectory(prefix="pseudonymise-") as tmp:
        root = Path(tmp)
        folders = [root / "files", root / "key", root / "copies", root]
        review = root / "review.csv"
        text = findings_csv(findings)
        review.write_text(text, encoding="utf-8", newline="")
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader)
        rows: dict[int, int] = {}  # the CSV's line (where a row ends) -> the table's row
        for number, _ in enumerate(reader, start=1):
            rows[reader.line_num] = number
        try:
            paths = _upload_paths(folders[0], files)
            key_path = _upload_paths(folders[1], [key])[0] if key is not None else folders[1] / "key.csv"
            folders[1].mkdir(exist_ok=True)
            outcome = write_copies(paths, review, folders[2], key_path=key_path)
        except WorkbenchError as exc:
            raise _untemp(exc, folders, rows, review) from None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in outcome.written:
                archive.write(path, path.name)
        key_data = key_path.read_bytes() if key_path.exists() else None
        outcome.warnings = [str(_untemp(WorkbenchError(w), folders)) for w in outcome.warnings]
        names = [p.name for p in outcome.written]
        outcome.written = [Path(n) for n in names]
        outcome.key = Path(key_path.name) if key_data is not None else None
    return Copies(buffer.getvalue(), names, key_data, outcome)
