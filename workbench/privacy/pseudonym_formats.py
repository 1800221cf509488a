"""Which formats ``workbench pseudonymise`` copies, and which reader opens each one.

The one place that knows every format: a format added is a reader module and a line here. Word's reader
is imported only when a .docx is given, since it brings lxml with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.errors import InputError
from workbench.io.readers import ReadLimits, check_file
from workbench.privacy.pseudonym_source import _Source, _Txt
from workbench.privacy.pseudonym_subtitles import _Subtitles
from workbench.privacy.pseudonym_tables import _Csv, _Xlsx

__all__ = ["SUFFIXES"]

SUFFIXES = (".txt", ".text", ".docx", ".vtt", ".srt", ".csv", ".tsv", ".xlsx", ".xlsm")


def _open(path: Path, limits: ReadLimits, encoding: str | None) -> _Source:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        advice = ("a PDF or OpenDocument file cannot be rewritten in place: export it as .docx"
                  if suffix in (".pdf", ".odt") else "save it as one of those")
        raise InputError(str(path), f"is not a format pseudonymise copies ({' '.join(SUFFIXES)})", advice)
    data = check_file(path, limits)
    if suffix in (".txt", ".text"):
        return _Txt(path, data, encoding)
    if suffix in (".vtt", ".srt"):
        return _Subtitles(path, data, encoding, suffix[1:])
    if suffix in (".csv", ".tsv"):
        return _Csv(path, data, encoding)
    if suffix == ".docx":
        from workbench.privacy.pseudonym_docx import _Docx  # lxml, only when a Word document is given

        return _Docx(path, data, limits)
    return _Xlsx(path, data, limits)


def _open_all(paths: Sequence[Path], limits: ReadLimits, encoding: str | None) -> list[_Source]:
    seen: dict[str, Path] = {}
    for path in paths:
        if path.name in seen:
            raise InputError(str(path), f"has the same name as {seen[path.name]}, and the copies would overwrite "
                             "each other", "rename one of them, or run them in separate batches")
        seen[path.name] = path
    return [_open(path, limits, encoding) for path in paths]
