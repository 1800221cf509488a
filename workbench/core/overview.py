"""What a study holds, counted: the figures behind ``workbench info`` and the Study page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from workbench.core.segments import SegmentRow

__all__ = ["Overview", "SegmentFilter", "overview", "role_of", "site_of"]


def site_of(row: SegmentRow) -> str | None:
    """A segment's site: its participant's, else a ``site`` column the table carried."""
    return row.site or row.metadata.get("site") or None


def role_of(row: SegmentRow) -> str | None:
    return row.role or row.metadata.get("role") or None


@dataclass(frozen=True)
class SegmentFilter:
    """Which segments to show; every field left empty matches everything."""

    site: str | None = None
    role: str | None = None
    speaker: str | None = None
    transcript: str | None = None
    participant: str | None = None
    include_interviewer: bool = True
    groups: dict[str, str] = field(default_factory=dict)

    def matches(self, row: SegmentRow) -> bool:
        def same(a: object, b: str | None) -> bool:
            return b is None or (a is not None and str(a).casefold() == b.casefold())

        if not self.include_interviewer and row.is_interviewer:
            return False
        if not (same(site_of(row), self.site) and same(role_of(row), self.role)):
            return False
        if not (same(row.speaker, self.speaker) and same(row.transcript_id, self.transcript)
                and same(row.participant_id, self.participant)):
            return False
        return all(same(row.groups.get(k, row.metadata.get(k)), v) for k, v in self.groups.items())

    def apply(self, rows: Iterable[SegmentRow]) -> list[SegmentRow]:
        return [r for r in rows if self.matches(r)]


@dataclass(frozen=True)
class Overview:
    segments: int
    transcripts: int
    participants: int
    words: int
    interviewer_segments: int  # interviewer turns, of ``segments``
    interviewer_share: float  # the share of all text, in characters, that interviewers spoke (not of segments)
    by_site: list[tuple[str, int]]
    by_role: list[tuple[str, int]]
    by_participant: list[tuple[str, int]]
    by_transcript: list[tuple[str, int]]
    unsited_participants: list[str]


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].startswith("("), kv[0]))  # unknowns last


def overview(rows: Sequence[SegmentRow], known_participants: Iterable[str] = ()) -> Overview:
    """Counts per site, role, participant and transcript; interviewer turns counted apart.

    Per-group counts are of participants' segments (interviewer turns excluded), since
    those are what themes are built from; the interviewer's share is reported beside.
    """
    speech = [r for r in rows if not r.is_interviewer]
    chars = sum(len(r.text) for r in rows)
    interviewer_chars = sum(len(r.text) for r in rows if r.is_interviewer)
    people = {r.participant_id for r in speech if r.participant_id}
    known = set(known_participants)
    return Overview(
        segments=len(rows),
        transcripts=len({r.transcript_id for r in rows}),
        participants=len(people),
        words=sum(len(r.text.split()) for r in rows),
        interviewer_segments=len(rows) - len(speech),
        interviewer_share=interviewer_chars / chars if chars else 0.0,
        by_site=_ranked(Counter(site_of(r) or "(no site)" for r in speech)),
        by_role=_ranked(Counter(role_of(r) or "(no role)" for r in speech)),
        by_participant=_ranked(Counter(r.participant_id or "(unknown)" for r in speech)),
        by_transcript=_ranked(Counter(r.transcript_id for r in rows)),
        unsited_participants=sorted(p for p in people if p not in known),
    )
