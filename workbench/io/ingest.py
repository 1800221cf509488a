"""From files to transcripts and segments: format by extension, checks, segmentation.

Pure with respect to the study: it reads the files it is given and returns what they
hold. Deciding what is new, unchanged or conflicting against the study is the facade's
job, which then writes everything in one transaction.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.participants import Participant
from workbench.core.progress import Progress
from workbench.core.segments import Transcript, Turn, build
from workbench.errors import InputError
from workbench.io.formats import ReadContext, read_any
from workbench.io.import_check import TranscriptCheck, check_transcript, describe_checks, sidecar_warnings
from workbench.io.participants import read_participants
from workbench.io.readers import ReadLimits, noting_digests
from workbench.io.tabular import Columns

if TYPE_CHECKING:
    from workbench.engine.model_files import TokenCounter

__all__ = ["IngestOptions", "ParsedFiles", "describe_difference", "parse_files"]



@dataclass(frozen=True)
class IngestOptions:
    columns: Columns = Columns()
    encoding: str | None = None
    limits: ReadLimits = ReadLimits()
    interviewer_labels: tuple[str, ...] = ()


@dataclass
class ParsedFiles:
    transcripts: list[Transcript] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[TranscriptCheck] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # path -> SHA-256 of the bytes read, for the import record

    @property
    def report_warnings(self) -> list[str]:
        """Warnings about the files as a whole (a row skipped, a participant with no turns)."""
        return self.warnings + sidecar_warnings(self.participants, self.checks)

    @property
    def report(self) -> list[str]:
        """The check report as lines: per transcript its speakers and warnings, then the files' warnings."""
        return describe_checks(self.checks, self.report_warnings)


def parse_files(
    paths: Sequence[Path],
    counter: TokenCounter,
    options: IngestOptions = IngestOptions(),
    participants_file: Path | None = None,
    known_participants: Iterable[str] = (),
    progress: Progress | None = None,
) -> ParsedFiles:
    """Read every file, then segment every transcript; raises InputError on the first bad file.

    Writes nothing: the result carries, besides the transcripts, the check report a
    researcher reads before importing (``ParsedFiles.report``).
    """
    parsed = ParsedFiles()
    with noting_digests() as digests:
        _parse_into(parsed, paths, counter, options, participants_file, known_participants, progress)
    parsed.digests = digests
    return parsed


def _parse_into(parsed: ParsedFiles, paths: Sequence[Path], counter: TokenCounter, options: IngestOptions,
                participants_file: Path | None, known_participants: Iterable[str], progress: Progress | None) -> None:
    """``parse_files``'s reading and segmenting, into ``parsed``; every file read has its digest noted."""
    if participants_file is not None:
        parsed.participants = read_participants(participants_file, options.limits, options.encoding)
    known = {p.id for p in parsed.participants} | set(known_participants)
    canonical = {k.casefold(): k for k in known}
    context = ReadContext(options.limits, options.encoding, options.columns, frozenset(known),
                          options.interviewer_labels)

    def participant_of(turn: Turn) -> str | None:
        label = turn.participant or turn.speaker
        if not label:
            return None
        return canonical.get(label.strip().casefold(), label.strip())

    seen_ids: dict[str, str] = {}
    for done, path in enumerate(paths):
        if progress:
            progress(done, len(paths), path.name)
        drafts, warnings = read_any(path, context)
        parsed.warnings.extend(warnings)
        for draft in drafts:
            if draft.id in seen_ids:
                raise InputError(str(path), f"holds transcript {draft.id!r}, which {seen_ids[draft.id]} also holds",
                                 "rename one of the files, or import them separately")
            seen_ids[draft.id] = str(path)
            transcript = build(draft, counter, counter.limit, participant_of, options.interviewer_labels)
            parsed.transcripts.append(transcript)
            parsed.checks.append(check_transcript(draft, transcript, known or None))
    if progress:
        progress(len(paths), len(paths), "done")


def describe_difference(old: str, new: str) -> str:
    """Say briefly where a re-imported transcript differs from the one stored."""
    old_lines, new_lines = old.split("\n\n"), new.split("\n\n")  # one paragraph per turn
    opcodes = [op for op in difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes()
               if op[0] != "equal"]
    if not opcodes:
        return "only whitespace differs"
    tag, i1, i2, j1, j2 = opcodes[0]
    before = old_lines[i1][:60] if i1 < i2 else ""
    after = new_lines[j1][:60] if j1 < j2 else ""
    what = {"replace": "changed", "delete": "removed", "insert": "added"}[tag]
    detail = f"paragraph {i1 + 1} {what}: "
    detail += f"{before!r} -> {after!r}" if tag == "replace" else repr(before or after)
    return f"{detail} ({len(opcodes)} change{'s' if len(opcodes) != 1 else ''} in all)"
