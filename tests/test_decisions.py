"""The decision log's rules, pure: validation, replay, revert, and the hash chain."""

from __future__ import annotations

import dataclasses

import pytest

from workbench.core.decisions import GENESIS, DecisionError, Draft, Log, chain_problems, seal


class Book:
    """A log driven the way the study drives it: drafts sealed onto the chain."""

    def __init__(self) -> None:
        self.log = Log()

    def do(self, kind: str, by: str = "ann", why: str = "", **payload) -> int:
        event = seal(Draft(kind, payload, by, why), self.log.seq + 1, f"2026-01-01T00:00:{self.log.seq:02d}Z",
                     self.log.head)
        self.log.append(event)
        return event.seq

    def accept(self, candidate: str, name: str, members: list[str]) -> str:
        theme = self.log.next_theme_id()
        self.do("accept", candidate=candidate, theme=theme, name=name, members=members)
        return theme

    @property
    def book(self):
        return self.log.codebook


@pytest.fixture
def b() -> Book:
    return Book()


def test_accept_creates_a_theme_with_explicit_members(b):
    t = b.accept("R1-C00", "Information sharing", ["s1", "s2"])
    assert t == "T-001"
    theme = b.book.themes[t]
    assert theme.members == {"s1", "s2"} and theme.origin == "R1-C00"
    assert str(b.book.candidates["R1-C00"]) == "accepted as T-001"
    assert b.book.themes_of("s1") == {"T-001"}
    with pytest.raises(DecisionError, match="already accepted as T-001"):
        b.do("accept", candidate="R1-C00", theme="T-002", name="Again", members=["s3"])


def test_a_segment_may_belong_to_several_themes(b):
    b.accept("R1-C00", "A", ["s1", "s2"])
    b.accept("R1-C01", "B", ["s2", "s3"])
    assert b.book.themes_of("s2") == {"T-001", "T-002"}


def test_names_are_unique_and_reasons_required(b):
    b.accept("R1-C00", "Thresholds", ["s1"])
    with pytest.raises(DecisionError, match="already exists"):
        b.accept("R1-C01", "thresholds", ["s2"])
    with pytest.raises(DecisionError, match="reason is required to reject"):
        b.do("reject", candidate="R1-C01")
    b.do("reject", why="too vague", candidate="R1-C01")
    assert str(b.book.candidates["R1-C01"]) == "rejected"
    with pytest.raises(DecisionError, match="already rejected"):
        b.do("reject", why="again", candidate="R1-C01")


def test_a_refused_event_changes_nothing(b):
    t = b.accept("R1-C00", "A", ["s1", "s2"])
    before = (b.book.snapshot(), b.log.seq, b.log.head)
    with pytest.raises(DecisionError):
        b.do("move", segments=["s1", "zz"], **{"from": t, "to": t})
    with pytest.raises(DecisionError):
        b.do("split", why="x", theme=t, parts=[{"theme": "T-002", "name": "P", "members": ["s1"]},
                                               {"theme": "T-003", "name": "Q", "members": ["s1"]}])
    assert (b.book.snapshot(), b.log.seq, b.log.head) == before


def test_merge_themes_and_candidates(b):
    t1 = b.accept("R1-C00", "A", ["s1"])
    t2 = b.accept("R1-C01", "B", ["s2"])
    b.do("map", theme=t2, node="mechanism-trust")
    with pytest.raises(DecisionError, match="reason is required to merge"):
        b.do("merge", into=t1, sources=[{"id": t2}])
    b.do("merge", why="same idea", into=t1, sources=[{"id": t2}, {"id": "R1-C02", "members": ["s3"]}])
    assert b.book.themes[t1].members == {"s1", "s2", "s3"}
    assert b.book.themes[t1].nodes == {"mechanism-trust"}, "mappings travel with the merged theme"
    assert t2 not in b.book.themes and b.book.retired[t2].reason == "merged into T-001"
    assert str(b.book.candidates["R1-C02"]) == "merged into T-001"
    with pytest.raises(DecisionError, match="T-002 no longer exists: it was merged into T-001 by ann"):
        b.do("rename", theme=t2, name="C")
    # Merging into a candidate accepts it as a new theme.
    b.do("merge", why="pair", into="R1-C03", theme="T-003", name="D", members=["s4"],
         sources=[{"id": "R1-C04", "members": ["s5"]}])
    assert b.book.themes["T-003"].members == {"s4", "s5"} and str(b.book.candidates["R1-C03"]) == "accepted as T-003"


def test_split_must_share_out_every_member(b):
    t = b.accept("R1-C00", "A", ["s1", "s2", "s3"])
    b.do("map", theme=t, node="n1")
    part = lambda i, name, m: {"theme": f"T-00{i}", "name": name, "members": m}  # noqa: E731
    with pytest.raises(DecisionError, match="in no part"):
        b.do("split", why="two ideas", theme=t, parts=[part(2, "P", ["s1"]), part(3, "Q", ["s2"])])
    with pytest.raises(DecisionError, match="not in T-001"):
        b.do("split", why="two ideas", theme=t, parts=[part(2, "P", ["s1", "s9"]), part(3, "Q", ["s2", "s3"])])
    with pytest.raises(DecisionError, match="at least two parts"):
        b.do("split", why="one", theme=t, parts=[part(2, "P", ["s1", "s2", "s3"])])
    b.do("split", why="two ideas", theme=t, parts=[part(2, "A", ["s1"]), part(3, "Q", ["s2", "s3"])])
    assert set(b.book.themes) == {"T-002", "T-003"} and b.book.retired[t].reason == "split into T-002, T-003"
    assert b.book.themes["T-002"].name == "A", "a part may keep the split theme's name"
    assert b.book.themes["T-003"].nodes == {"n1"} and b.book.themes["T-003"].origin == "split of T-001"


def test_move_assign_unassign_define(b):
    t1 = b.accept("R1-C00", "A", ["s1", "s2"])
    t2 = b.accept("R1-C01", "B", ["s3"])
    b.do("move", segments=["s1"], **{"from": t1, "to": t2})
    assert b.book.themes[t1].members == {"s2"} and b.book.themes[t2].members == {"s1", "s3"}
    with pytest.raises(DecisionError, match="already holds s3"):
        b.do("assign", theme=t2, segments=["s3"])
    b.do("assign", theme=t1, segments=["s3"])
    with pytest.raises(DecisionError, match="exemplar quotes must come from"):
        b.do("define", theme=t1, definition="d", inclusion="i", exclusion="e", exemplars=["s1"])
    b.do("define", theme=t1, definition="d", inclusion="i", exclusion="e", exemplars=["s3"])
    b.do("unassign", theme=t1, segments=["s3"])
    assert b.book.themes[t1].exemplars == [], "an unassigned segment is no longer an exemplar"
    with pytest.raises(DecisionError, match="does not hold"):
        b.do("unassign", theme=t1, segments=["s3"])


def test_votes_are_each_reviewers_own_and_adjudication_needs_a_reason(b):
    t = b.accept("R1-C00", "A", ["s1"])
    b.do("vote", by="ann", session="v1", item=t, vote="accept")
    b.do("vote", by="bob", session="v1", item=t, vote="reject")
    b.do("vote", by="ann", session="v1", item=t, vote="revise")
    assert {k[2]: v for k, (v, _) in b.book.votes.items()} == {"ann": "revise", "bob": "reject"}
    with pytest.raises(DecisionError, match="must be one of"):
        b.do("vote", session="v1", item=t, vote="maybe")
    with pytest.raises(DecisionError, match="reason is required to adjudicate"):
        b.do("adjudicate", session="v1", item=t, outcome="accept")
    b.do("adjudicate", why="discussed", session="v1", item=t, outcome="revise")
    assert b.book.adjudications[("v1", t)][0] == "revise"


def test_revert_and_revert_of_revert(b):
    t = b.accept("R1-C00", "A", ["s1"])
    rename = b.do("rename", theme=t, name="B")
    before = b.book.snapshot()
    r1 = b.do("revert", why="wrong name", event=rename)
    assert b.book.themes[t].name == "A" and not b.log.active(rename)
    with pytest.raises(DecisionError, match="already undone"):
        b.do("revert", why="again", event=rename)
    b.do("revert", why="it was right", event=r1)
    assert b.book.snapshot() == before and b.log.active(rename)


def test_a_revert_that_would_orphan_a_later_decision_is_refused(b):
    t = b.accept("R1-C00", "A", ["s1"])
    b.do("rename", theme=t, name="B")
    with pytest.raises(DecisionError, match=r"cannot revert #1 \(accept\): event #2 \(rename by ann\) depends on it"):
        b.do("revert", why="x", event=1)
    with pytest.raises(DecisionError, match="no event #9"):
        b.do("revert", why="x", event=9)


def test_ids_are_never_reissued_even_after_a_revert(b):
    b.accept("R1-C00", "A", ["s1"])
    b.do("revert", why="undo", event=1)
    assert "T-001" not in b.book.themes
    assert b.accept("R1-C00", "A", ["s1"]) == "T-002", "the candidate is free again, the id is not"
    with pytest.raises(DecisionError, match="used before"):
        b.do("create", theme="T-001", name="Z", members=[])


def test_replay_equals_the_incremental_state(b):
    t1 = b.accept("R1-C00", "A", ["s1", "s2"])
    b.accept("R1-C01", "B", ["s3"])
    b.do("merge", why="m", into=t1, sources=[{"id": "T-002"}])
    b.do("memo", text="check site 2", theme=t1, segment="")
    r = b.do("revert", why="undo merge", event=3)
    b.do("revert", why="redo merge", event=r)
    b.do("rename", theme=t1, name="Merged")
    assert Log.replay(b.log.events).codebook.snapshot() == b.book.snapshot()


def test_the_chain_detects_edits_deletions_insertions_reorders_and_truncation(b):
    for i in range(5):
        b.do("memo", text=f"note {i}")
    events = list(b.log.events)
    head = (events[-1].seq, events[-1].hash)
    assert chain_problems(events, head) == []
    assert events[0].prev_hash == GENESIS
    edited = [*events[:2], dataclasses.replace(events[2], rationale="changed"), *events[3:]]
    assert any("edited" in p for p in chain_problems(edited, head))
    assert any("missing or inserted" in p for p in chain_problems(events[:2] + events[3:], head))
    swapped = [events[0], events[2], events[1], *events[3:]]
    assert chain_problems(swapped, head)
    forged = seal(Draft("memo", {"text": "forged"}, "eve"), 3, "2026-01-01T00:00:00Z", events[1].hash)
    assert chain_problems([*events[:2], forged, *events[2:]], head)
    assert any("last recorded append" in p for p in chain_problems(events[:-1], head))
