"""Prevalence: how many participants, in each site, role or group, voiced each theme?

Counts of participants, not only of segments, because one talkative person's twenty turns
are not twenty voices. Interviewer turns never count. Groups too small to report a share
of are marked (``SMALL_GROUP``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from workbench.core.analysis_groups import NO_VALUE, extra_columns, group_by_person, grouping_columns
from workbench.core.segments import SegmentRow
from workbench.errors import WorkbenchError

__all__ = ["SMALL_GROUP", "Prevalence", "PrevalenceCell", "prevalence"]

SMALL_GROUP = 5
"""Groups of fewer participants than this are marked, not shown as a share.

Small-cell suppression, as statistical offices and NHS Digital practise it: in a group of
one or two people, "100% voiced the theme" tells a reader what a named site's only social
worker said (a disclosure risk for the participant), and the share swings by a third or
more with one person either way (too unstable to compare). The counts stay; the pages
leave such cells unshaded and say why, and the CSV flags them.
"""


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
               if by in extra_columns(rows) else "")
        raise WorkbenchError(f"cannot group by {by!r}{why}: use one of {', '.join(sorted(known))}")
    speech = {r.id: r for r in rows if not r.is_interviewer}
    group_of_row = group_by_person(rows, by)
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
