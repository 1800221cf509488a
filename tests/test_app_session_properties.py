"""A researcher's session as random sequences of page actions: every decision lands where it was meant.

A hypothesis state machine drives the app's entry script with streamlit.testing's AppTest,
one browser session throughout (pages switched within it, select boxes sending their
labels as a browser does). Each step is what a researcher does: pick a theme or a
candidate, rename, define, move, assign, write a memo, accept, reject, merge, split, vote, filter,
map themes to a logic-model node, revert a decision, switch page. After every step:

- each new event targets exactly the item that was on screen when the button was
  clicked, and carries exactly the words typed for it (nothing from an earlier form);
- a refused action records nothing and says why on screen;
- the codebook the session shows equals the replay of the log from the store.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from streamlit.testing.v1 import AppTest

from workbench.core.decisions import Log
from workbench.study import Study

from .app_harness import by_key, send_labels_as_a_browser

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "workbench" / "app.py"
WORDS = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P", "S")), min_size=1, max_size=24).filter(
    lambda s: s.strip() and "\n" not in s)
TEMPLATE: list[str] = []  # the discovered study, made once (module fixture) and copied for each example


@pytest.fixture(scope="module", autouse=True)
def _template(template):
    TEMPLATE[:] = [str(template)]
    yield


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


class ReviewSession(RuleBasedStateMachine):
    """One researcher, one browser session, on a copy of a small discovered study."""

    @initialize()
    def open_the_app(self) -> None:
        self.folder = tempfile.mkdtemp()
        self.location = str(Path(self.folder) / "study")
        shutil.copytree(TEMPLATE[0], self.location)
        setup = Study.open(self.location)
        setup.accept("C00", "Waiting for a reply", by="setup")  # one theme to start from
        setup.load_logic_model(ROOT / "models" / "mash-ipe.yaml", by="setup")
        self.patch = pytest.MonkeyPatch()
        send_labels_as_a_browser(self.patch)
        self.at = AppTest.from_file(str(APP), default_timeout=180)
        self.at.session_state["study_location"] = self.location
        self.at.session_state["researcher"] = "ana"
        self.at.run()
        self.page = "study_page"
        self.seen = 2  # events already checked (the setup's accept and model)

    def teardown(self) -> None:
        if hasattr(self, "patch"):
            self.patch.undo()
            shutil.rmtree(self.folder, ignore_errors=True)

    # --- what the store holds --------------------------------------------------------
    def study(self) -> Study:
        return Study.open(self.location)

    def new_events(self):
        events = self.study().events()
        fresh = events[self.seen:]
        self.seen = len(events)
        return fresh

    def expect(self, check) -> None:
        """After a click: either exactly one new event that ``check`` accepts, or a refusal on screen."""
        assert not self.at.exception, [e.value for e in self.at.exception]
        fresh = self.new_events()
        if fresh:
            assert len(fresh) == 1, [e.kind for e in fresh]
            check(fresh[0])
        else:
            assert self.at.error, "an action that recorded nothing must say why"

    def go(self, name: str) -> None:
        self.at.switch_page(f"pages/{name}.py").run()
        self.page = name
        assert not self.at.exception, [e.value for e in self.at.exception]

    def themes(self) -> list[str]:
        return sorted(self.study().codebook().themes)

    # --- Themes page -------------------------------------------------------------------
    @precondition(lambda self: bool(self.themes()))
    @rule(data=st.data())
    def pick_a_theme(self, data) -> None:
        self.go("themes_page")
        theme = data.draw(st.sampled_from(by_key(self.at.selectbox, "theme").options))
        box = by_key(self.at.selectbox, "theme")
        box.set_value(next(t for t in self.themes() if theme.startswith(f"{t} "))).run()

    def on_screen(self) -> str:
        if self.page != "themes_page":
            self.go("themes_page")
        return by_key(self.at.selectbox, "theme").value

    @precondition(lambda self: bool(self.themes()))
    @rule(name=WORDS)
    def rename(self, name) -> None:
        theme = self.on_screen()
        by_key(self.at.text_input, "rename").input(name)
        button(self.at, "Rename").click().run()
        self.expect(lambda e: (e.kind, e.payload["theme"], e.payload["name"]) == ("rename", theme, name.strip())
                    and e.rationale == "")
        assert by_key(self.at.selectbox, "theme").value == theme, "the page stays on the renamed theme"

    @precondition(lambda self: bool(self.themes()))
    @rule(definition=WORDS, why=st.booleans())
    def define(self, definition, why) -> None:
        theme = self.on_screen()
        field = by_key(self.at.text_area, "definition")
        assert field.value == self.study().codebook().themes[theme].definition, "the form shows this theme's own"
        field.input(definition)
        button(self.at, "Save definition").click().run()
        self.expect(lambda e: e.kind == "define" and e.payload["theme"] == theme
                    and e.payload["definition"] == definition)
        assert by_key(self.at.selectbox, "theme").value == theme

    @precondition(lambda self: len(self.themes()) >= 2)
    @rule(data=st.data(), why=WORDS)
    def move(self, data, why) -> None:
        theme = self.on_screen()
        members = by_key(self.at.multiselect, "move").options
        if not members:
            return
        segment = data.draw(st.sampled_from(members)).split(":")[0]
        target_box = by_key(self.at.selectbox, "move-target")
        target = data.draw(st.sampled_from([t for t in self.themes() if t != theme]))
        by_key(self.at.multiselect, "move").select(segment)
        target_box.set_value(target)
        by_key(self.at.text_input, "move-why").input(why)
        button(self.at, "Apply").click().run()
        self.expect(lambda e: (e.kind, e.payload["from"], e.payload["to"], e.payload["segments"], e.rationale)
                    == ("move", theme, target, [segment], why.strip()))
        assert by_key(self.at.selectbox, "theme").value == theme, "the page stays on the theme moved from"

    @precondition(lambda self: bool(self.themes()))
    @rule(text=WORDS)
    def memo(self, text) -> None:
        theme = self.on_screen()
        by_key(self.at.text_area, "memo-text").input(text)
        button(self.at, "Add memo").click().run()
        self.expect(lambda e: e.kind == "memo" and e.payload.get("theme") == theme and e.payload["text"] == text)

    @precondition(lambda self: bool(self.themes()))
    @rule(data=st.data())
    def assign(self, data) -> None:
        theme = self.on_screen()
        outside = sorted({r.id for r in self.study().rows()} - self.study().codebook().themes[theme].members)
        chosen = data.draw(st.lists(st.sampled_from(outside), min_size=1, max_size=3, unique=True))
        by_key(self.at.text_area, "assign-ids").input(", ".join(chosen))
        button(self.at, "Assign").click().run()
        self.expect(lambda e: (e.kind, e.payload["theme"], sorted(e.payload["segments"])) ==
                    ("assign", theme, sorted(chosen)))

    @precondition(lambda self: bool(self.themes()))
    @rule(data=st.data())
    def filter_segments(self, data) -> None:
        theme = self.on_screen()
        site = by_key(self.at.selectbox, "theme-members-site")
        site.set_value(data.draw(st.sampled_from(site.options))).run()
        assert by_key(self.at.selectbox, "theme").value == theme, "a filter never moves the page to another theme"

    # --- Candidates page ---------------------------------------------------------------
    def candidate_on_screen(self) -> int | None:
        self.go("candidates_page")
        boxes = [b for b in self.at.selectbox if (b.key or "").split("~")[0] == "candidate"]
        return boxes[0].value if boxes else None

    @rule(name=WORDS, why=WORDS)
    def accept(self, name, why) -> None:
        number = self.candidate_on_screen()
        if number is None:
            return
        by_key(self.at.text_input, "accept-name").input(name)
        by_key(self.at.text_input, "accept-why").input(why)
        button(self.at, "Accept as a theme").click().run()
        self.expect(lambda e: (e.kind, e.payload["candidate"], e.payload["name"], e.rationale)
                    == ("accept", f"R1-C{number:02d}", name.strip(), why.strip()))

    @rule(why=WORDS)
    def reject(self, why) -> None:
        number = self.candidate_on_screen()
        if number is None:
            return
        by_key(self.at.text_input, "reject-why").input(why)
        button(self.at, "Reject").click().run()
        self.expect(lambda e: (e.kind, e.payload["candidate"], e.rationale) == ("reject", f"R1-C{number:02d}",
                                                                                why.strip()))

    @precondition(lambda self: bool(self.themes()))
    @rule(data=st.data(), why=WORDS)
    def merge(self, data, why) -> None:
        number = self.candidate_on_screen()
        if number is None:
            return
        target = data.draw(st.sampled_from(self.themes()))
        by_key(self.at.selectbox, "merge-target").set_value(target)
        by_key(self.at.text_input, "merge-why").input(why)
        button(self.at, "Merge").click().run()
        self.expect(lambda e: (e.kind, e.payload["into"], [s["id"] for s in e.payload["sources"]], e.rationale)
                    == ("merge", target, [f"R1-C{number:02d}"], why.strip()))

    @rule(why=WORDS)
    def split(self, why) -> None:
        number = self.candidate_on_screen()
        if number is None:
            return
        self.at.number_input(key="split-parts").set_value(2)
        button(self.at, "Propose sub-groups").click().run()
        assert not self.at.exception, [e.value for e in self.at.exception]
        if not any(b.label == "Accept as these themes" for b in self.at.button):
            assert self.at.error, "a proposal that cannot be made says why"
            return
        names = [by_key(self.at.text_input, f"part-{i}").value for i in range(2)]
        by_key(self.at.text_input, "split-why").input(why)
        button(self.at, "Accept as these themes").click().run()
        assert not self.at.exception, [e.value for e in self.at.exception]
        fresh = self.new_events()
        if not fresh:
            assert self.at.error, "an action that recorded nothing must say why"
            return
        accept, split = fresh
        assert (accept.kind, accept.payload["candidate"], split.kind) == ("accept", f"R1-C{number:02d}", "split")
        assert split.payload["theme"] == accept.payload["theme"] and split.rationale == why.strip()
        assert [p["name"] for p in split.payload["parts"]] == [n.strip() for n in names]

    # --- Validation page ----------------------------------------------------------------
    @precondition(lambda self: bool(self.themes()))
    @rule(data=st.data(), verdict=st.sampled_from(["accept", "revise", "reject"]))
    def vote(self, data, verdict) -> None:
        self.go("validation_page")
        if self.at.text_input and any(t.label == "Name of the new session" for t in self.at.text_input):
            next(t for t in self.at.text_input if t.label == "Name of the new session").input("panel").run()
        box = by_key(self.at.selectbox, "validation-item-panel")
        item = box.value
        radio = next(r for r in self.at.radio if r.label == "Your verdict")
        radio.set_value(verdict)
        button(self.at, "Record my vote").click().run()
        self.expect(lambda e: (e.kind, e.payload["item"], e.payload["vote"], e.payload["session"])
                    == ("vote", item, verdict, "panel"))

    # --- Logic model page ---------------------------------------------------------------
    # A revert may take the logic model's loading back: then there is no node to map to.
    @precondition(lambda self: bool(self.themes()) and self.study().logic_model() is not None)
    @rule(data=st.data(), note=WORDS)
    def map_themes(self, data, note) -> None:
        self.go("logic_model_page")
        node = by_key(self.at.selectbox, "node")
        node.set_value(data.draw(st.sampled_from([n.id for n in self.study().logic_model().nodes][:8]))).run()
        node_id = by_key(self.at.selectbox, "node").value
        box = by_key(self.at.multiselect, "map-themes")
        assert by_key(self.at.text_input, "map-note").value == "", "no note carried from an earlier mapping"
        if not box.options:
            return
        themes = sorted(data.draw(st.lists(st.sampled_from(
            [t for t in self.themes() if node_id not in self.study().codebook().themes[t].nodes]),
            min_size=1, max_size=2, unique=True)))
        for theme in themes:
            box.select(theme)
        by_key(self.at.text_input, "map-note").input(note)
        button(self.at, "Map to this node").click().run()
        assert not self.at.exception, [e.value for e in self.at.exception]
        fresh = self.new_events()
        assert [(e.kind, e.payload["theme"], e.payload["node"], e.payload.get("note")) for e in fresh] == \
            [("map", t, node_id, note.strip()) for t in themes]
        assert by_key(self.at.selectbox, "node").value == node_id, "the page stays on the node"

    # --- Decision log page ----------------------------------------------------------------
    @rule(data=st.data(), why=WORDS)
    def revert(self, data, why) -> None:
        self.go("log_page")
        log = self.study().log()
        active = [e.seq for e in log.events if log.active(e.seq)]
        if not active:
            return
        seq = data.draw(st.sampled_from(active))
        by_key(self.at.selectbox, "revert-event").set_value(seq).run()
        by_key(self.at.text_input, "revert-why").input(why)
        by_key(self.at.checkbox, "revert-sure").check().run()
        assert not self.new_events(), "nothing is reverted before the button"
        by_key(self.at.button, "revert-go").click().run()
        self.expect(lambda e: (e.kind, e.payload["event"], e.rationale) == ("revert", seq, why.strip()))

    # --- every step -----------------------------------------------------------------------
    @invariant()
    def the_session_shows_the_replay_of_the_log(self) -> None:
        if not hasattr(self, "at"):
            return
        held = self.at.session_state["_study"][1] if "_study" in self.at.session_state else None
        replayed = Log.replay(self.study().events()).codebook.snapshot()
        if held is not None:
            assert held.codebook().snapshot() == replayed


TestReviewSession = ReviewSession.TestCase
TestReviewSession.settings = settings(max_examples=8, stateful_step_count=16, deadline=None,
                                      suppress_health_check=list(HealthCheck))
