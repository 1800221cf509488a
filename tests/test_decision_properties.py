"""A hypothesis state machine over random sequences of valid and invalid decisions.

Invariants after every step: every theme a segment carries exists and holds it; no id
is issued twice (so merged, split and rejected ids never come back as something new);
a refused decision changes nothing; revert of a revert restores the codebook; and the
replay from scratch equals the state maintained one event at a time.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from workbench.core.decisions import VOTES, DecisionError, Draft, Log, seal

SEGMENTS = [f"s{i}" for i in range(16)]
CANDIDATES = [f"R1-C{i:02d}" for i in range(8)]
NAMES = ["Trust", "Thresholds", "Information sharing", "Workload", "Equity", "Feedback"]
NODES = ["context-1", "mechanism-2", "outcome-3"]
theme_ids = st.integers(0, 1000)  # an index into the live themes, or now and then an id that is gone or never was
members = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6, unique=True)
reasons = st.sampled_from(["", "because"])


class DecisionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.log = Log()
        self.issued_seen: set[str] = set()

    def attempt(self, kind: str, why: str = "because", by: str = "ann", **payload) -> bool:
        before = (self.log.codebook.snapshot(), self.log.seq, set(self.log.issued), set(self.log.undone))
        event = seal(Draft(kind, payload, by, why), self.log.seq + 1, f"t{self.log.seq}", self.log.head)
        try:
            self.log.append(event)
        except DecisionError:
            after = (self.log.codebook.snapshot(), self.log.seq, set(self.log.issued), set(self.log.undone))
            assert after == before, f"a refused {kind} changed the state"
            note(f"{kind} refused")
            return False
        note(f"{kind} applied")
        return True

    def pick(self, index: int) -> str:
        live = sorted(self.log.codebook.themes)
        if not live or index % 7 == 0:
            return f"T-{1 + index % 12:03d}"
        return live[index % len(live)]

    def new_id(self, offset: int = 0) -> str:
        theme = self.log.next_theme_id(offset)
        assert theme not in self.issued_seen, f"{theme} issued twice"
        return theme

    def note_issued(self) -> None:
        self.issued_seen |= self.log.issued

    @rule(candidate=st.sampled_from(CANDIDATES), name=st.sampled_from(NAMES), segs=members)
    def accept(self, candidate, name, segs):
        self.attempt("accept", candidate=candidate, theme=self.new_id(), name=name, members=segs)
        self.note_issued()

    @rule(candidate=st.sampled_from(CANDIDATES), why=reasons)
    def reject(self, candidate, why):
        self.attempt("reject", why=why, candidate=candidate)

    @rule(theme=theme_ids, name=st.sampled_from(NAMES))
    def rename(self, theme, name):
        theme = self.pick(theme)
        self.attempt("rename", theme=theme, name=name)

    @rule(into=theme_ids, source=theme_ids, candidate=st.sampled_from(CANDIDATES), segs=members, why=reasons)
    def merge(self, into, source, candidate, segs, why):
        into, source = self.pick(into), self.pick(source)
        self.attempt("merge", why=why, into=into, sources=[{"id": source}, {"id": candidate, "members": segs}])

    @rule(theme=theme_ids, cut=st.integers(0, 6), name=st.sampled_from(NAMES), why=reasons)
    def split(self, theme, cut, name, why):
        theme = self.pick(theme)
        held = sorted(self.log.codebook.themes[theme].members) if theme in self.log.codebook.themes else SEGMENTS[:4]
        parts = [{"theme": self.new_id(0), "name": name, "members": held[:cut]},
                 {"theme": self.new_id(1), "name": name + " (2)", "members": held[cut:]}]
        self.attempt("split", why=why, theme=theme, parts=parts)
        self.note_issued()

    @rule(source=theme_ids, to=theme_ids, segs=members)
    def move(self, source, to, segs):
        held_only = to % 2 == 1
        source, to = self.pick(source), self.pick(to)
        if source in self.log.codebook.themes and held_only:
            segs = sorted(self.log.codebook.themes[source].members)[: len(segs)]
        self.attempt("move", segments=segs, **{"from": source, "to": to})

    @rule(theme=theme_ids, segs=members, undo=st.booleans())
    def assign_or_unassign(self, theme, segs, undo):
        theme = self.pick(theme)
        if undo and theme in self.log.codebook.themes and len(segs) % 2:
            segs = sorted(self.log.codebook.themes[theme].members)[: len(segs)]
        self.attempt("unassign" if undo else "assign", theme=theme, segments=segs)

    @rule(theme=theme_ids, exemplars=st.lists(st.sampled_from(SEGMENTS), max_size=2, unique=True))
    def define(self, theme, exemplars):
        theme = self.pick(theme)
        self.attempt("define", theme=theme, definition="d", inclusion="i", exclusion="e", exemplars=exemplars)

    @rule(theme=theme_ids, node=st.sampled_from(NODES), undo=st.booleans())
    def map_or_unmap(self, theme, node, undo):
        theme = self.pick(theme)
        self.attempt("unmap" if undo else "map", theme=theme, node=node)

    @rule(theme=st.one_of(st.just(0), theme_ids), text=st.sampled_from(["", "a memo"]))
    def memo(self, theme, text):
        theme = self.pick(theme) if theme else ""
        self.attempt("memo", theme=theme, text=text, segment="")

    @rule(item=st.one_of(theme_ids, st.sampled_from(CANDIDATES)), vote=st.sampled_from([*VOTES, "maybe"]),
          by=st.sampled_from(["ann", "bob"]), adjudicate=st.booleans())
    def vote(self, item, vote, by, adjudicate):
        item = self.pick(item) if isinstance(item, int) else item
        if adjudicate:
            self.attempt("adjudicate", by=by, session="v1", item=item, outcome=vote)
        else:
            self.attempt("vote", by=by, session="v1", item=item, vote=vote)

    @precondition(lambda self: self.log.seq > 0)
    @rule(pick=st.integers(0, 10_000), why=reasons)
    def revert(self, pick, why):
        self.attempt("revert", why=why, event=1 + pick % self.log.seq)

    @precondition(lambda self: self.log.seq > 0)
    @rule(pick=st.integers(0, 10_000))
    def revert_of_revert_restores(self, pick):
        before = self.log.codebook.snapshot()
        if self.attempt("revert", event=1 + pick % self.log.seq):
            assert self.attempt("revert", event=self.log.seq), "a revert can always be reverted"
            assert self.log.codebook.snapshot() == before

    @invariant()
    def segments_only_carry_themes_that_exist(self):
        book = self.log.codebook
        for seg, holders in book.coded.items():
            assert holders, f"{seg} kept in the index with no theme"
            for theme in holders:
                assert theme in book.themes and seg in book.themes[theme].members
        for theme in book.themes.values():
            for seg in theme.members:
                assert theme.id in book.coded[seg]
            assert set(theme.exemplars) <= theme.members

    @invariant()
    def retired_and_rejected_stay_out(self):
        book = self.log.codebook
        assert not set(book.retired) & set(book.themes)
        assert set(book.themes) <= self.log.issued
        for theme in book.themes.values():
            if theme.origin.startswith("R1-"):
                assert str(book.candidates[theme.origin]) == f"accepted as {theme.id}"

    @invariant()
    def replay_equals_incremental(self):
        assert Log.replay(self.log.events).codebook.snapshot() == self.log.codebook.snapshot()


TestDecisionMachine = DecisionMachine.TestCase
TestDecisionMachine.settings = settings(max_examples=200, stateful_step_count=50, deadline=None,
                                        suppress_health_check=[HealthCheck.too_slow])
