"""Reading a codebook to seed themes: REFI-QDA (.qdc, or a project's .qdpx) or a CSV with a name column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import InputError
from .readers import ReadLimits, check_file, decode_text, open_zip
from .refi import ImportedCode, read_qdc

__all__ = ["read_codebook"]


def _read_csv(text: str, source: str) -> list[ImportedCode]:
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    if "name" not in columns:
        raise InputError(source, "has no 'name' column", "give the codes in a column called name (definition, "
                         "inclusion and exclusion columns are optional)", line=1)
    found = []
    for line, row in enumerate(reader, start=2):
        name = (row.get(columns["name"]) or "").strip()
        if not name:
            raise InputError(source, "a row has no name", "fill the name, or delete the row", line=line)
        found.append(ImportedCode(name, *((row.get(columns[k]) or "").strip() if k in columns else ""
                                          for k in ("definition", "inclusion", "exclusion"))))
    if not found:
        raise InputError(source, "holds no codes", "add a row per code under the header")
    return found


def read_codebook(path: Path, limits: ReadLimits = ReadLimits()) -> list[ImportedCode]:
    """The codes in a .qdc, .qdpx or .csv file, or an InputError naming the file and the fix."""
    source = str(path)
    data = check_file(path, limits)
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        return read_qdc(data, source)
    if suffix == ".qdpx":
        archive = open_zip(path, data, limits, "a REFI-QDA project (.qdpx)", "project.qde")
        return read_qdc(archive.read("project.qde"), f"{source} (project.qde)")
    if suffix == ".csv":
        return _read_csv(decode_text(data, source), source)
    raise InputError(source, f"is a {suffix or 'file without a suffix'}", "import a codebook as .qdc, .qdpx or .csv")
