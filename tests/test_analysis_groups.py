"""Which columns are groups, and small groups marked (workbench/core/analysis.py, workbench/io/export.py).

Grouping by a column only means something when the column says something about a
participant (their ethnicity, their service), not about a turn (a row id, a note); and a
share of a group of one or two people is both unstable and a disclosure risk.
"""

from __future__ import annotations

import csv
import io

import pytest

from workbench.core import analysis
from workbench.core.analysis import (
    SMALL_GROUP,
    grouping_columns,
    order_columns,
    prevalence,
    saturation,
    transcript_order,
)
from workbench.errors import WorkbenchError
from workbench.io.export import prevalence_csv

from .test_analysis import row


def people(count: int, transcript_of=lambda n: f"t{n}", **columns) -> list:
    """Two turns per participant P0..P{count-1}, plus an interviewer turn per transcript.

    ``columns`` maps a column name to a function (participant number, turn number) -> value.
    """
    rows = []
    for n in range(count):
        transcript = transcript_of(n)
        rows.append(row(f"q{n}", transcript, None, interviewer=True, note=f"question {n}", ref=f"q{n}"))
        for turn in (1, 2):
            rows.append(row(f"s{n}-{turn}", transcript, f"P{n}", "North" if n < 6 else "South",
                            **{name: value(n, turn) for name, value in columns.items()}))
    return rows


STUDY = people(
    8,
    ethnicity=lambda n, _: "Black British" if n % 2 else "White British",  # a participant-level attribute
    service=lambda n, turn: "Early help" if n < 4 else ("Police" if turn == 1 else ""),  # blank on one turn
    ref=lambda n, turn: f"row-{n}-{turn}",  # unique per segment: an id, not a group
    note=lambda n, turn: f"said {'yes' if turn == 1 else 'no'}",  # differs within a participant: free text
    pseudonym=lambda n, _: f"Person {n}",  # one value per participant: an identifier, not a group
    held=lambda n, _: f"2024-01-{n + 10:02d}",  # the interview's date: constant within each transcript
)


def test_the_small_group_threshold_is_five_and_says_why():
    assert SMALL_GROUP == 5
    assert "disclos" in (analysis.PrevalenceCell.small.__doc__ or "")


def test_only_participant_level_columns_with_fewer_values_than_people_are_groups():
    found = grouping_columns(STUDY)
    assert found == {"site", "role", "participant", "transcript", "ethnicity", "service"}
    assert {"ref", "note", "pseudonym", "held"}.isdisjoint(found)


def test_prevalence_refuses_a_column_that_is_not_a_participant_group():
    with pytest.raises(WorkbenchError, match=r"cannot group by 'ref'.*not a participant group"):
        prevalence({"T-001": ("Delay", ["s0-1"])}, STUDY, "ref")
    assert [g for g, _ in prevalence({}, STUDY, "service").groups] == ["Early help", "Police"]


def test_a_table_without_participants_groups_by_columns_that_repeat_across_rows():
    rows = [row(f"r{i}", "survey", None, region="East" if i % 2 else "West", answer=f"answer {i}")
            for i in range(10)]
    assert grouping_columns(rows) == {"site", "role", "participant", "transcript", "region"}


def test_interviews_are_ordered_only_by_columns_constant_within_each_transcript():
    found = order_columns(STUDY)
    assert "held" in found and "ethnicity" in found  # one participant per transcript: theirs is the interview's
    assert {"ref", "note"}.isdisjoint(found)  # differ between a transcript's turns
    assert "service" in found  # a blank turn does not make a transcript's value ambiguous
    with pytest.raises(WorkbenchError, match=r"cannot order by 'ref'.*not a transcript"):
        transcript_order(STUDY, "ref")
    assert transcript_order(STUDY, "held")[:2] == ["t0", "t1"]
    focus = people(8, transcript_of=lambda n: f"group{n // 4}", held=lambda n, _: f"2024-02-{n // 4 + 1:02d}",
                   ethnicity=lambda n, _: "Black British" if n % 2 else "White British")
    assert "held" in order_columns(focus) and "ethnicity" not in order_columns(focus)  # two people per group
    assert saturation({"A": ["s0-1"]}, focus, transcript_order(focus, "held")).steps[0].transcript == "group0"


def test_cells_of_groups_under_five_participants_are_marked_small():
    found = prevalence({"T-001": ("Delay", ["s0-1", "s6-1", "s7-2"])}, STUDY, "site")
    assert found.groups == [("North", 6), ("South", 2)]
    north, south = found.cell("T-001", "North"), found.cell("T-001", "South")
    assert not north.small and north.share == pytest.approx(1 / 6)
    assert south.small and south.participants == 2 and south.group_participants == 2


def test_prevalence_csv_flags_small_groups_and_stays_formula_safe():
    found = prevalence({"T-001": ("=HYPERLINK(\"x\")", ["s0-1", "s6-1"])}, STUDY, "site")
    rows = list(csv.DictReader(io.StringIO(prevalence_csv(found))))
    flag = f"fewer_than_{SMALL_GROUP}_participants"
    assert [(r["group"], r[flag]) for r in rows] == [("North", "FALSE"), ("South", "TRUE")]
    assert rows[0]["name"] == "'=HYPERLINK(\"x\")"
    assert rows[1]["share"] == "0.5000"  # the count stays: the flag says how far to trust it
