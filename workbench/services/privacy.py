"""Identifiers de-identification may have missed: the scan, its findings, and researchers' verdicts on them.

Nothing here changes a segment: fixing is the researcher's call. A verdict names its
finding by segment, type, offsets and the SHA-256 of its text (``finding_key``), so a
changed segment's finding is a new finding and inherits no verdict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.names import check_name, check_reason, default_researcher
from workbench.core.segments import SegmentRow
from workbench.errors import ConflictError, StudyError
from workbench.store.database import VERDICTS, FindingReview

if TYPE_CHECKING:
    from workbench.privacy.scan import Finding
    from workbench.study import Study

__all__ = ["HIGH_SCORE", "finding_id", "finding_key", "findings", "identifiers_left", "mark_finding",
           "quoted_segments", "review_finding", "reviews", "scan", "unreviewed"]

HIGH_SCORE = 0.7  # findings at least this sure are to be reviewed before quotes leave the study

# The identifier scan reads every segment with a language model: seconds for a few thousand
# segments. Its findings are kept for the process, not per facade (every session's Study and
# Export pages ask for the count), keyed by the study and a digest of its segments' words, so
# any change to a segment's words scans again. A handful of studies' findings at most.
_SCANS: dict[tuple[str, ...], list[Finding]] = {}
_SCANS_KEPT = 8


def _words(rows: list[SegmentRow]) -> tuple[list[SegmentRow], str]:
    """The rows, with a digest of their ids and words: what a scan's findings are keyed by."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{len(row.id)}:{row.id}{len(row.text)}:{row.text}".encode())
    return rows, digest.hexdigest()


def scan(study: Study, names: Path | None = None, places: Path | None = None) -> list[tuple[SegmentRow, Finding]]:
    """Identifiers de-identification may have missed, in every segment (interviewers' too).

    Each finding's offsets are into its segment's text; the segment's own offsets place
    it in the transcript. Nothing is changed: fixing is the researcher's call. ``places`` is
    the study's own list of local places (estates, villages, wards), found wherever they occur.
    """
    from workbench.privacy import scan as privacy

    local = privacy.read_places(places) if places is not None else None
    listed = privacy.read_names(names) if names is not None else None
    rows, words = study.cache.data("words", lambda: _words(study.rows()))  # the digest is of exactly these rows
    key = (study.store.url, words, *(hashlib.sha256(p.read_bytes()).hexdigest() if p else ""
                                     for p in (names, places)))
    found = _SCANS.get(key)
    if found is None:
        found = privacy.scan(((r.id, r.text) for r in rows), listed, local)
        if len(_SCANS) >= _SCANS_KEPT:
            _SCANS.clear()  # one step, safe with sessions on other threads; the next visits scan again
        _SCANS[key] = found
    index = study.segment_index()
    return [(index[f.segment_id], f) for f in found]


def finding_key(finding: Finding) -> tuple[str, str, int, int, str]:
    """What names a finding for its reviews: segment, type, offsets and the SHA-256 of its text."""
    digest = hashlib.sha256(finding.text.encode("utf-8")).hexdigest()
    return finding.segment_id, finding.type, finding.start, finding.end, digest


def finding_id(finding: Finding) -> str:
    """A short, stable id to mark a finding by: F- and 10 hex digits of a hash of its segment, type, offsets
    and text. The same words in the same place keep their id across scans; changed words get a new one."""
    import json

    named = json.dumps([finding.segment_id, finding.type, finding.start, finding.end, finding.text])
    return "F-" + hashlib.sha256(named.encode("utf-8")).hexdigest()[:10]


def reviews(study: Study) -> dict[tuple[str, str, int, int, str], FindingReview]:
    """The latest review of each finding ever reviewed, by ``finding_key``."""
    return {r.key: r for r in study.store.finding_reviews()}


def findings(study: Study, names: Path | None = None,
             places: Path | None = None) -> list[tuple[SegmentRow, Finding, str | None]]:
    """The scan's findings, each with its latest verdict ('identifier', 'false_alarm') or None if unreviewed."""
    verdicts = {k: r.verdict for k, r in reviews(study).items()}
    return [(row, f, verdicts.get(finding_key(f))) for row, f in scan(study, names, places)]


def review_finding(study: Study, segment_id: str, type: str, start: int, end: int, text: str, verdict: str,
                   by: str | None = None, note: str = "") -> FindingReview:
    """Record a researcher's verdict on a finding (``identifier`` or ``false_alarm``), in one transaction.

    The finding must still be there: the segment exists and holds ``text`` at ``start:end``.
    A later verdict on the same finding supersedes this one; neither is ever removed.
    """
    from workbench.errors import WorkbenchError
    from workbench.privacy.scan import TYPES

    chosen, who = verdict_of(verdict, by)
    note = check_reason(note, "the note")
    if type not in TYPES:
        raise WorkbenchError(f"{type!r} is not a kind of finding the scan reports ({', '.join(TYPES)})")
    row = study.segment_index().get(segment_id)
    if row is None:
        raise StudyError(f"no segment {segment_id!r} in the study: scan again and review what it finds")
    if not 0 <= start < end <= len(row.text) or row.text[start:end] != text:
        there = (f"holds {row.text[start:end]!r} at {start}-{end}" if 0 <= start < end <= len(row.text)
                 else f"has no text at {start}-{end} (it is {len(row.text)} characters long)")
        raise ConflictError(f"segment {segment_id!r} {there}, not {text!r}: the segment has changed since it "
                            "was scanned; scan again and review what it finds")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with study.store.write(who, "reviewing a scan finding") as tx:
        return tx.add_finding_review(segment_id, type, start, end, digest, chosen, who, note)


def verdict_of(verdict: str, by: str | None) -> tuple[str, str]:
    """(verdict as stored, who): 'false alarm' and 'false-alarm' are 'false_alarm'."""
    from workbench.errors import WorkbenchError

    chosen = verdict.strip().lower().replace("-", "_").replace(" ", "_")
    if chosen not in VERDICTS:
        raise WorkbenchError(f"a finding is either an identifier or a false alarm, not {verdict!r}",
                             flag="--verdict")
    who = (by or default_researcher()).strip()
    if not who:
        raise WorkbenchError("name who is reviewing", flag="--by")
    return chosen, check_name(who)


def mark_finding(study: Study, finding: str, verdict: str, by: str | None = None, note: str = "",
                 names: Path | None = None, places: Path | None = None) -> tuple[Finding, FindingReview]:
    """Record a verdict on the finding whose ``finding_id`` a scan (with these lists) gives now."""
    verdict_of(verdict, by)
    wanted = finding.strip().lower().removeprefix("f-")
    for _row, found in scan(study, names, places):
        if finding_id(found).lower().removeprefix("f-") == wanted:
            return found, review_finding(study, found.segment_id, found.type, found.start, found.end, found.text,
                                         verdict, by, note)
    lists = " (a finding from a list of names or places is found only when the same list is given)"
    raise StudyError(f"no finding {finding!r} in the scan now: the segment may have changed; list the "
                     f"findings again{lists}")


def unreviewed(study: Study, min_score: float = HIGH_SCORE, segments: Iterable[str] | None = None) -> int:
    """How many findings at least ``min_score`` sure have no verdict yet (in ``segments``, or anywhere)."""
    inside = None if segments is None else set(segments)
    verdicts = reviews(study)
    return sum(1 for _row, f in scan(study) if f.score >= min_score and finding_key(f) not in verdicts
               and (inside is None or f.segment_id in inside))


def identifiers_left(study: Study, segments: Iterable[str] | None = None) -> int:
    """How many findings marked as identifiers are still in the text (in ``segments``, or anywhere)."""
    inside = None if segments is None else set(segments)
    verdicts = reviews(study)
    return sum(1 for _row, f in scan(study)
               if (r := verdicts.get(finding_key(f))) is not None and r.verdict == "identifier"
               and (inside is None or f.segment_id in inside))


def quoted_segments(study: Study) -> set[str]:
    """The segments the codebook documents (CSV, XLSX, Markdown, Word) quote for their themes."""
    return {s for t in study.codebook().themes for s in study.quotes(t)}
