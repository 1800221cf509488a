"""What the codebook says across the study: prevalence by group, saturation, agreement.

Pure functions over the codebook's themes, the segments and the validation votes; the
facade gathers those and the command line and the Analysis and Validation pages show
what comes back. Three questions researchers ask before they report a theme:

- *Prevalence*: how many participants, in each site, role or group, voiced it? Counts
  of participants, not only of segments, because one talkative person's twenty turns are
  not twenty voices. Interviewer turns never count.
- *Saturation*: taking the interviews in the order they were held, when did new
  interviews stop adding themes? Measured as Guest, Namey & Chen (2020, PLOS ONE
  15(5): e0232076) propose: the themes a run of interviews adds, as a share of those
  found in a base of earlier interviews; saturation when that share falls to a
  threshold (their defaults: base 4, run 2, threshold 5%).
- *Agreement*: in a validation session, did the reviewers' verdicts on the themes agree
  beyond chance? Cohen's kappa for every pair of reviewers, Krippendorff's alpha for the
  whole group (any number of reviewers, items some reviewers skipped), the plain share of
  agreeing pairs beside them, and the items they disagree on, for adjudication.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .errors import WorkbenchError
from .overview import role_of, site_of
from .segments import SegmentRow

__all__ = [
    "GROUPINGS",
    "SMALL_GROUP",
    "Agreement",
    "ItemVotes",
    "PairAgreement",
    "Prevalence",
    "PrevalenceCell",
    "Saturation",
    "SaturationStep",
    "agreement",
    "cohen_kappa",
    "group_of",
    "grouping_columns",
    "kappa_strength",
    "order_columns",
    "prevalence",
    "saturation",
    "sessions",
    "transcript_order",
]

GROUPINGS = ("site", "role", "participant", "transcript")  # and any column that is a participant group
NO_VALUE = "(none)"

SMALL_GROUP = 5
"""Groups of fewer participants than this are marked, not shown as a share.

Small-cell suppression, as statistical offices and NHS Digital practise it: in a group of
one or two people, "100% voiced the theme" tells a reader what a named site's only social
worker said (a disclosure risk for the participant), and the share swings by a third or
more with one person either way (too unstable to compare). The counts stay; the pages
leave such cells unshaded and say why, and the CSV flags them.
"""


def group_of(row: SegmentRow, by: str) -> str:
    """The value of ``by`` for a segment: a built-in grouping, else a participant group or metadata column."""
    match by:
        case "site":
            value = site_of(row)
        case "role":
            value = role_of(row)
        case "participant":
            value = row.participant_id
        case "transcript":
            value = row.transcript_id
        case _:
            value = row.groups.get(by, row.metadata.get(by))
    text = "" if value is None else str(value).strip()
    return text or NO_VALUE


def _columns(rows: Iterable[SegmentRow]) -> list[str]:
    """Every participant-group and metadata column the segments carry, built-ins aside."""
    found: dict[str, None] = {}
    for row in rows:
        found.update(dict.fromkeys(row.groups))
        found.update(dict.fromkeys(row.metadata))
    return [c for c in found if c not in GROUPINGS]


def _person(row: SegmentRow) -> str:
    """Whose turn it is: the participant, or the segment itself where the table names no participant
    (a survey's free-text answers: each row is its own respondent)."""
    return row.participant_id or f"\0{row.id}"


def _constant_within(rows: Sequence[SegmentRow], unit: Callable[[SegmentRow], str]) -> dict[str, dict[str, str]]:
    """Each column constant within every unit (participant or transcript), with each unit's value.

    Blank turns are left out (a blank says nothing against the unit's value), and so are
    interviewer turns: they are not what prevalence or saturation count. One pass over the
    segments, every column at once: the Analysis page asks on every rerun.
    """
    seen: dict[str, dict[str, str]] = {}
    mixed: set[str] = set()
    for row in rows:
        if row.is_interviewer:
            continue
        key = unit(row)
        for column, value in {**row.metadata, **row.groups}.items():  # a participant group wins, as in group_of
            if column in mixed or column in GROUPINGS or value is None:
                continue
            text = str(value).strip()
            if not text:
                continue
            held = seen.setdefault(column, {}).setdefault(key, text)
            if held != text:
                mixed.add(column)
    return {c: v for c, v in seen.items() if c not in mixed}


def grouping_columns(rows: Sequence[SegmentRow]) -> set[str]:
    """The built-in groupings, and the columns that describe participants rather than turns.

    A column is a participant group when it is constant within each participant (blank
    turns aside) and has fewer distinct values than the participants who have one. The
    first rule leaves out what varies from turn to turn (a row id, a note, a timestamp);
    the second leaves out what names each person apart (a pseudonym, an exact age in a
    small study), where every group would be one person. Where no participant is known,
    each segment counts as its own respondent.
    """
    found = set(GROUPINGS)
    found.update(c for c, values in _constant_within(rows, _person).items()
                 if len(set(values.values())) < len(values))
    return found


def order_columns(rows: Sequence[SegmentRow]) -> set[str]:
    """Columns that describe whole interviews, so they can order them (a date, a wave number).

    A column qualifies when it is constant within each transcript's participant turns
    (blank turns aside) and at least one transcript has a value: ordering interviews by
    a value that changes within an interview would rest on whichever turn came first.
    """
    return set(_constant_within(rows, lambda r: r.transcript_id))


def _group_by_person(rows: Sequence[SegmentRow], by: str) -> Callable[[SegmentRow], str]:
    """``group_of``, with a participant's blank turns put in the group their other turns name.

    Only a column constant within participants is grouped by, so a blank turn's group is
    not in doubt; counting it under "(none)" would put one person in two groups.
    """
    if by in GROUPINGS:
        return lambda row: group_of(row, by)
    own: dict[str, str] = {}
    for row in rows:
        value = NO_VALUE if row.is_interviewer else group_of(row, by)
        if value != NO_VALUE:
            own.setdefault(_person(row), value)

    def group(row: SegmentRow) -> str:
        value = group_of(row, by)
        return own.get(_person(row), NO_VALUE) if value == NO_VALUE else value

    return group


# --- prevalence --------------------------------------------------------------------------
@dataclass(frozen=True)
class PrevalenceCell:
    """One theme in one group: its segments, and the group's participants who voiced it."""

    theme: str
    name: str
    group: str
    segments: int
    participants: int
    group_participants: int

    @property
    def share(self) -> float | None:
        """The share of the group's participants who voiced the theme (None: the group has none)."""
        return self.participants / self.group_participants if self.group_participants else None

    @property
    def small(self) -> bool:
        """Whether the group has fewer than ``SMALL_GROUP`` participants: its share is not shown.

        Small-cell suppression: a share of one or two people risks disclosing who said what
        and is too unstable to compare (see ``SMALL_GROUP``).
        """
        return self.group_participants < SMALL_GROUP


@dataclass(frozen=True)
class Prevalence:
    by: str
    groups: list[tuple[str, int]]  # each group with its number of participants
    themes: list[tuple[str, str]]  # (id, name), in the codebook's order
    cells: list[PrevalenceCell]
    uncounted: int = 0  # members that are interviewer turns or no longer in the study
    _index: dict[tuple[str, str], PrevalenceCell] = field(default_factory=dict, init=False, repr=False,
                                                          compare=False)

    def __post_init__(self) -> None:
        self._index.update(((c.theme, c.group), c) for c in self.cells)

    def cell(self, theme: str, group: str) -> PrevalenceCell:
        return self._index[(theme, group)]


def prevalence(themes: Mapping[str, tuple[str, Iterable[str]]], rows: Sequence[SegmentRow],
               by: str = "site") -> Prevalence:
    """Each theme's segments and participants in each group of ``by``.

    ``themes`` maps a theme id to (name, member segment ids). A group's participants are
    those with at least one participant turn in the group, so a share reads "of the people
    we heard from in this group, how many voiced the theme". Segments without a known
    participant (a table without a participant column) count as segments, not people.
    """
    known = grouping_columns(rows)
    if by not in known:
        why = (" (not a participant group: it varies within a participant, or names each apart)"
               if by in _columns(rows) else "")
        raise WorkbenchError(f"cannot group by {by!r}{why}: use one of {', '.join(sorted(known))}")
    speech = {r.id: r for r in rows if not r.is_interviewer}
    group_of_row = _group_by_person(rows, by)
    people: dict[str, set[str]] = defaultdict(set)
    for row in speech.values():
        people[group_of_row(row)].add(row.participant_id or "")
    groups = sorted(((g, len(p - {""})) for g, p in people.items()), key=lambda gp: (gp[0] == NO_VALUE, gp[0]))
    cells: list[PrevalenceCell] = []
    uncounted = 0
    for theme_id, (name, members) in themes.items():
        seg_count: Counter[str] = Counter()
        voiced: dict[str, set[str]] = defaultdict(set)
        for segment in members:
            row = speech.get(segment)
            if row is None:
                uncounted += 1
                continue
            group = group_of_row(row)
            seg_count[group] += 1
            if row.participant_id:
                voiced[group].add(row.participant_id)
        cells.extend(PrevalenceCell(theme_id, name, group, seg_count[group], len(voiced[group]), size)
                     for group, size in groups)
    return Prevalence(by, groups, [(t, n) for t, (n, _) in themes.items()], cells, uncounted)


# --- saturation --------------------------------------------------------------------------
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
        why = " (not a transcript-level column: it varies within an interview)" if by in _columns(rows) else ""
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


# --- agreement ---------------------------------------------------------------------------
def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa for two raters' labels on the same items; None where it is undefined.

    Undefined when chance agreement is already complete (both raters gave one and the same
    label throughout): agreement beyond chance has no room to show. Written out rather
    than taken from scikit-learn, whose import costs seconds in a page; a test checks it
    against scikit-learn's.
    """
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    left, right = Counter(first), Counter(second)
    expected = sum(left[label] * right[label] for label in left) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def kappa_strength(value: float | None) -> str:
    """Landis & Koch's (1977) words for a kappa, the scale researchers report against."""
    if value is None:
        return "not defined"
    if value < 0:
        return "poor"
    for limit, words in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
                         (0.80, "substantial")):
        if value <= limit:
            return words
    return "almost perfect"


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    items: int  # rated by both
    agreed: int
    kappa: float | None

    @property
    def percent(self) -> float | None:
        return self.agreed / self.items if self.items else None


@dataclass(frozen=True)
class ItemVotes:
    item: str
    votes: dict[str, str]  # reviewer -> verdict
    adjudicated: str | None = None
    retired: bool = False  # the theme was merged or split away since: it can no longer be adjudicated

    @property
    def compared(self) -> bool:
        """Whether two or more reviewers voted on it: only then can they agree or disagree."""
        return len(self.votes) >= 2

    @property
    def agreed(self) -> bool:
        return self.compared and len(set(self.votes.values())) == 1

    @property
    def state(self) -> str:
        if not self.compared:
            return "one vote"
        return "agreed" if self.agreed else "disagreed"

    @property
    def tally(self) -> dict[str, int]:
        return dict(sorted(Counter(self.votes.values()).items()))


@dataclass(frozen=True)
class Agreement:
    session: str
    reviewers: list[str]
    items: list[ItemVotes]
    pairs: list[PairAgreement]
    alpha: float | None  # Krippendorff's alpha, nominal, over every item at least two reviewers rated
    alpha_note: str = ""

    @property
    def compared(self) -> int:
        """Items two or more reviewers voted on."""
        return sum(i.compared for i in self.items)

    @property
    def disagreements(self) -> list[ItemVotes]:
        return [i for i in self.items if i.compared and not i.agreed]

    @property
    def to_discuss(self) -> list[ItemVotes]:
        """Disagreements not yet adjudicated, on items that still exist."""
        return [i for i in self.disagreements if i.adjudicated is None and not i.retired]

    @property
    def percent(self) -> float | None:
        """The share of agreeing pairs of votes over all items (pairwise percent agreement)."""
        pairs = agreed = 0
        for item in self.items:
            verdicts = list(item.votes.values())
            for a, b in combinations(verdicts, 2):
                pairs += 1
                agreed += a == b
        return agreed / pairs if pairs else None


def sessions(votes: Mapping[tuple[str, str, str], str]) -> list[tuple[str, int, int]]:
    """Each validation session with its number of reviewers and of items voted on."""
    reviewers: dict[str, set[str]] = defaultdict(set)
    items: dict[str, set[str]] = defaultdict(set)
    for session, item, reviewer in votes:
        reviewers[session].add(reviewer)
        items[session].add(item)
    return [(s, len(reviewers[s]), len(items[s])) for s in sorted(reviewers)]


def agreement(session: str, votes: Mapping[tuple[str, str, str], str],
              adjudications: Mapping[tuple[str, str], str] | None = None, retired: Iterable[str] = ()) -> Agreement:
    """Agreement among a session's reviewers, from ``votes`` keyed (session, item, reviewer).

    Each reviewer's latest vote on an item counts (the codebook keeps only that one).
    ``retired`` names items (themes merged or split away since) that can no longer be
    adjudicated; their votes still count towards agreement, as they were cast.
    """
    mine = {(item, who): verdict for (s, item, who), verdict in votes.items() if s == session}
    if not mine:
        known = sorted({s for s, _, _ in votes})
        raise WorkbenchError(f"no votes in session {session!r}"
                             + (f"; sessions with votes: {', '.join(known)}" if known else
                                "; record votes with 'workbench decide vote' or on the Validation page"))
    reviewers = sorted({who for _, who in mine})
    by_item: dict[str, dict[str, str]] = defaultdict(dict)
    for (item, who), verdict in mine.items():
        by_item[item][who] = verdict
    judged = adjudications or {}
    gone = set(retired)
    items = [ItemVotes(item, dict(sorted(v.items())), judged.get((session, item)), item in gone)
             for item, v in sorted(by_item.items())]
    pairs = []
    for a, b in combinations(reviewers, 2):
        shared = [i for i in items if a in i.votes and b in i.votes]
        left = [i.votes[a] for i in shared]
        right = [i.votes[b] for i in shared]
        pairs.append(PairAgreement(a, b, len(shared), sum(x == y for x, y in zip(left, right, strict=True)),
                                   cohen_kappa(left, right)))
    alpha, note = _alpha(items, reviewers)
    return Agreement(session, reviewers, items, pairs, alpha, note)


def _alpha(items: Sequence[ItemVotes], reviewers: Sequence[str]) -> tuple[float | None, str]:
    """Krippendorff's alpha (nominal) over the items at least two reviewers rated."""
    pairable = [i for i in items if len(i.votes) >= 2]
    if len(reviewers) < 2 or not pairable:
        return None, "needs at least two reviewers voting on the same item"
    verdicts = sorted({v for i in pairable for v in i.votes.values()})
    if len(verdicts) < 2:
        return None, f"every vote was {verdicts[0]!r}: no variation, so agreement beyond chance is not defined"
    import krippendorff
    import numpy as np

    code = {v: n for n, v in enumerate(verdicts)}
    data = np.full((len(reviewers), len(pairable)), np.nan)
    for col, item in enumerate(pairable):
        for row, who in enumerate(reviewers):
            if who in item.votes:
                data[row, col] = code[item.votes[who]]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")), ""
