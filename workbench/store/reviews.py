"""The store's queries on researchers' reviews of the identifier scan's findings.

Parts of ``Store`` (reads) and ``Writer`` (writes). Reviews are kept like the decision
log: rows are only added, and a later review of the same finding supersedes an earlier one,
so who decided what, and when, stays on record.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from workbench.errors import StudyError
from workbench.store.lock import utc_now
from workbench.store.schema import finding_reviews

__all__ = ["VERDICTS", "FindingReview", "ReviewReads", "ReviewWrites"]

VERDICTS = ("identifier", "false_alarm")  # what a researcher may say of a scan finding


@dataclass(frozen=True)
class FindingReview:
    """A researcher's verdict on one scan finding: (segment, type, start, end, text hash) names the finding."""

    id: int
    segment_id: str
    type: str
    start: int
    end: int
    text_sha256: str
    verdict: str  # one of VERDICTS
    note: str
    by: str
    at: str

    @property
    def key(self) -> tuple[str, str, int, int, str]:
        return self.segment_id, self.type, self.start, self.end, self.text_sha256


class ReviewReads:
    """``Store``'s reads of finding reviews."""

    read: Callable[[], AbstractContextManager[sa.Connection]]

    def finding_reviews(self, latest: bool = True) -> list[FindingReview]:
        """Reviews of scan findings in the order given; with ``latest``, only each finding's last one."""
        query = sa.select(finding_reviews).order_by(finding_reviews.c.id)
        if latest:
            c = finding_reviews.c
            last = sa.select(sa.func.max(c.id)).group_by(c.segment_id, c.type, c.start, c.end, c.text_sha256)
            query = query.where(c.id.in_(last.scalar_subquery()))
        with self.read() as conn:
            return [_review(r) for r in conn.execute(query)]


class ReviewWrites:
    """``Writer``'s part: recording a verdict."""

    conn: sa.Connection

    def add_finding_review(self, segment_id: str, type: str, start: int, end: int, text_sha256: str, verdict: str,
                           by: str, note: str = "") -> FindingReview:
        """Record a verdict on a scan finding; earlier verdicts on it stay, superseded."""
        if verdict not in VERDICTS:
            raise StudyError(f"a finding's verdict is one of {', '.join(VERDICTS)}, not {verdict!r}")
        values = {"segment_id": segment_id, "type": type, "start": start, "end": end, "text_sha256": text_sha256,
                  "verdict": verdict, "note": note, "by": by, "at": utc_now()}
        review_id = int(self.conn.execute(sa.insert(finding_reviews).values(**values)).inserted_primary_key[0])
        return FindingReview(id=review_id, **values)


def _review(r: Any) -> FindingReview:
    return FindingReview(r.id, r.segment_id, r.type, r.start, r.end, r.text_sha256, r.verdict, r.note, r.by, r.at)
