"""The one place that knows which files the workbench reads, and how.

Each format is a ``Format``: the suffixes it goes by, how to recognise it by its first
bytes (so a file with a missing or odd suffix still reads), and the function that reads
it. The command-line help, the Study page's upload box and the advice given for a file
the workbench cannot read are all derived from ``FORMATS``, so adding a format is one
reader module and one ``register`` call, and no list elsewhere falls out of step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from workbench.core.segments import TranscriptDraft
from workbench.errors import InputError
from workbench.io.readers import ReadLimits
from workbench.io.tabular import Columns, Rows

__all__ = [
    "FORMATS",
    "Format",
    "ReadContext",
    "format_for",
    "read_any",
    "register",
    "suffixes",
    "summary",
    "table_rows",
]


@dataclass(frozen=True)
class ReadContext:
    """What every reader may need besides the file: limits, encoding, and the speakers known so far."""

    limits: ReadLimits = ReadLimits()
    encoding: str | None = None
    columns: Columns = Columns()
    known_speakers: frozenset[str] = field(default_factory=frozenset)
    interviewer_labels: tuple[str, ...] = ()


Reader = Callable[[Path, ReadContext], tuple[list[TranscriptDraft], list[str]]]
RowReader = Callable[[Path, ReadLimits, "str | None"], Rows]


@dataclass(frozen=True)
class Format:
    """One file format: its name, suffixes, how to recognise it by content, and its reader."""

    name: str
    suffixes: tuple[str, ...]
    kind: Literal["transcript", "table"]
    read: Reader
    detect: Callable[[bytes], bool] | None = None
    rows: RowReader | None = None  # tables only: the rows, which segment tables and participant sidecars both read


FORMATS: list[Format] = []

# Files people try that the workbench does not read, with what to do instead.
_ADVICE = {
    ".doc": "old Word format: open it in Word and save it as .docx",
    ".rtf": "RTF: save it as .docx or .txt",
    ".xls": "old Excel format: save it as .xlsx or .csv",
    ".pages": "Apple Pages: export it as Word (.docx)",
    ".json": "a JSON file: put one segment object per line and name it .jsonl",
    ".mp3": "an audio file: transcribe it first, then import the transcript",
    ".m4a": "an audio file: transcribe it first, then import the transcript",
    ".wav": "an audio file: transcribe it first, then import the transcript",
    ".mp4": "a video file: export its transcript or subtitles (.vtt) and import those",
}


def register(fmt: Format) -> Format:
    """Add a format; a suffix may belong to one format only."""
    taken = {s for f in FORMATS for s in f.suffixes}
    clash = taken & set(fmt.suffixes)
    if clash:
        raise ValueError(f"suffix {sorted(clash)} is already registered")
    FORMATS.append(fmt)
    return fmt


def suffixes(kind: str | None = None) -> list[str]:
    """Every suffix read, in registration order (of one kind, if given)."""
    return [s for f in FORMATS if kind in (None, f.kind) for s in f.suffixes]


def summary(kind: str) -> str:
    """``.txt .docx .vtt ...``: the suffixes of one kind, for help texts and labels."""
    return " ".join(suffixes(kind))


def _detect(path: Path) -> Format | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    return next((f for f in FORMATS if f.detect and f.detect(head)), None)


def format_for(path: Path) -> Format:
    """The format of ``path``: by its suffix, else by its content, else a refusal that says what to do."""
    suffix = path.suffix.lower()
    found = next((f for f in FORMATS if suffix in f.suffixes), None)
    if found is not None:
        return found
    if path.is_dir():
        raise InputError(str(path), "is a folder, not a file", "name the files inside it")
    if suffix not in _ADVICE and path.is_file():
        detected = _detect(path)
        if detected is not None:
            return detected
    advice = _ADVICE.get(suffix, "the workbench reads transcripts (" + summary("transcript") + ") and tables ("
                         + summary("table") + ")")
    raise InputError(str(path), f"is not a format the workbench reads ({advice})")


def read_any(path: Path, context: ReadContext) -> tuple[list[TranscriptDraft], list[str]]:
    """Read one file with its format's reader."""
    return format_for(path).read(path, context)


def table_rows(path: Path, limits: ReadLimits, encoding: str | None = None) -> Rows:
    """The rows of a table file, read by its table format.

    A file whose suffix names no table (``people.txt`` holding comma-separated rows, say)
    is read as CSV: participant sidecars have always been read that way.
    """
    found = next((f for f in FORMATS if f.rows is not None and path.suffix.lower() in f.suffixes), None)
    return (found.rows if found is not None else _csv_rows)(path, limits, encoding)


# --- the formats --------------------------------------------------------------------------
def _txt(path: Path, ctx: ReadContext) -> tuple[list[TranscriptDraft], list[str]]:
    from workbench.io.transcripts import read_txt

    return [read_txt(path, ctx.limits, ctx.encoding, ctx.known_speakers, ctx.interviewer_labels)], []


def _docx(path: Path, ctx: ReadContext) -> tuple[list[TranscriptDraft], list[str]]:
    from workbench.io.transcripts import read_docx

    return [read_docx(path, ctx.limits, ctx.known_speakers, ctx.interviewer_labels)], []


def _subtitles(fmt: str) -> Reader:
    def read(path: Path, ctx: ReadContext) -> tuple[list[TranscriptDraft], list[str]]:
        from workbench.io.transcripts import read_subtitles

        return [read_subtitles(path, ctx.limits, fmt, ctx.encoding, ctx.known_speakers, ctx.interviewer_labels)], []

    return read


def _pdf(path: Path, ctx: ReadContext) -> tuple[list[TranscriptDraft], list[str]]:
    from workbench.io.transcripts import read_pdf

    return [read_pdf(path, ctx.limits, ctx.known_speakers, ctx.interviewer_labels)], []


def _odt(path: Path, ctx: ReadContext) -> tuple[list[TranscriptDraft], list[str]]:
    from workbench.io.transcripts import read_odt

    return [read_odt(path, ctx.limits, ctx.known_speakers, ctx.interviewer_labels)], []


def _table(path: Path, ctx: ReadContext) -> tuple[list[TranscriptDraft], list[str]]:
    from workbench.io.tabular import table_drafts

    unit, rows = table_rows(path, ctx.limits, ctx.encoding)
    return table_drafts(path, unit, rows, ctx.columns)


def _csv_rows(path: Path, limits: ReadLimits, encoding: str | None) -> Rows:
    from workbench.io.tabular import csv_rows

    return csv_rows(path, limits, encoding)


def _tsv_rows(path: Path, limits: ReadLimits, encoding: str | None) -> Rows:
    from workbench.io.tabular import csv_rows

    return csv_rows(path, limits, encoding, delimiter="\t")


def _xlsx_rows(path: Path, limits: ReadLimits, encoding: str | None) -> Rows:
    from workbench.io.tabular import xlsx_rows

    return xlsx_rows(path, limits)


def _jsonl_rows(path: Path, limits: ReadLimits, encoding: str | None) -> Rows:
    from workbench.io.tabular import jsonl_rows

    return jsonl_rows(path, limits, encoding)


def _zip_holding(member: bytes) -> Callable[[bytes], bool]:
    # A zip's local headers name its first parts; Office files name theirs early.
    return lambda head: head.startswith(b"PK\x03\x04") and member in head


register(Format("Plain-text transcript", (".txt", ".text"), "transcript", _txt))
register(Format("Word transcript", (".docx",), "transcript", _docx, _zip_holding(b"word/")))
register(Format("OpenDocument transcript", (".odt",), "transcript", _odt,
                lambda head: head.startswith(b"PK\x03\x04") and b"application/vnd.oasis.opendocument.text" in head))
register(Format("PDF transcript (with a text layer)", (".pdf",), "transcript", _pdf,
                lambda head: head.startswith(b"%PDF")))
register(Format("WebVTT subtitles (Teams, Zoom)", (".vtt",), "transcript", _subtitles("vtt"),
                lambda head: head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT")))
register(Format("SRT subtitles", (".srt",), "transcript", _subtitles("srt")))
register(Format("CSV table", (".csv",), "table", _table, rows=_csv_rows))
register(Format("Tab-separated table", (".tsv",), "table", _table, rows=_tsv_rows))
register(Format("Excel workbook", (".xlsx", ".xlsm"), "table", _table, rows=_xlsx_rows))
register(Format("JSON Lines", (".jsonl", ".ndjson"), "table", _table, rows=_jsonl_rows))

