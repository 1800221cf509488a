"""The store's queries on what was imported: transcripts, their segments, participants, imports.

Parts of ``Store`` (reads) and ``Writer`` (writes), kept together because they share the
tables an import fills and the rows the rest of the workbench reads back as ``SegmentRow``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from workbench.core.participants import Participant
from workbench.core.segments import SegmentRow, Transcript
from workbench.store.lock import utc_now
from workbench.store.schema import imports, participants, segments, transcripts

__all__ = ["SegmentReads", "SegmentWrites", "TranscriptInfo"]


@dataclass(frozen=True)
class TranscriptInfo:
    id: str
    source: str
    format: str
    text_sha256: str
    imported_at: str


class SegmentReads:
    """``Store``'s reads of transcripts, segments, participants and imports."""

    read: Callable[[], AbstractContextManager[sa.Connection]]

    def transcripts(self) -> list[TranscriptInfo]:
        with self.read() as conn:
            rows = conn.execute(sa.select(transcripts.c.id, transcripts.c.source, transcripts.c.format,
                                          transcripts.c.text_sha256, transcripts.c.imported_at)
                                .order_by(transcripts.c.id))
            return [TranscriptInfo(*row) for row in rows]

    def import_order(self) -> list[str]:
        """Transcript ids in the order they were imported (within one import, by id)."""
        with self.read() as conn:
            rows = conn.execute(sa.select(transcripts.c.id).order_by(transcripts.c.import_id, transcripts.c.id))
            return [r.id for r in rows]

    def transcript_texts(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = list(ids)
        if not wanted:
            return {}
        with self.read() as conn:
            rows = conn.execute(sa.select(transcripts.c.id, transcripts.c.text).where(transcripts.c.id.in_(wanted)))
            return {k: v for k, v in rows}

    def segment_owners(self, ids: Iterable[str]) -> dict[str, str]:
        """Segment id -> transcript id, for the given segment ids that exist."""
        wanted = list(ids)
        found: dict[str, str] = {}
        with self.read() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = conn.execute(sa.select(segments.c.id, segments.c.transcript_id).where(segments.c.id.in_(chunk)))
                found.update((k, v) for k, v in rows)
        return found

    def participants(self) -> list[Participant]:
        with self.read() as conn:
            rows = conn.execute(sa.select(participants).order_by(participants.c.id))
            return [Participant(r.id, r.site, r.role, dict(r.attributes or {})) for r in rows]

    def segment_rows(self, transcript: str | None = None, speaker: str | None = None,
                     participant: str | None = None) -> list[SegmentRow]:
        query = (
            sa.select(segments, participants.c.site, participants.c.role, participants.c.attributes)
            .select_from(segments.outerjoin(participants, participants.c.id == segments.c.participant_id))
            .order_by(segments.c.transcript_id, segments.c.ordinal)
        )
        if transcript:
            query = query.where(segments.c.transcript_id == transcript)
        if speaker:
            query = query.where(sa.func.lower(segments.c.speaker) == speaker.lower())
        if participant:
            query = query.where(segments.c.participant_id == participant)
        with self.read() as conn:
            return [
                SegmentRow(
                    id=r.id, transcript_id=r.transcript_id, participant_id=r.participant_id, speaker=r.speaker,
                    is_interviewer=bool(r.is_interviewer), turn=r.turn, part=r.part, start=r.start_offset,
                    end=r.end_offset, text=r.text, metadata=dict(r.metadata or {}), site=r.site, role=r.role,
                    groups=dict(r.attributes or {}),
                )
                for r in conn.execute(query)
            ]

    def imports(self) -> list[dict[str, Any]]:
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(imports).order_by(imports.c.id))]


class SegmentWrites:
    """``Writer``'s writes of an import: its record, transcripts with their segments, participants."""

    conn: sa.Connection

    def record_import(self, by: str, source: str, source_sha256: str, summary: dict[str, Any]) -> int:
        result = self.conn.execute(sa.insert(imports).values(
            at=utc_now(), by=by, source=source, source_sha256=source_sha256, summary=summary))
        return int(result.inserted_primary_key[0])

    def add_transcript(self, transcript: Transcript, import_id: int) -> None:
        self.conn.execute(sa.insert(transcripts).values(
            id=transcript.id, source=transcript.source, format=transcript.format, text=transcript.text,
            text_sha256=transcript.text_hash, imported_at=utc_now(), import_id=import_id))
        rows = [
            {
                "id": s.id, "transcript_id": s.transcript_id, "ordinal": i, "participant_id": s.participant_id,
                "speaker": s.speaker, "is_interviewer": s.is_interviewer, "turn": s.turn, "part": s.part,
                "start_offset": s.start, "end_offset": s.end, "text": s.text, "text_sha256": s.text_hash,
                "metadata": s.metadata,
            }
            for i, s in enumerate(transcript.segments)
        ]
        if rows:
            self.conn.execute(sa.insert(segments), rows)

    def upsert_participants(self, people: Iterable[Participant]) -> tuple[int, int]:
        """Insert new participants, update changed ones; returns (added, updated)."""
        existing = {r.id: r for r in self.conn.execute(sa.select(participants))}
        added = updated = 0
        for p in people:
            values = {"site": p.site, "role": p.role, "attributes": p.attributes}
            old = existing.get(p.id)
            if old is None:
                self.conn.execute(sa.insert(participants).values(id=p.id, **values))
                added += 1
            elif (old.site, old.role, dict(old.attributes or {})) != (p.site, p.role, p.attributes):
                self.conn.execute(sa.update(participants).where(participants.c.id == p.id).values(**values))
                updated += 1
        return added, updated
