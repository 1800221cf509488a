"""Who and what the analyses group by: the built-in groupings, and which columns describe
participants (so prevalence can group by them) or whole interviews (so saturation can order
by them).

Shared by prevalence and saturation (``analysis_prevalence``, ``analysis_saturation``), and
by the Analysis page, which offers only the columns these functions accept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from workbench.core.overview import role_of, site_of
from workbench.core.segments import SegmentRow

__all__ = ["GROUPINGS", "NO_VALUE", "extra_columns", "group_by_person", "group_of", "grouping_columns",
           "order_columns"]

GROUPINGS = ("site", "role", "participant", "transcript")  # and any column that is a participant group
NO_VALUE = "(none)"


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


def extra_columns(rows: Iterable[SegmentRow]) -> list[str]:
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


def group_by_person(rows: Sequence[SegmentRow], by: str) -> Callable[[SegmentRow], str]:
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
