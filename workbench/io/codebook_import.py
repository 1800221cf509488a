"""Reading a codebook to seed themes: REFI-QDA (.qdc, or a project's .qdpx) or a CSV with a name column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.core.names import check_text
from workbench.errors import InputError, WorkbenchError
from workbench.io.readers import ReadLimits, check_file, decode_text, open_zip
from workbench.io.refi import THEME_NAME_LIMIT, ImportedCode, brief, read_qdc

__all__ = ["read_codebook"]


def _read_csv(text: str, source: str) -> list[ImportedCode]:
    """The codes of a CSV codebook; a row's line is where it starts (a quoted cell may span lines)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    found = []
    first_at: dict[str, int] = {}  # casefolded name -> its line
    line = 1
    try:
        columns = {c.strip().lower(): c for c in reader.fieldnames or []}
        if "name" not in columns:
            raise InputError(source, "has no 'name' column", "give the codes in a column called name (definition, "
                             "inclusion and exclusion columns are optional)", line=1)
        line = reader.line_num + 1
        for row in reader:
            name = (row.get(columns["name"]) or "").strip()
            if not name:
                raise InputError(source, "a row has no name", "fill the name, or delete the row", line=line)
            if len(name) > THEME_NAME_LIMIT:
                raise InputError(source, f"the name {brief(name)!r} has {len(name)} characters; a theme's name may "
                                 f"have up to {THEME_NAME_LIMIT}", "shorten it: the definition can say more",
                                 line=line)
            if name.casefold() in first_at:
                raise InputError(source, f"repeats the name {brief(name)!r} (first at line "
                                 f"{first_at[name.casefold()]}; theme names must differ, ignoring case)",
                                 "delete or rename one of them", line=line)
            first_at[name.casefold()] = line
            found.append(ImportedCode(name, *((row.get(columns[k]) or "").strip() if k in columns else ""
                                              for k in ("definition", "inclusion", "exclusion"))))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(source, f"a cell is longer than the {csv.field_size_limit()} characters a cell may hold "
                             "(or a quote is never closed)", "shorten the cell, or close its quotes",
                             line=line) from None
        raise InputError(source, f"is not valid CSV ({exc})", "check the quoting on this line", line=line) from None
    if not found:
        raise InputError(source, "holds no codes", "add a row per code under the header")
    return found


def read_codebook(path: Path, limits: ReadLimits = ReadLimits()) -> list[ImportedCode]:
    """The codes in a .qdc, .qdpx or .csv file, or an InputError naming the file and the fix."""
    source = str(path)
    data = check_file(path, limits)
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        codes = read_qdc(data, source)
    elif suffix == ".qdpx":
        archive = open_zip(path, data, limits, "a REFI-QDA project (.qdpx)", "project.qde")
        source = f"{source} (project.qde)"
        codes = read_qdc(archive.read("project.qde"), source)
    elif suffix == ".csv":
        codes = _read_csv(decode_text(data, source), source)
    else:
        raise InputError(source, f"is a {suffix or 'file without a suffix'}",
                         "import a codebook as .qdc, .qdpx or .csv")
    for code in codes:
        _check_words(code, source)
    return codes


def _check_words(code: ImportedCode, source: str) -> None:
    """Refuse what a decision would refuse (control and bidirectional characters), naming the file and the code.

    The decision log checks every new theme's words; checked here first, the researcher
    learns which code of which file to fix, not only that a theme's name was refused.
    """
    fields = (("name", code.name, True), ("definition", code.definition, False),
              ("inclusion criteria", code.inclusion, False), ("exclusion criteria", code.exclusion, False))
    for field, text, is_name in fields:
        try:
            check_text(text, f"its {field}", name=is_name)
        except WorkbenchError as exc:
            raise InputError(source, f"code {brief(code.name)!r}: {exc}",
                             "remove the character in your QDA program (or the file) and import it again") from None
