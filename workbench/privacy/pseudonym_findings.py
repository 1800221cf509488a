"""Step one: every likely identifier in the files, with a proposed placeholder and action. Nothing is copied.

Each finding names its place in a person's terms, carries its file's sha256 (a file edited between the
steps is refused) and an id ending in a check code over file, place, type and text (a row typed in or
pasted from elsewhere is refused): ``pseudonym_review`` checks both when the list comes back.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.spreadsheet import csv_text, safe_cell
from workbench.errors import WorkbenchError
from workbench.io.readers import ReadLimits
from workbench.privacy.pseudonym_formats import _open_all
from workbench.privacy.pseudonym_key import _CHILD_BEFORE, _PERSON_TYPES, Key, _label, _split_possessive, norm
from workbench.privacy.pseudonym_source import _Source
from workbench.privacy.pseudonym_speakers import _label_spans, _names_someone, _speaker_score, _voice_speaker

__all__ = ["COLUMNS", "Finding", "findings_csv", "scan_files"]

COLUMNS = ("id", "file", "where", "type", "text", "score", "why", "context", "placeholder", "action", "file_sha256")
_CONTEXT = 30  # characters either side of a finding in the context column


@dataclass(frozen=True)
class Finding:
    """One row of the findings file: a likely identifier, where it is, and what to do with it."""

    id: str
    file: str
    where: str
    type: str
    text: str
    score: float
    why: str
    context: str
    placeholder: str
    action: str
    file_sha256: str

    def row(self) -> list[object]:
        return [safe_cell(v) for v in (self.id, self.file, self.where, self.type, self.text, f"{self.score:.2f}",
                                       self.why, self.context, self.placeholder, self.action, self.file_sha256)]


def _check_code(sha: str, where: str, kind: str, text: str) -> str:
    return hashlib.sha256("\x00".join((sha, where, kind, text)).encode()).hexdigest()[:6]


def _context(text: str, start: int, end: int) -> str:
    from workbench.privacy.scan import context

    return " ".join(context(text, start, end, _CONTEXT).split())  # one line in the findings file


def _scanner(names: Any, places: Any) -> Callable[[str], list[Any]]:
    """``privacy.scan.scan_text`` with the lists given; ``places`` only where the scanner takes one."""
    from workbench.privacy import scan as privacy

    if "places" in inspect.signature(privacy.scan_text).parameters:
        return lambda text: privacy.scan_text(text, names, places=places)
    if places is not None:
        raise WorkbenchError("this version of the scanner takes no list of places: leave out --places")
    return lambda text: privacy.scan_text(text, names)


@dataclass
class _Occurrence:
    source: _Source
    spans: list[tuple[int, int, int]]
    type: str
    text: str
    score: float
    why: str


def scan_files(paths: Sequence[Path], *, names: Any = None, places: Any = None, key: Key | None = None,
               min_score: float = 0.5, limits: ReadLimits | None = None,
               encoding: str | None = None) -> list[Finding]:
    """Step one: every likely identifier in the files, with a proposed placeholder and action. Writes nothing.

    ``names`` and ``places`` are the scanner's lists (``privacy.scan.read_names``, ``privacy.scan.read_places``);
    ``key`` supplies placeholders given in earlier batches.
    """
    sources = _open_all(paths, limits or ReadLimits(), encoding)
    scan = _scanner(names, places)
    found: list[_Occurrence] = []
    for source in sources:
        mine: list[tuple[tuple[int, int], _Occurrence]] = []
        voices: dict[str, _Occurrence] = {}
        labels = _label_spans(source)
        covered: dict[int, list[tuple[int, int]]] = {}
        for speaker, spans in labels.items():
            score, why = _speaker_score(speaker, "speaker label at the start of a line")
            mine.append(((spans[0][0], spans[0][1]), _Occurrence(source, spans, "person", speaker, score, why)))
            for unit, start, end in spans:
                covered.setdefault(unit, []).append((start, end))
        for index, unit in enumerate(source.units):
            if unit.kind == "voice":
                speaker = _voice_speaker(unit.text)
                if not _names_someone(speaker):
                    continue
                if speaker in voices:
                    voices[speaker].spans.append((index, 0, len(speaker)))
                else:
                    score, why = _speaker_score(speaker, "speaker's name in a voice tag (<v ...>)")
                    voices[speaker] = _Occurrence(source, [(index, 0, len(speaker))], "person", speaker, score, why)
                    mine.append(((index, 0), voices[speaker]))
                continue
            for hit in scan(unit.text):
                # A name inside a speaker label is the label's finding: replacing part of it would leave
                # "Ringo [Person 6]:", which no longer reads as a label, so turns would merge on re-import.
                if any(a < hit.end and hit.start < b for a, b in covered.get(index, ())):
                    continue
                mine.append(((index, hit.start), _Occurrence(source, [(index, hit.start, hit.end)], hit.type,
                                                             unit.text[hit.start:hit.end], hit.score, hit.why)))
        found.extend(occurrence for _, occurrence in sorted(mine, key=lambda item: item[0]))
    placeholders = _propose(found, key or Key())
    findings = []
    for number, (occurrence, placeholder) in enumerate(zip(found, placeholders, strict=True), start=1):
        source = occurrence.source
        unit, start, end = occurrence.spans[0]
        if source.units[unit].kind == "voice":
            cues = [source.units[u].cue for u, _, _ in occurrence.spans]
            where = (f"voice tag, cue {cues[0]}" if len(cues) == 1
                     else f"voice tags, cue {cues[0]} and {len(cues) - 1} more")
            context = f"<v {source.units[unit].text}>"
        elif occurrence.why.startswith("speaker label"):
            count = len(occurrence.spans)
            where = f"speaker label{'s' if count > 1 else ''}, first at {source.where(unit, start)}" + (
                f", {count} in all" if count > 1 else "")
            context = _context(source.units[unit].text, start, end)
        else:
            where = source.where(unit, start)
            context = _context(source.units[unit].text, start, end)
        code = _check_code(source.sha, where, occurrence.type, occurrence.text)
        findings.append(Finding(f"F{number:04d}-{code}", str(source.path), where, occurrence.type, occurrence.text,
                                occurrence.score, occurrence.why, context, placeholder,
                                "keep" if occurrence.score >= min_score else "ignore", source.sha))
    return findings


def _propose(found: list[_Occurrence], key: Key) -> list[str]:
    """A placeholder for each finding: the key's for an original it knows, else the next of its kind, in order."""
    child: set[str] = set()
    for occurrence in found:
        unit, start, _ = occurrence.spans[0]
        before = occurrence.source.units[unit].text[max(0, start - 40):start]
        if occurrence.type in _PERSON_TYPES and _CHILD_BEFORE.search(before):
            child.add(norm(occurrence.text))
    given = {k: v[0] for k, v in key.entries.items()}
    counters = key.highest()
    taken = {v[0] for v in key.entries.values()}
    out = []
    for occurrence in found:
        base, possessive = _split_possessive(occurrence.text)
        original = norm(occurrence.text)
        if original not in given:
            label = _label(occurrence.type, base, original in child)
            while True:
                counters[label] += 1
                placeholder = f"[{label} {counters[label]}]"
                if placeholder not in taken:
                    break
            given[original] = placeholder
            taken.add(placeholder)
        out.append(given[original] + possessive)
    return out


def findings_csv(findings: Iterable[Finding]) -> str:
    """The findings file: one row a finding, every text cell safe to open in a spreadsheet."""
    return csv_text([COLUMNS, *(finding.row() for finding in findings)], lineterminator="\r\n")
