"""Importing into a study: files parsed and checked, then written in one transaction, or not at all.

What this owns is the rules that span the importers and the store: what a re-import may
change, whose role a speaker label may set, and what the import record says of each file.
Each file is read once: the hash recorded for it is of the bytes that were parsed
(``ParsedFiles.digests``), and the study's participants are read from the store once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.names import check_name, default_researcher
from workbench.core.participants import Participant
from workbench.core.progress import Progress
from workbench.core.segments import SegmentRow, Transcript
from workbench.errors import ConflictError
from workbench.io.import_check import TranscriptCheck, describe_checks
from workbench.io.ingest import IngestOptions, ParsedFiles, describe_difference, parse_files

if TYPE_CHECKING:
    from workbench.core.decisions import Event
    from workbench.study import Study

__all__ = ["IngestReport", "import_codebook", "ingest", "parse", "speaking"]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # transcript ids
    unchanged: list[str] = field(default_factory=list)
    segments_added: int = 0
    participants_added: int = 0
    participants_updated: int = 0
    warnings: list[str] = field(default_factory=list)
    checks: list[TranscriptCheck] = field(default_factory=list)  # the parse of every file, as --check shows it
    roles_from_labels: dict[str, str] = field(default_factory=dict)  # participant -> role read off its label

    @property
    def report(self) -> list[str]:
        """The parse report (speakers, shares, warnings), then what the import did with roles."""
        lines = describe_checks(self.checks)
        if self.roles_from_labels:
            lines.append("roles taken from speaker labels (the participants file gave none): " + ", ".join(
                f"{pid}: {role}" for pid, role in sorted(self.roles_from_labels.items())))
        return lines + [f"warning: {w}" for w in self.warnings]

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.participants_added or self.participants_updated)


def parse(study: Study, paths: Sequence[Path], participants: Path | None = None,
          options: IngestOptions = IngestOptions(), progress: Progress | None = None,
          known: Iterable[str] | None = None) -> ParsedFiles:
    """Parse files as an import would, writing nothing (``known``: the study's participant ids, if read already)."""
    if known is None:
        known = [p.id for p in study.store.participants()]
    return parse_files(paths, study.counter(), options, participants, known, progress)


def ingest(study: Study, paths: Sequence[Path], by: str | None = None, participants: Path | None = None,
           options: IngestOptions = IngestOptions(), progress: Progress | None = None) -> IngestReport:
    """Import files in one transaction: all of them, or (on any error) none.

    A transcript already in the study with the same text is left alone and reported as
    unchanged; one whose text differs is refused, saying where, because segments that
    researchers may have coded would silently shift under them.
    """

    by = check_name(by or default_researcher())
    stored_people = study.store.participants()  # once: the parse, the roles and the warnings all need them
    parsed = parse(study, paths, participants, options, progress, [p.id for p in stored_people])
    report = IngestReport(warnings=list(parsed.warnings), checks=list(parsed.checks))

    stored = {t.id: t for t in study.store.transcripts()}
    changed = [t for t in parsed.transcripts if t.id in stored and stored[t.id].text_sha256 != t.text_hash]
    if changed:
        first = changed[0]
        old = study.store.transcript_texts([first.id])[first.id]
        more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
        raise ConflictError(
            f"{first.source}: transcript {first.id!r} is already in the study with different text"
            f"{more}: {describe_difference(old, first.text)}; nothing was imported. Import the "
            "changed version under a new file name, or keep the one already coded"
        )
    report.unchanged = [t.id for t in parsed.transcripts if t.id in stored]
    fresh = [t for t in parsed.transcripts if t.id not in stored]
    report.checks = [c for c in parsed.checks if c.id not in stored]  # what this import adds

    owners = study.store.segment_owners(s.id for t in fresh for s in t.segments)
    if owners:
        seg_id, owner = next(iter(owners.items()))
        source = next(t.source for t in fresh if any(s.id == seg_id for s in t.segments))
        raise ConflictError(f"{source}: segment id {seg_id!r} is already used by transcript {owner!r}; "
                            "nothing was imported. Give the rows ids of their own")

    people = _with_label_roles(stored_people, parsed.participants, fresh, report)
    with study.store.write(by, f"importing {len(fresh)} transcript(s)") as tx:
        if people:
            report.participants_added, report.participants_updated = tx.upsert_participants(people)
        by_source: dict[str, list[Transcript]] = {}
        for transcript in fresh:
            by_source.setdefault(transcript.source, []).append(transcript)
        for source, items in by_source.items():
            details: dict[str, Any] = {
                "transcripts": [t.id for t in items],
                "segments": sum(len(t.segments) for t in items),
            }
            speakers = {s.participant_id for t in items for s in t.segments}
            roles = {p: r for p, r in report.roles_from_labels.items() if p in speakers}
            if roles:
                details["roles_from_labels"] = roles
            import_id = tx.record_import(by, source, _digest(parsed, source), details)
            for transcript in items:
                tx.add_transcript(transcript, import_id)
                report.added.append(transcript.id)
                report.segments_added += len(transcript.segments)
        if participants is not None and (report.participants_added or report.participants_updated):
            tx.record_import(by, str(participants), _digest(parsed, str(participants)), {
                "participants_added": report.participants_added,
                "participants_updated": report.participants_updated,
            })
    # Those in the study now: the ones read before, and those just written (an upsert adds or updates).
    now_known = {p.id for p in stored_people} | {p.id for p in people}
    report.warnings.extend(_participant_warnings(study, now_known, parsed.participants))
    return report


def _digest(parsed: ParsedFiles, source: str) -> str:
    """The SHA-256 of ``source`` as it was parsed; read again only if no reader noted it."""
    found = parsed.digests.get(source)
    return found if found is not None else hashlib.sha256(Path(source).read_bytes()).hexdigest()


def _with_label_roles(stored: list[Participant], sidecar: list[Participant], fresh: list[Transcript],
                      report: IngestReport) -> list[Participant]:
    """The participants to write: the sidecar's, with roles offered by labels where nobody gave one.

    ``P03 (Social Worker):`` says what P03 is. Where neither the participants file nor
    the study (``stored``) gives P03 a role, that description becomes the role (and the
    report says so); where either gives one, theirs stands.
    """
    described: dict[str, Counter[str]] = {}
    for transcript in fresh:
        for segment in transcript.segments:
            role = segment.metadata.get("speaker_description")
            if role and segment.participant_id and not segment.is_interviewer:
                described.setdefault(segment.participant_id, Counter())[role] += 1
    if not described:
        return sidecar
    given = {p.id: p for p in stored} | {p.id: p for p in sidecar}
    people = {p.id: p for p in sidecar}
    for pid, roles in described.items():
        current = given.get(pid)
        if current is not None and current.role:
            continue
        role = roles.most_common(1)[0][0]
        base = current or Participant(pid)
        people[pid] = Participant(base.id, base.site, role, dict(base.attributes))
        report.roles_from_labels[pid] = role
    return list(people.values())


def speaking(rows: Iterable[SegmentRow]) -> dict[str, set[str]]:
    """Each participant who speaks (interviewers aside), with the transcripts they speak in."""
    found: dict[str, set[str]] = {}
    for row in rows:
        if row.participant_id and not row.is_interviewer:
            found.setdefault(row.participant_id, set()).add(row.transcript_id)
    return found


def _participant_warnings(study: Study, people: set[str], sidecar: list[Participant]) -> list[str]:
    """What the participants file and the study's speakers disagree on, once the import is written."""
    speakers = study.speaking()
    warnings = []
    unknown = sorted(p.id for p in sidecar if p.id not in speakers)
    if unknown:
        warnings.append(f"participants file lists {len(unknown)} participant(s) with no segments in the study: "
                        + ", ".join(unknown))
    missing: dict[str, list[str]] = {}
    for pid, where in speakers.items():
        if pid not in people:
            for transcript in where:
                missing.setdefault(transcript, []).append(pid)
    if missing and (people or sidecar):
        listed = "; ".join(f"{t}: {', '.join(sorted(p))}" for t, p in sorted(missing.items()))
        warnings.append(f"{len(missing)} transcript(s) have participants missing from the participants file "
                        f"(their site and role are unknown): {listed}")
    elif missing:
        warnings.append("no participants file yet: site and role are unknown; add one with --participants")
    return warnings


def import_codebook(study: Study, path: Path, by: str | None = None, why: str = "",
                    client_id: str | None = None) -> tuple[list[Event], list[str]]:
    """Seed themes from a codebook (.qdc or .csv): researcher-defined themes without members.

    Codes whose name is already a theme's are skipped and listed. Discovery then
    suggests segments for each by similarity to its name and definition. All codes are
    recorded in one transaction or none; a retry with the same ``client_id`` returns
    the themes the first import created.
    """
    from workbench.io.codebook_import import read_codebook

    client_id = study.recorder.take_client_id(client_id)
    if client_id is not None and (found := study.store.recorded(client_id)):
        return study.recorder.repeated(client_id, found), []
    codes = read_codebook(path)
    existing = {t.name.casefold() for t in study.codebook().themes.values()}
    fresh = [c for c in codes if c.name.casefold() not in existing]
    skipped = [c.name for c in codes if c.name.casefold() in existing]
    steps = [("create", lambda log, c=c: {
        "theme": log.next_theme_id(), "name": c.name, "members": [], "definition": c.definition,
        "inclusion": c.inclusion, "exclusion": c.exclusion, "origin": f"imported from {path.name}"})
        for c in fresh]
    return (study.decide_all(steps, by, why or f"codebook imported from {path.name}", client_id)
            if steps else []), skipped
