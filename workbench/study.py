"""The facade the command line and the pages call: one method per thing a researcher does.

It delegates: files are read by the importers, counted by ``overview``, stored by the
store. What it owns is the rules that span them, such as what a re-import may change.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .discover import DiscoveryParams
from .errors import ConflictError, StudyError
from .ingest import IngestOptions, Progress, describe_difference, parse_files
from .model_files import TokenCounter, token_counter
from .overview import Overview, SegmentFilter, overview
from .participants import Participant
from .runs import AssignmentRecord, CandidateRecord, RunRecord
from .segments import SegmentRow, Transcript
from .store import Store

__all__ = ["IngestReport", "Study", "default_researcher"]


def default_researcher() -> str:
    """Who is acting when no name is given: the operating-system user."""
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # transcript ids
    unchanged: list[str] = field(default_factory=list)
    segments_added: int = 0
    participants_added: int = 0
    participants_updated: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.participants_added or self.participants_updated)


class Study:
    """One study: its store, and the actions researchers take on it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._counter: TokenCounter | None = None

    @classmethod
    def init(cls, location: str | Path, by: str | None = None, name: str | None = None) -> Study:
        return cls(Store.create(location, by or default_researcher(), name))

    @classmethod
    def open(cls, location: str | Path) -> Study:
        return cls(Store.open(location))

    @property
    def location(self) -> str:
        return self.store.display

    def close(self) -> None:
        self.store.dispose()

    def counter(self) -> TokenCounter:
        if self._counter is None:
            self._counter = token_counter()
        return self._counter

    # --- importing -------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[Path],
        by: str | None = None,
        participants: Path | None = None,
        options: IngestOptions = IngestOptions(),
        progress: Progress | None = None,
    ) -> IngestReport:
        """Import files in one transaction: all of them, or (on any error) none.

        A transcript already in the study with the same text is left alone and reported as
        unchanged; one whose text differs is refused, saying where, because segments that
        researchers may have coded would silently shift under them.
        """
        by = by or default_researcher()
        known = [p.id for p in self.store.participants()]
        parsed = parse_files(paths, self.counter(), options, participants, known, progress)
        report = IngestReport(warnings=list(parsed.warnings))

        stored = {t.id: t for t in self.store.transcripts()}
        changed = [t for t in parsed.transcripts if t.id in stored and stored[t.id].text_sha256 != t.text_hash]
        if changed:
            first = changed[0]
            old = self.store.transcript_texts([first.id])[first.id]
            more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
            raise ConflictError(
                f"{first.source}: transcript {first.id!r} is already in the study with different text"
                f"{more}: {describe_difference(old, first.text)}; nothing was imported. Import the "
                "changed version under a new file name, or keep the one already coded"
            )
        report.unchanged = [t.id for t in parsed.transcripts if t.id in stored]
        fresh = [t for t in parsed.transcripts if t.id not in stored]

        owners = self.store.segment_owners(s.id for t in fresh for s in t.segments)
        if owners:
            seg_id, owner = next(iter(owners.items()))
            source = next(t.source for t in fresh if any(s.id == seg_id for s in t.segments))
            raise ConflictError(f"{source}: segment id {seg_id!r} is already used by transcript {owner!r}; "
                                "nothing was imported. Give the rows ids of their own")

        with self.store.write() as tx:
            if parsed.participants:
                report.participants_added, report.participants_updated = tx.upsert_participants(parsed.participants)
            by_source: dict[str, list[Transcript]] = {}
            for transcript in fresh:
                by_source.setdefault(transcript.source, []).append(transcript)
            for source, items in by_source.items():
                digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
                import_id = tx.record_import(by, source, digest, {
                    "transcripts": [t.id for t in items],
                    "segments": sum(len(t.segments) for t in items),
                })
                for transcript in items:
                    tx.add_transcript(transcript, import_id)
                    report.added.append(transcript.id)
                    report.segments_added += len(transcript.segments)
            if participants is not None and (report.participants_added or report.participants_updated):
                digest = hashlib.sha256(participants.read_bytes()).hexdigest()
                tx.record_import(by, str(participants), digest, {
                    "participants_added": report.participants_added,
                    "participants_updated": report.participants_updated,
                })
        report.warnings.extend(self._participant_warnings(parsed.participants))
        return report

    def _participant_warnings(self, sidecar: list[Participant]) -> list[str]:
        people = {p.id for p in self.store.participants()}
        rows = self.store.segment_rows()
        speaking: dict[str, set[str]] = {}
        for row in rows:
            if row.participant_id and not row.is_interviewer:
                speaking.setdefault(row.participant_id, set()).add(row.transcript_id)
        warnings = []
        unknown = sorted(p.id for p in sidecar if p.id not in speaking)
        if unknown:
            warnings.append(f"participants file lists {len(unknown)} participant(s) with no segments in the study: "
                            + ", ".join(unknown))
        missing: dict[str, list[str]] = {}
        for pid, where in speaking.items():
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

    # --- reading ---------------------------------------------------------------------
    def segments(self, where: SegmentFilter = SegmentFilter()) -> list[SegmentRow]:
        rows = self.store.segment_rows(where.transcript, where.speaker, where.participant)
        return where.apply(rows)

    def participants(self) -> list[Participant]:
        return self.store.participants()

    # --- discovery -------------------------------------------------------------------
    def discover(self, params: DiscoveryParams = DiscoveryParams(), by: str | None = None,
                 backend: str = "onnx-int8", progress: Progress | None = None) -> RunRecord:
        """Propose candidate themes from the study's segments and record the run."""
        from .discovery_runs import run_discovery

        run_id, _ = run_discovery(self.store, by or default_researcher(), params, self.store.segment_rows(),
                                  backend, progress)
        run = self.store.run(run_id)
        assert run is not None
        return run

    def runs(self) -> list[RunRecord]:
        return self.store.runs()

    def latest_run(self) -> RunRecord:
        run_id = self.store.latest_run_id()
        if run_id is None:
            raise StudyError(f"{self.location}: no discovery run yet; run 'workbench discover --study ...' first")
        run = self.store.run(run_id)
        assert run is not None
        return run

    def candidates(self, run_id: int | None = None) -> tuple[RunRecord, list[CandidateRecord]]:
        run = self.latest_run() if run_id is None else self.store.run(run_id)
        if run is None:
            raise StudyError(f"{self.location}: no discovery run {run_id}")
        return run, self.store.candidates(run.id or 0)

    def assignments(self, run_id: int | None = None) -> tuple[RunRecord, list[AssignmentRecord]]:
        run = self.latest_run() if run_id is None else self.store.run(run_id)
        if run is None:
            raise StudyError(f"{self.location}: no discovery run {run_id}")
        return run, self.store.assignments(run.id or 0)

    def overview(self) -> Overview:
        return overview(self.store.segment_rows(), [p.id for p in self.store.participants()])
