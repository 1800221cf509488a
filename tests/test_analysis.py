"""Prevalence, saturation and agreement (workbench/core/analysis.py): pure functions on plain data."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.analysis import (
    agreement,
    cohen_kappa,
    kappa_strength,
    prevalence,
    saturation,
    sessions,
    transcript_order,
)
from workbench.core.segments import SegmentRow
from workbench.errors import WorkbenchError


def row(seg: str, transcript: str, participant: str | None, site: str | None = None, interviewer: bool = False,
        **groups: str) -> SegmentRow:
    return SegmentRow(id=seg, transcript_id=transcript, participant_id=None if interviewer else participant,
                      speaker="Interviewer" if interviewer else participant, is_interviewer=interviewer, turn=1,
                      part=1, start=0, end=1, text="x", site=site, groups=groups)


ROWS = [
    row("s1", "t1", "P1", "North", ethnicity="Black British"),
    row("s2", "t1", "P1", "North", ethnicity="Black British"),
    row("q1", "t1", None, interviewer=True),
    row("s3", "t2", "P2", "North", ethnicity="White British"),
    row("s4", "t3", "P3", "South", ethnicity="White British"),
    row("s5", "t3", "P3", "South", ethnicity="White British"),
    row("s6", "t4", None, "South"),  # a table row without a participant
]


def test_prevalence_counts_people_once_and_never_the_interviewer():
    found = prevalence({"T-001": ("Delay", ["s1", "s2", "q1", "s4"]), "T-002": ("Trust", ["s3"])}, ROWS, "site")
    assert found.groups == [("North", 2), ("South", 1)]
    north = found.cell("T-001", "North")
    assert (north.segments, north.participants, north.group_participants, north.share) == (2, 1, 2, 0.5)
    south = found.cell("T-001", "South")
    assert (south.segments, south.participants, south.share) == (1, 1, 1.0)
    assert found.cell("T-002", "South").participants == 0 and found.cell("T-002", "South").share == 0.0
    assert found.uncounted == 1  # the interviewer's turn q1
    assert found.themes == [("T-001", "Delay"), ("T-002", "Trust")]


def test_prevalence_by_a_participant_group_puts_the_unvalued_last():
    found = prevalence({"T-001": ("Delay", ["s1", "s3", "s6"])}, ROWS, "ethnicity")
    assert [g for g, _ in found.groups] == ["Black British", "White British", "(none)"]
    assert found.cell("T-001", "(none)").segments == 1 and found.cell("T-001", "(none)").group_participants == 0
    assert found.cell("T-001", "(none)").share is None
    assert found.cell("T-001", "White British").share == 0.5


def test_prevalence_names_the_groupings_it_knows():
    with pytest.raises(WorkbenchError, match=r"cannot group by .age.: use one of .*ethnicity.*site"):
        prevalence({}, ROWS, "age")


def steps_of(found):
    return [(s.transcript, s.new, s.total) for s in found.steps]


def test_saturation_is_the_first_run_adding_little_against_the_base():
    rows = [row(f"s{i}", f"t{i}", f"P{i}") for i in range(1, 10)]
    themes = {"A": ["s1", "s2"], "B": ["s2"], "C": ["s3"], "D": ["s4"], "E": ["s5"], "F": ["s7"],
              "G": ["s1", "s9"]}
    found = saturation(themes, rows, base=4, run=2, threshold=0.2)
    assert steps_of(found)[:5] == [("t1", ["A", "G"], 2), ("t2", ["B"], 3), ("t3", ["C"], 4), ("t4", ["D"], 5),
                                   ("t5", ["E"], 6)]
    # base: 5 themes in t1-t4; runs t5-t6 add 1 (20%), so saturation at interview 6
    assert found.new_information[0] == (6, pytest.approx(0.2))
    assert found.reached_at == 6 and found.reached
    assert found.verdict(lambda name: f"<{name}>") == (
        "saturation reached at interview 6 (<t6>): a run of 2 added at most 20% of the 5 themes in the first 4")
    stricter = saturation(themes, rows, base=4, run=2, threshold=0.1)
    assert [share for _, share in stricter.new_information] == pytest.approx([0.2, 0.2, 0.2, 0.0])
    assert stricter.reached_at == 9


def test_saturation_not_reached_and_not_assessable():
    rows = [row(f"s{i}", f"t{i}", f"P{i}") for i in range(1, 8)]
    themes = {chr(65 + i): [f"s{i + 1}"] for i in range(7)}  # every interview adds a theme
    found = saturation(themes, rows, base=4, run=2)
    assert not found.reached and found.new_information == [(6, 0.5), (7, 0.5)] and found.assessed
    short = saturation(themes, rows[:5], base=4, run=2)
    assert not short.reached and short.new_information == [] and not short.assessed
    assert "needs at least 6 interviews" in short.note and "the study has 5" in short.note
    empty = saturation({}, rows)  # a base with no theme cannot be a yardstick
    assert not empty.new_information and not empty.assessed and "hold no theme" in empty.note
    with pytest.raises(WorkbenchError, match="between 0 and 1"):
        saturation(themes, rows, threshold=5)


def test_saturation_follows_a_given_order_and_refuses_unknown_transcripts():
    rows = [row("s1", "t1", "P1"), row("s2", "t2", "P2")]
    found = saturation({"A": ["s1"], "B": ["s2"]}, rows, order=["t2"], base=1, run=1)
    assert [s.transcript for s in found.steps] == ["t2", "t1"]
    with pytest.raises(WorkbenchError, match="no transcript 'tx'"):
        saturation({}, rows, order=["tx"])


def test_transcripts_order_by_a_column_as_numbers_or_text():
    rows = [row("a", "t1", "P1", wave="10"), row("b", "t2", "P2", wave="9"), row("c", "t3", "P3"),
            row("d", "t4", "P4", wave="2")]
    assert transcript_order(rows, "wave") == ["t4", "t2", "t1", "t3"]  # 2 < 9 < 10, the unvalued last
    dated = [row("a", "t1", "P1", date="2026-03-01"), row("b", "t2", "P2", date="2025-12-31")]
    assert transcript_order(dated, "date") == ["t2", "t1"]
    british = [row("a", "t1", "P1", held="15/01/2024"), row("b", "t2", "P2", held="02/02/2024"),
               row("c", "t3", "P3", held="10/01/2024")]
    assert transcript_order(british, "held") == ["t3", "t1", "t2"]  # day first, as dates, not as text
    mixed = [row("a", "t1", "P1", wave="wave 2"), row("b", "t2", "P2", wave="wave 1")]
    assert transcript_order(mixed, "wave") == ["t2", "t1"]
    written = [row("a", "t1", "P1", held="2nd February 2024"), row("b", "t2", "P2", held="15th January 2024"),
               row("c", "t3", "P3", held="3 Sept 2023"), row("d", "t4", "P4", held="10 Jan 2024")]
    assert transcript_order(written, "held") == ["t3", "t4", "t2", "t1"]
    partly = [*written[:2], row("e", "t5", "P5", held="the week after")]
    with pytest.raises(WorkbenchError, match="some values are dates and 'the week after' is not one"):
        transcript_order(partly, "held")
    with pytest.raises(WorkbenchError, match="cannot order by"):
        transcript_order(rows, "nothing")


def test_cohen_kappa_on_a_textbook_table():
    # 50 items: both yes 20, yes/no 5, no/yes 10, both no 15 -> po 0.7, pe 0.5, kappa 0.4
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(["a", "b"], ["a", "b"]) == pytest.approx(1.0)
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None  # chance agreement is already complete
    assert cohen_kappa([], []) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ARV"), st.sampled_from("ARV")), min_size=1, max_size=40))
def test_cohen_kappa_agrees_with_scikit_learn(pairs):
    from sklearn.metrics import cohen_kappa_score

    first, second = [a for a, _ in pairs], [b for _, b in pairs]
    ours = cohen_kappa(first, second)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = cohen_kappa_score(first, second)
    if ours is None:
        assert math.isnan(theirs) or theirs == pytest.approx(0.0) or theirs == pytest.approx(1.0)
    else:
        assert ours == pytest.approx(theirs)


def test_kappa_words_follow_landis_and_koch():
    assert [kappa_strength(v) for v in (None, -0.1, 0.0, 0.2, 0.35, 0.55, 0.7, 0.85)] == [
        "not defined", "poor", "slight", "slight", "fair", "moderate", "substantial", "almost perfect"]


def votes_of(table: dict[str, list[str | None]], session: str = "s") -> dict[tuple[str, str, str], str]:
    return {(session, f"i{n:02d}", who): v for who, column in table.items() for n, v in enumerate(column)
            if v is not None}


def test_krippendorffs_reliability_example():
    # Krippendorff's worked nominal example: 4 coders, 12 units, missing values; alpha 0.743
    data = {"A": ["1", "2", "3", "3", "2", "1", "4", "1", "2", None, None, None],
            "B": ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", None, "3"],
            "C": [None, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", None],
            "D": ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", None]}
    found = agreement("s", votes_of(data))
    assert found.alpha == pytest.approx(0.743, abs=0.001)
    assert found.reviewers == ["A", "B", "C", "D"] and len(found.items) == 12
    ab = next(p for p in found.pairs if (p.first, p.second) == ("A", "B"))
    assert (ab.items, ab.agreed) == (9, 8)  # only the units both coded


def test_agreement_lists_disagreements_with_their_adjudication():
    votes = votes_of({"ann": ["accept", "reject", "accept"], "bob": ["accept", "revise", None]})
    votes[("other", "i00", "cat")] = "reject"
    found = agreement("s", votes, {("s", "i01"): "revise"})
    assert [i.item for i in found.disagreements] == ["i01"]
    assert found.disagreements[0].adjudicated == "revise" and found.to_discuss == []
    assert found.disagreements[0].tally == {"reject": 1, "revise": 1}
    assert found.percent == pytest.approx(0.5)  # two pairs of votes, one agreeing
    assert found.items[2].votes == {"ann": "accept"} and not found.items[2].agreed
    assert [i.state for i in found.items] == ["agreed", "disagreed", "one vote"] and found.compared == 2
    unsettled = agreement("s", votes, retired=["i01"])
    assert unsettled.items[1].retired and unsettled.to_discuss == [], "a theme merged away cannot be adjudicated"
    assert [i.item for i in agreement("s", votes).to_discuss] == ["i01"]
    assert sessions(votes) == [("other", 1, 1), ("s", 2, 3)]


def test_agreement_says_when_it_is_not_defined():
    alone = agreement("s", votes_of({"ann": ["accept", "reject"]}))
    assert alone.alpha is None and "two reviewers" in alone.alpha_note and alone.pairs == []
    apart = agreement("s", votes_of({"ann": ["accept", None], "bob": [None, "reject"]}))
    assert apart.compared == 0 and apart.percent is None and apart.disagreements == []
    assert apart.pairs[0].items == 0 and apart.pairs[0].kappa is None
    same = agreement("s", votes_of({"ann": ["accept"] * 3, "bob": ["accept"] * 3}))
    assert same.alpha is None and "no variation" in same.alpha_note
    assert same.pairs[0].kappa is None and same.percent == 1.0
    with pytest.raises(WorkbenchError, match="no votes in session 'x'; sessions with votes: s"):
        agreement("x", votes_of({"ann": ["accept"]}))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["ann", "bob", "cat", "dev"]),
                       st.lists(st.one_of(st.none(), st.sampled_from(["accept", "reject", "revise"])),
                                min_size=6, max_size=6), min_size=1))
def test_agreement_is_bounded_and_complete(table):
    votes = votes_of(table)
    if not votes:
        return
    found = agreement("s", votes)
    assert sum(len(i.votes) for i in found.items) == len(votes)  # no vote lost or counted twice
    for pair in found.pairs:
        assert 0 <= pair.agreed <= pair.items
        assert pair.kappa is None or -1.0 <= pair.kappa <= 1.0 + 1e-9
    assert found.alpha is None or found.alpha <= 1.0 + 1e-9
    assert all(i.agreed == (len(i.votes) >= 2 and len(set(i.votes.values())) == 1) for i in found.items)
    assert found.compared == len([i for i in found.items if len(i.votes) >= 2])
