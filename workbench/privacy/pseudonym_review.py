"""A researcher's decisions on the findings, read back and checked before anything is written.

Each row is checked against the files as they are now (same file, same place, same text, an id the scan
wrote), and the decisions against each other and the key (one original, one placeholder; no two kept
findings overlapping). Any doubt refuses the whole review file, naming its line, so step two writes all
copies or none.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.core.spreadsheet import FORMULA_STARTS
from workbench.errors import InputError
from workbench.privacy.pseudonym_findings import _check_code
from workbench.privacy.pseudonym_key import Key, _base_placeholder, _read_csv_file, norm
from workbench.privacy.pseudonym_source import _Source

# Columns a review file must keep: those that find the finding and say what to do. score, why and context only
# help a person decide, so a researcher who deleted them to fit the screen is not refused.
_REQUIRED = ("id", "file", "where", "type", "text", "placeholder", "action", "file_sha256")
_ACTIONS = ("keep", "ignore")
_MAX_PLACEHOLDER = 100


@dataclass
class _Decision:
    line: int
    source: _Source
    spans: list[tuple[int, int, int]]
    type: str
    text: str
    placeholder: str
    keep: bool
    label: bool = False  # a speaker label's finding: its placeholder must still read as a label


def _read_review(path: Path, sources: list[_Source], key: Key) -> list[_Decision]:
    """The researcher's decisions, each checked against the files as they are now; any doubt refuses the file."""
    source_name = str(path)
    header, rows = _read_csv_file(path, "review file", _REQUIRED)
    at = {name: header.index(name) for name in _REQUIRED}
    by_name = {s.name: s for s in sources}
    seen: dict[str, int] = {}
    decisions: list[_Decision] = []

    def refuse(problem: str, fix: str, line: int) -> InputError:
        return InputError(source_name, problem, fix, line=line)

    for line, cells in rows:
        value = {name: cells[i] if i < len(cells) else "" for name, i in at.items()}
        finding_id, file, where, kind = (value[c].strip() for c in ("id", "file", "where", "type"))
        text, placeholder = value["text"], value["placeholder"].strip()
        action = value["action"].strip().lower()
        if finding_id in seen:
            raise refuse(f"repeats finding {finding_id!r} (first on line {seen[finding_id]})",
                         "delete one of the two rows", line)
        seen[finding_id] = line
        if action not in _ACTIONS:
            raise refuse(f"finding {finding_id} has the action {value['action']!r}",
                         "write keep (replace it) or ignore (leave it)", line)
        source = by_name.get(Path(file).name)
        if source is None:
            raise refuse(f"finding {finding_id} is in {file!r}, which is not among the files given",
                         "give that file too, or delete its rows", line)
        if value["file_sha256"].strip() != source.sha:
            raise refuse(f"{source.path} has changed since it was scanned (finding {finding_id})",
                         "scan it again and review the new findings file", line)
        spans = source.spans(where, text)
        if spans is None:
            raise refuse(f"finding {finding_id} is at {where!r}, which is no place in {source.name}",
                         "put back the 'where' the scan wrote", line)
        for unit, start, end in spans:
            there = source.units[unit].text[start:end]
            if there != text:
                raise refuse(f"finding {finding_id}'s text {text!r} is not what {source.name} holds at {where} "
                             f"({there!r})", "put the scan's text back (a spreadsheet may have turned it into a "
                             "number or a date: open the file with its columns as text); to replace more or less, "
                             "edit the transcript and scan again", line)
        if finding_id != f"{finding_id.partition('-')[0]}-{_check_code(source.sha, where, kind, text)}" or not \
                re.fullmatch(r"F\d{4,}-[0-9a-f]{6}", finding_id):
            raise refuse(f"{finding_id!r} is not a finding this scan wrote (or its file, where or type was edited)",
                         "copy the row back from the findings file the scan wrote, or scan again", line)
        keep = action == "keep"
        if keep:
            if not placeholder:
                raise refuse(f"finding {finding_id} is kept but has no placeholder",
                             "write the placeholder to put in its place, or set the action to ignore", line)
            if any(c in placeholder for c in "\r\n\t") or len(placeholder) > _MAX_PLACEHOLDER:
                raise refuse(f"finding {finding_id}'s placeholder is not one short line",
                             f"write at most {_MAX_PLACEHOLDER} characters on one line", line)
            if placeholder.startswith(FORMULA_STARTS):
                raise refuse(f"finding {finding_id}'s placeholder begins with {placeholder[0]!r}, which a "
                             "spreadsheet runs as a formula", "begin it with a letter or a bracket, e.g. [Person 1]",
                             line)
        decisions.append(_Decision(line, source, spans, kind, text, placeholder, keep,
                                   where.startswith("speaker label")))
    _check_consistent(decisions, key, source_name)
    _check_overlaps(decisions, source_name)
    return decisions


def _check_consistent(decisions: list[_Decision], key: Key, source: str) -> None:
    """One original, one placeholder: within the review, and with the key when one is given."""
    first: dict[str, tuple[str, int]] = {}
    for d in decisions:
        if not d.keep:
            continue
        original, placeholder = norm(d.text), _base_placeholder(d.text, d.placeholder)
        if original in first and first[original][0] != placeholder:
            raise InputError(source, f"gives {d.text!r} the placeholder {placeholder!r}, but line "
                             f"{first[original][1]} gives it {first[original][0]!r}",
                             "give every occurrence the same placeholder", line=d.line)
        first.setdefault(original, (placeholder, d.line))
        known = key.entries.get(original)
        if known is not None and known[0] != placeholder:
            raise InputError(source, f"gives {d.text!r} the placeholder {placeholder!r}, but the key "
                             f"{key.path} gives it {known[0]!r}",
                             f"use {known[0]!r}, or scan again with --key so placeholders follow the key", line=d.line)
        owner = key.owner(placeholder)
        if known is None and owner is not None:
            raise InputError(source, f"gives {d.text!r} the placeholder {placeholder!r}, which stands for "
                             f"{owner!r} in the key {key.path}",
                             "use another placeholder (scan again with --key to have one proposed); if they are "
                             "the same, add the original to the key with that placeholder", line=d.line)


def _check_overlaps(decisions: list[_Decision], source: str) -> None:
    spans: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for d in decisions:
        if d.keep:
            for unit, start, end in d.spans:
                spans.setdefault((id(d.source), unit), []).append((start, end, d.line))
    for found in spans.values():
        found.sort()
        for (_, end, line), (start, _, later) in itertools.pairwise(found):
            if start < end:
                raise InputError(source, f"keeps two findings that overlap (this one and line {line})",
                                 "set one of them to ignore", line=max(line, later))
