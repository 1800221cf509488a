"""Segments from tables: CSV (or TSV), Excel and JSON Lines, one row a segment.

A table needs an id and a text column (names can be given). Optional columns with known
meanings: ``transcript`` (rows sharing it form one document, in file order; otherwise the
file is the document), ``participant``, ``speaker``. Every other column is kept as
metadata, filterable and usable as a group.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.core.segments import TranscriptDraft, Turn
from workbench.errors import InputError
from workbench.io.readers import ReadLimits, check_file, decode_text, open_zip
from workbench.io.transcripts import transcript_id_for

__all__ = ["Columns", "csv_rows", "jsonl_rows", "table_drafts", "xlsx_rows"]

Rows = tuple[str, list[tuple[int, dict[str, str]]]]  # ("line" or "row", [(number, {column: cell})])

csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True)
class Columns:
    """Which columns hold what; the defaults match the command-line contract."""

    id: str = "id"
    text: str = "text"
    transcript: str = "transcript"
    participant: str = "participant"
    speaker: str = "speaker"


def _csv_rows(path: Path, text: str, delimiter: str | None) -> Iterator[tuple[int, dict[str, str]]]:
    sample = text[:65536]
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(str(path), f"is not a readable CSV header ({exc})", "check the first line", line=1) from exc
    header = [h.strip() for h in header]
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise InputError(str(path), f"has {len(row)} cells but the header names {len(header)} columns",
                                 "quote cells that contain the delimiter", line=reader.line_num)
            yield reader.line_num, dict(zip(header, row, strict=False))
    except csv.Error as exc:
        raise InputError(str(path), f"is not valid CSV ({exc})", "check quoting around this line",
                         line=reader.line_num) from exc


def _xlsx_rows(path: Path, data: bytes, limits: ReadLimits) -> Iterator[tuple[int, dict[str, str]]]:
    open_zip(path, data, limits, "an Excel workbook (.xlsx)", "xl/workbook.xml")
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        result = []
        for number, values in enumerate(rows, start=2):
            cells = ["" if v is None else str(v) for v in values]
            if any(c.strip() for c in cells):
                result.append((number, dict(zip(header, cells, strict=False))))
        book.close()
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged workbooks; translate them all
        raise InputError(str(path), f"is a damaged Excel workbook ({type(exc).__name__})",
                         "open it in Excel and save it again as .xlsx") from exc
    yield from result


def _jsonl_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"is not valid JSON ({exc.msg})", "put one JSON object on each line",
                             line=number) from exc
        if not isinstance(value, dict):
            raise InputError(str(path), "holds a JSON value that is not an object", "put one {...} object on each line",
                             line=number)
        yield number, {str(k): _as_text(v) for k, v in value.items()}


def _as_text(value: object) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)


def csv_rows(path: Path, limits: ReadLimits, encoding: str | None = None, delimiter: str | None = None) -> Rows:
    """A CSV file's rows; without a ``delimiter`` it is sniffed from the header line (, ; tab or |)."""
    text = decode_text(check_file(path, limits), str(path), encoding)
    return "line", list(_csv_rows(path, text, delimiter))


def xlsx_rows(path: Path, limits: ReadLimits) -> Rows:
    """The first sheet's rows of an Excel workbook."""
    return "row", list(_xlsx_rows(path, check_file(path, limits), limits))


def jsonl_rows(path: Path, limits: ReadLimits, encoding: str | None = None) -> Rows:
    """A JSON Lines file's objects, one a row."""
    return "line", list(_jsonl_rows(path, decode_text(check_file(path, limits), str(path), encoding)))


def _find(header: dict[str, str], wanted: str) -> str | None:
    for name in header:
        if name.casefold() == wanted.casefold():
            return name
    return None


def table_drafts(path: Path, unit: str, rows: list[tuple[int, dict[str, str]]],
                 columns: Columns = Columns()) -> tuple[list[TranscriptDraft], list[str]]:
    """A table's rows (as its format read them) as one draft per transcript; returns (drafts, warnings)."""
    name = str(path)
    if not rows:
        raise InputError(name, "has a header but no rows", "add one row per segment")
    keys: dict[str, str] = {}
    for row_keys in (rows[0][1],):
        for role in ("id", "text", "transcript", "participant", "speaker"):
            found = _find(row_keys, getattr(columns, role))
            if found:
                keys[role] = found
    for role, flag in (("id", "--id-column"), ("text", "--text-column")):
        if role not in keys:
            present = ", ".join(repr(k) for k in rows[0][1]) or "none"
            raise InputError(name, f"has no {getattr(columns, role)!r} column (columns: {present})",
                             f"rename the column, or name it with {flag}", line=1)
    default_transcript = transcript_id_for(path)
    seen: dict[str, int] = {}
    warnings: list[str] = []
    groups: dict[str, list[Turn]] = {}
    known = set(keys.values())
    for number, row in rows:
        where = {unit: number}
        unit_id = (row.get(keys["id"]) or "").strip()
        if not unit_id:
            raise InputError(name, "has an empty id", "give every row an id", **where)
        if unit_id in seen:
            raise InputError(name, f"repeats id {unit_id!r} (first at {unit} {seen[unit_id]})",
                             "give every row a unique id", **where)
        seen[unit_id] = number
        text = row.get(keys["text"]) or ""
        if not text.strip():
            warnings.append(f"{name}, {unit} {number}: empty text, row {unit_id!r} skipped")
            continue
        transcript = (row.get(keys.get("transcript", ""), "") or "").strip() or default_transcript
        metadata = {k: v for k, v in row.items() if k not in known and k and v not in (None, "")}
        groups.setdefault(transcript, []).append(Turn(
            text=text,
            line=number,
            speaker=(row.get(keys.get("speaker", ""), "") or "").strip() or None,
            unit_id=unit_id,
            participant=(row.get(keys.get("participant", ""), "") or "").strip() or None,
            metadata=metadata,
        ))
    fmt = path.suffix.lower().lstrip(".")
    drafts = [TranscriptDraft(tid, name, fmt, tuple(turns), layout="table") for tid, turns in groups.items()]
    return drafts, warnings
