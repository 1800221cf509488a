"""Saturation: taking the interviews in the order they were held, when did new interviews
stop adding themes?

Measured as Guest, Namey & Chen (2020, PLOS ONE 15(5): e0232076) propose: the themes a
run of interviews adds, as a share of those found in a base of earlier interviews;
saturation when that share falls to a threshold (their defaults: base 4, run 2,
threshold 5%). The interviews' order can come from a column that describes whole
interviews (``transcript_order``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from workbench.core.analysis_groups import GROUPINGS, NO_VALUE, extra_columns, group_of, order_columns
from workbench.core.segments import SegmentRow
from workbench.errors import WorkbenchError

__all__ = ["Saturation", "SaturationStep", "saturation", "transcript_order"]


@dataclass(frozen=True)
class SaturationStep:
    """One interview (transcript) in order: the themes it holds and those it added."""

    position: int
    transcript: str
    themes: int
    new: list[str]
    total: int  # themes found so far


@dataclass(frozen=True)
class Saturation:
    steps: list[SaturationStep]
    base: int
    run: int
    threshold: float
    reached_at: int | None  # the last interview of the first run at or under the threshold
    new_information: list[tuple[int, float]] = field(default_factory=list)  # (a run's last interview, its share)
    note: str = ""  # why saturation could not be assessed; empty when it was

    @property
    def reached(self) -> bool:
        return self.reached_at is not None

    @property
    def assessed(self) -> bool:
        return not self.note

    def verdict(self, quote: Callable[[str], str] = str) -> str:
        """The result in one sentence, as the command line and the Analysis page both say it.

        ``quote`` shows the transcript's name (its file's name, so the researcher's text) as the
        caller must: as it is on a terminal, escaped where Markdown would read it.
        """
        share = f"{self.threshold * 100:.3g}%"
        if self.reached_at:
            where = quote(self.steps[self.reached_at - 1].transcript)
            return (f"saturation reached at interview {self.reached_at} ({where}): "
                    f"a run of {self.run} added at most {share} of the {self.steps[self.base - 1].total} themes in "
                    f"the first {self.base}")
        if not self.assessed:
            return f"not assessed: {self.note}"
        return (f"saturation not reached: every run of {self.run} still added more than {share} of the themes in "
                f"the first {self.base} interviews")


def saturation(themes: Mapping[str, Iterable[str]], rows: Sequence[SegmentRow], order: Sequence[str] | None = None,
               base: int = 4, run: int = 2, threshold: float = 0.05) -> Saturation:
    """When new interviews stopped adding themes (Guest, Namey & Chen 2020).

    Interviews are the transcripts, in ``order`` (default: the order the rows come in,
    which is the order they were imported). A theme is *in* a transcript when one of its
    members is a participant turn there. The base is the first ``base`` interviews; each
    run is ``run`` consecutive interviews after it, stepping one interview at a time. A
    run's new-information share is the number of themes first found in it divided by the
    number the base held. Saturation is reached at the last interview of the first run
    whose share is at most ``threshold``; fewer than ``base + run`` interviews, or a base
    holding no theme, leave it unassessed.
    """
    if base < 1 or run < 1:
        raise WorkbenchError("saturation needs a base and a run of at least one interview each")
    if not 0 <= threshold < 1:
        raise WorkbenchError(f"the threshold is a share between 0 and 1 (e.g. 0.05 for 5%), not {threshold}")
    transcript_of = {r.id: r.transcript_id for r in rows if not r.is_interviewer}
    seen_order = list(dict.fromkeys(r.transcript_id for r in rows))
    if order is not None:
        unknown = [t for t in order if t not in seen_order]
        if unknown:
            raise WorkbenchError(f"no transcript {unknown[0]!r} in the study; the order must name its transcripts")
        seen_order = list(dict.fromkeys([*order, *seen_order]))
    holds: dict[str, set[str]] = defaultdict(set)
    for theme_id, members in themes.items():
        for segment in members:
            transcript = transcript_of.get(segment)
            if transcript is not None:
                holds[transcript].add(theme_id)
    steps: list[SaturationStep] = []
    found: set[str] = set()
    for position, transcript in enumerate(seen_order, start=1):
        new = sorted(holds[transcript] - found)
        found.update(new)
        steps.append(SaturationStep(position, transcript, len(holds[transcript]), new, len(found)))
    in_base = steps[base - 1].total if len(steps) >= base else 0
    shares: list[tuple[int, float]] = []
    reached: int | None = None
    note = ""
    if len(steps) < base + run:
        note = (f"needs at least {base + run} interviews (a base of {base} and a run of {run}); "
                f"the study has {len(steps)}")
    elif not in_base:
        note = (f"the first {base} interviews hold no theme, so there is nothing to measure new themes against; "
                "code more of the study, or choose a larger base")
    else:
        for end in range(base + run, len(steps) + 1):
            added = sum(len(s.new) for s in steps[end - run:end])
            share = added / in_base
            shares.append((end, share))
            if reached is None and share <= threshold:
                reached = end
    return Saturation(steps, base, run, threshold, reached, shares, note)


def transcript_order(rows: Sequence[SegmentRow], by: str) -> list[str]:
    """Transcripts ordered by a column's value (an interview date, a wave number), unvalued last.

    ``by`` is a built-in grouping or one of ``order_columns``: a column that describes whole
    interviews. A transcript's value is the one its participant turns carry. Values sort as
    numbers when they all read as numbers, as dates when they all read as dates (ISO, or
    day first: 15/01/2024, 15 January 2024), else as text.
    """
    known = set(GROUPINGS) | order_columns(rows)
    if by not in known:
        why = " (not a transcript-level column: it varies within an interview)" if by in extra_columns(rows) else ""
        raise WorkbenchError(f"cannot order by {by!r}{why}: use one of {', '.join(sorted(known))}")
    value: dict[str, str] = {}
    for row in rows:
        if row.is_interviewer:
            continue
        found = group_of(row, by)
        if found != NO_VALUE:
            value.setdefault(row.transcript_id, found)
    transcripts = list(dict.fromkeys(r.transcript_id for r in rows))

    def number(text: str) -> float | None:
        try:
            return float(text)
        except ValueError:
            return None

    for read in (number, _date):  # all numbers, or all dates; otherwise as text
        parsed = {t: read(v) for t, v in value.items()}
        if all(p is not None for p in parsed.values()):
            return sorted(transcripts, key=lambda t: (t not in parsed, parsed.get(t) or 0))
        if read is _date and any(p is not None for p in parsed.values()):
            odd = next(value[t] for t, p in parsed.items() if p is None)
            raise WorkbenchError(f"cannot order by {by!r}: some values are dates and {odd!r} is not one; write "
                                 "every date the same way (2024-01-15, 15/01/2024 or 15 January 2024)")
    return sorted(transcripts, key=lambda t: (t not in value, value.get(t, "")))


_ORDINAL_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.I)  # "2nd February 2024"
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d/%m/%y")


def _date(text: str) -> float | None:
    """A date as an ordinal number: ISO, or day first as British researchers write it (15/01/2024)."""
    from datetime import datetime

    plain = _ORDINAL_DAY.sub(r"\1", text.strip()).replace("Sept ", "Sep ").replace("sept ", "sep ")
    for candidate in dict.fromkeys((plain, plain[:10])):  # a time after an ISO date is ignored
        for form in _DATE_FORMATS:
            try:
                return float(datetime.strptime(candidate, form).toordinal())
            except ValueError:
                continue
    return None
