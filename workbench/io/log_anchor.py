"""The log's head anchored outside the database: does the log still extend what a team recorded?

``log verify`` alone checks the chain against the head the database records beside it, so
someone who can write to the database can cut events off the end and move that record
back, or rewrite every event and recompute every hash, and the log still verifies. What
they cannot change is a head the team wrote down elsewhere (an email, a lab notebook) or
an export kept elsewhere: as with Certificate Transparency's signed tree heads, the
protection is that the log must keep *extending* a head others hold. This module reads
such a recorded head or earlier export and says where the log stopped extending it.

Pure: the caller reads the events and the file; nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.decisions import Event, event_hash
from workbench.errors import InputError, WorkbenchError
from workbench.io.export import LOG_COLUMNS, log_csv, log_jsonl

__all__ = ["RecordedHead", "export_problems", "head_line", "head_problems", "parse_head", "read_export"]

_HEX = "[0-9a-fA-F]{64}"
# '#42:abcd..', '42:abcd..', '#42 sha256:abcd..' (inside the pasted one-line form), then a bare hash.
_WITH_SEQ = re.compile(rf"(?<!\w)#?(\d+)\s*(?::|\s)\s*(?:sha256:)?({_HEX})(?![0-9a-fA-F])")
_BARE = re.compile(rf"(?:sha256:)?({_HEX})")


@dataclass(frozen=True)
class RecordedHead:
    """A head as a team recorded it: the event's number (when they kept it) and its hash."""

    seq: int | None
    hash: str

    def __str__(self) -> str:
        return f"sha256:{self.hash}" if self.seq is None else f"#{self.seq} sha256:{self.hash}"


def head_line(study: str, seq: int, digest: str) -> str:
    """The one line to paste into an email or notebook; ``parse_head`` reads it back."""
    return f"study {study} log head #{seq} sha256:{digest}"


def parse_head(text: str) -> RecordedHead:
    """A head given as ``#N:HASH``, ``N:HASH``, the pasted line of ``head_line``, or a bare hash."""
    given = text.strip()
    found = _WITH_SEQ.search(given)
    if found:
        return RecordedHead(int(found.group(1)), found.group(2).lower())
    bare = _BARE.fullmatch(given)
    if bare:
        return RecordedHead(None, bare.group(1).lower())
    raise WorkbenchError(f"--head {given!r}: not a log head; give it as 'workbench log head' printed it, e.g. "
                         "'#42:<64 hex digits>' or the whole line 'study NAME log head #42 sha256:<64 hex digits>'")


def head_problems(events: Sequence[Event], head: RecordedHead) -> list[str]:
    """Why the log no longer extends ``head`` (empty when the recorded event is still there, unchanged).

    The event must still sit at its number with its hash; that its content still matches
    the hash, and that the chain from it to today's head is intact, is ``chain_problems``'s part.
    """
    lost = f"the log no longer contains the head you recorded ({head})"
    if head.seq is None:
        if any(e.hash == head.hash for e in events):
            return []
        return [f"{lost}: no event has that hash; events were removed or rewritten"]
    at = next((e for e in events if e.seq == head.seq), None)
    if at is not None and at.hash == head.hash:
        return []
    moved = next((e for e in events if e.hash == head.hash), None)
    if moved is not None:
        return [f"{lost}: that event is now numbered #{moved.seq}; events were removed or inserted before it"]
    if at is None:
        ends = f"#{events[-1].seq}" if events else "no event at all"
        return [f"{lost}: event #{head.seq} is missing, the log now ends at {ends}; events were removed or rewritten"]
    return [f"{lost}: event #{head.seq} now has hash sha256:{at.hash}; events were removed or rewritten"]


def read_export(text: str, source: str) -> tuple[str, list[dict[str, str]]]:
    """An earlier log export (``.jsonl`` or ``.csv`` as ``log export`` writes it) as (format, rows of text)."""
    body = text.lstrip("\ufeff")
    if body.lstrip().startswith("{") or not body.strip():
        return "jsonl", _jsonl_rows(body, source)
    return "csv", _csv_rows(body, source)


def _jsonl_rows(text: str, source: str) -> list[dict[str, str]]:
    rows = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict) or set(LOG_COLUMNS) - set(record):
            raise InputError(source, "is not an event of a decision-log export",
                             "give the unedited .jsonl or .csv file 'workbench log export' wrote", line=line)
        rows.append({column: str(record[column]) for column in LOG_COLUMNS})
    return rows


def _csv_rows(text: str, source: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in LOG_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(source, f"not a decision-log export: no {', '.join(missing)} column",
                         "give the unedited .jsonl or .csv file 'workbench log export' wrote", line=1)
    return [{column: row.get(column) or "" for column in LOG_COLUMNS} for row in reader]


def export_problems(events: Sequence[Event], earlier: list[dict[str, str]], fmt: str, source: str) -> list[str]:
    """Why the log is no longer ``earlier`` followed by later events: the first event that differs.

    Today's events are written the way the earlier file was (a CSV's cells made
    spreadsheet-safe) and read back by the same reader, so like is compared with like.
    A JSONL export is exact, so an event in it that no longer matches its own hash says
    the file, not the log, was edited.
    """
    now = (_jsonl_rows if fmt == "jsonl" else _csv_rows)(log_jsonl(events) if fmt == "jsonl" else log_csv(events),
                                                        source)
    for position, then in enumerate(earlier):
        seq = then["seq"]
        if fmt == "jsonl" and _own_hash(then) != then["hash"]:
            return [f"event #{seq} in {source} does not match its own hash: the file was edited after it was "
                    "written, so it cannot vouch for the log; use an untouched copy"]
        if position >= len(now):
            ends = f"#{now[-1]['seq']}" if now else "no event at all"
            return [f"event #{seq} of the earlier export {source} is missing: the log now ends at {ends}; "
                    "events were removed or rewritten"]
        if now[position] != then:
            changed = [c for c in LOG_COLUMNS if now[position][c] != then[c]]
            shown = "; ".join(f"{c} was {_short(then[c])}, now {_short(now[position][c])}" for c in changed)
            return [f"event #{seq} differs from the earlier export {source} ({shown}): events were removed or "
                    "rewritten since that export"]
    return []


def _own_hash(row: dict[str, str]) -> str:
    try:
        seq = int(row["seq"])
    except ValueError:
        return ""
    return event_hash(seq, row["at"], row["by"], row["kind"], row["payload"], row["rationale"], row["prev_hash"])


def _short(value: str, limit: int = 70) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")
