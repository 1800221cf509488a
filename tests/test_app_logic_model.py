"""The Logic model page with streamlit.testing's AppTest: nodes picked by label or by a click on the drawing,
several themes mapped (and unmapped) in one action, the node kept after every action, text shown as text.

The study is real (imported segments, themes created through the facade, the sample model
from models/); no discovery is needed, so each test makes its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.core.decisions import DecisionError
from workbench.core.markup import markdown_literal as plain
from workbench.study import Study

from .conftest import ROOT, topic_table
from .test_app_pages import button, ok, page

HOSTILE = "![n](http://example.org/x.png) Fear <i>x</i>"
NOTE = "they wait ![m](http://example.org/y.png) for *days*"
SAMPLE = ROOT / "models" / "mash-ipe.yaml"


def by_key(widgets, prefix: str):
    """The widget keyed ``prefix``, or ``prefix`` then ':' or '~' (keys carry the item, the decision, the turn)."""
    found = [w for w in widgets if w.key == prefix or (w.key or "").startswith((f"{prefix}:", f"{prefix}~"))]
    assert found, f"no widget keyed {prefix!r} among {[w.key for w in widgets]}"
    return found[-1]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def click_node(at: AppTest, node_id: str) -> AppTest:
    """What the browser sends when a node of the drawing is clicked: the chart's selection, the node's id in it.

    AppTest has no call for a Plotly selection, so the widget state is set as the browser
    sets it (the chart is a widget whose value is the selection as JSON).
    """
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    chart = at.get("plotly_chart")[0]
    selection = {"selection": {"points": [{"curve_number": 0, "point_number": 0, "point_index": 0,
                                           "customdata": node_id}], "point_indices": [0], "box": [], "lasso": []}}
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps(selection)))
    return at._run(states)


def shown_as_text(at: AppTest) -> list[str]:
    """Everything Streamlit renders as Markdown on the page: texts, messages, headings and widget labels."""
    texts = [e.value for kind in ("title", "subheader", "markdown", "caption", "success", "info", "warning", "error")
             for e in getattr(at, kind)]
    return texts + [w.label for kind in ("selectbox", "multiselect", "text_input", "text_area", "button", "metric")
                    for w in getattr(at, kind)]


def drawn(at: AppTest) -> str:
    """Every piece of text in the drawing (labels, hover texts, legend), as Plotly receives it."""
    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []
    return "\n".join(strings(json.loads(at.get("plotly_chart")[0].proto.spec)))


def no_markup(at: AppTest) -> None:
    texts = shown_as_text(at)
    assert not [t for t in texts if "![" in t or "<i>" in t], "researchers' words are never read as Markdown"
    assert "<i>x</i>" not in drawn(at) and "<b>&" not in drawn(at), "nor as HTML in the drawing"


@pytest.fixture
def themed(tmp_path) -> str:
    """A study with three themes (one named with Markdown and HTML in it) and no logic model yet."""
    table = topic_table(tmp_path / "answers.csv")
    study = Study.init(tmp_path / "study", by="setup")
    study.ingest([table])
    segments = [r.id for r in study.rows()]
    for n, name in enumerate(("Waiting for information", HOSTILE, "Trust at the desk")):
        study.create_theme(name, segments[n::3][:8], by="setup")
    study.close()
    return str(tmp_path / "study")


def test_a_node_picked_by_label_gets_two_themes_in_one_action(themed):
    at = ok(page("logic_model_page", themed, "ana"))
    assert "no logic model yet" in at.info[0].value
    at.selectbox[0].set_value(next(o for o in at.selectbox[0].options if o.endswith("mash-ipe.yaml")))
    button(at, "Load").click().run()
    ok(at)
    study = Study.open(themed)
    assert study.events()[-1].kind == "model"
    assert at.get("plotly_chart"), "the model is drawn"

    picker = by_key(at.selectbox, "node")
    assert "Timely access to information (mechanism)" in picker.options, "nodes are listed by label and type"
    assert "mech-timely-info" not in picker.options
    picker.select_index(picker.options.index("Timely access to information (mechanism)")).run()
    ok(at)
    assert at.subheader[0].value == plain("Timely access to information (mechanism)")
    assert metric(at, "Themes") == "0"

    choose = by_key(at.multiselect, "map-themes")
    assert choose.options == ["T-001 · Waiting for information", f"T-002 · {HOSTILE}", "T-003 · Trust at the desk"]
    choose.select("T-001").select("T-002")
    by_key(at.text_input, "map-note").input(NOTE)
    button(at, "Map to this node").click().run()
    ok(at)
    events = study.events()
    assert [(e.kind, e.payload["theme"], e.payload["node"], e.payload["note"], e.by) for e in events[-2:]] == [
        ("map", "T-001", "mech-timely-info", NOTE, "ana"), ("map", "T-002", "mech-timely-info", NOTE, "ana")]
    assert events[-1].seq == events[-2].seq + 1 and events[-3].kind == "model", "one map event per theme"
    assert plain("Mapped T-001, T-002 to mech-timely-info") in at.success[0].value
    assert by_key(at.selectbox, "node").value == "mech-timely-info", "the node is still the one shown"
    assert at.subheader[0].value == plain("Timely access to information (mechanism)")
    assert metric(at, "Themes") == "2" and int(metric(at, "Participants")) > 0
    assert any(plain(HOSTILE) in m.value for m in at.markdown), "the theme is listed under the node, as text"
    assert any(plain(f"Why it evidences this node: {NOTE}") == c.value for c in at.caption)
    no_markup(at)
    assert "&lt;i&gt;x&lt;/i&gt;" in drawn(at), "its name in the node's hover, escaped"

    # The next mapping starts afresh: no theme chosen, no note carried over.
    assert by_key(at.text_input, "map-note").value == ""
    assert by_key(at.multiselect, "map-themes").value == []
    assert by_key(at.multiselect, "map-themes").options == ["T-003 · Trust at the desk"]
    by_key(at.text_input, "map-note").input("a second note")
    button(at, "Map to this node").click().run()
    assert "choose at least one theme" in at.error[0].value, "refused where it was asked, nothing recorded"
    assert len(study.events()) == len(events)
    assert by_key(at.text_input, "map-note").value == "a second note", "what was typed stays after a refusal"
    by_key(at.multiselect, "map-themes").select("T-003")
    button(at, "Map to this node").click().run()
    ok(at)
    assert study.events()[-1].payload == {"theme": "T-003", "node": "mech-timely-info", "note": "a second note"}

    # Unmapping several at once, likewise.
    by_key(at.multiselect, "unmap-themes").select("T-001").select("T-002")
    button(at, "Unmap from this node").click().run()
    ok(at)
    assert [(e.kind, e.payload["theme"]) for e in study.events()[-2:]] == [("unmap", "T-001"), ("unmap", "T-002")]
    assert by_key(at.selectbox, "node").value == "mech-timely-info"
    assert metric(at, "Themes") == "1"
    assert study.codebook().themes["T-003"].nodes == {"mech-timely-info"}
    no_markup(at)


def test_a_click_on_the_drawing_opens_the_node_and_every_action_stays_on_it(themed):
    study = Study.open(themed)
    study.load_logic_model(SAMPLE, by="setup")
    at = ok(page("logic_model_page", themed, "ana"))
    assert by_key(at.selectbox, "node").value == "ctx-thresholds"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    kinds = [t["name"] for t in spec["data"] if t.get("mode") == "markers"]
    assert kinds == ["context", "input", "component", "mechanism", "output", "outcome", "feedback"], \
        "a trace per node type: the legend"
    ids = [i for t in spec["data"] if t.get("mode") == "markers" for i in t["customdata"]]
    assert sorted(ids) == sorted(n.id for n in study.logic_model().nodes), "each node can be clicked"

    click_node(at, "mech-trust")
    ok(at)
    assert by_key(at.selectbox, "node").value == "mech-trust"
    assert at.subheader[0].value == plain("Trust between agencies (mechanism)")
    at.run()  # the click is not read again: the picker can move away from the clicked node
    by_key(at.selectbox, "node").select_index(0).run()
    assert by_key(at.selectbox, "node").value == "ctx-thresholds"
    click_node(at, "mech-trust")

    hostile = "Trust <b>&</b> ![t](http://example.org/t.png)"
    by_key(at.text_input, "edit-label").input(hostile)
    button(at, "Save node").click().run()
    ok(at)
    assert study.logic_model().node("mech-trust").label == hostile
    assert by_key(at.selectbox, "node").value == "mech-trust", "a new label keeps the node"
    assert at.subheader[0].value == plain(f"{hostile} (mechanism)")
    assert "Trust &lt;b&gt;&amp;&lt;/b&gt;" in drawn(at)
    no_markup(at)

    by_key(at.selectbox, "edge-to").set_value("oc-equity")
    button(at, "Add edge").click().run()
    ok(at)
    assert ("mech-trust", "oc-equity") in {e.key for e in study.logic_model().edges}
    assert by_key(at.selectbox, "node").value == "mech-trust"

    by_key(at.text_input, "new-id").input("ctx-weekends")
    by_key(at.text_input, "new-label").input("Out-of-hours cover")
    button(at, "Add node").click().run()
    ok(at)
    assert by_key(at.selectbox, "node").value == "ctx-weekends", "a new node is opened"
    assert by_key(at.text_input, "new-id").value == "", "the add form starts afresh"
    by_key(at.text_input, "remove-why").input("not needed")
    button(at, "Remove node").click().run()
    ok(at)
    assert study.logic_model().node("ctx-weekends") is None
    assert by_key(at.selectbox, "node").value != "ctx-weekends"


def test_mapping_several_themes_records_all_or_none(themed):
    study = Study.open(themed)
    study.load_logic_model(SAMPLE, by="setup")
    study.map_theme("T-002", "mech-trust", by="ana")
    before = len(study.events())
    with pytest.raises(DecisionError, match="T-002 is already mapped to mech-trust"):
        study.map_themes(["T-001", "T-002", "T-003"], "mech-trust", "a note", by="ana")
    assert len(Study.open(themed).events()) == before, "the first theme's event was not kept either"
    assert study.codebook().themes["T-001"].nodes == set() and len(study.events()) == before
    with pytest.raises(DecisionError, match="choose at least one theme"):
        study.map_themes([], "mech-trust", by="ana")
    made = study.map_themes(["T-001", "T-003", "T-001"], "mech-trust", "a note", by="ana")
    assert [(e.kind, e.payload["theme"], e.payload["note"]) for e in made] == [
        ("map", "T-001", "a note"), ("map", "T-003", "a note")], "one event per theme, each once"
    made = study.unmap_themes(["T-001", "T-002"], "mech-trust", by="ana", why="too broad")
    assert [(e.kind, e.payload["theme"], e.rationale) for e in made] == [
        ("unmap", "T-001", "too broad"), ("unmap", "T-002", "too broad")]
    assert Study.open(themed).codebook().themes["T-003"].nodes == {"mech-trust"}


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="no /usr/bin/chromium")
def test_a_click_on_a_box_in_the_browser_opens_its_node(themed, tmp_path):
    from .browser_harness import browser, go, serve, settle, start

    Study.open(themed).load_logic_model(SAMPLE, by="setup")
    with serve(themed, tmp_path / "app.log") as (url, _), browser() as tab:
        start(tab, url, "Ana")
        go(tab, "Logic model")
        box = tab.locator(".js-plotly-plot .annotation-text").filter(has_text="Trust between").first
        box.wait_for()
        settle(tab)
        box.scroll_into_view_if_needed()
        where = None
        for _ in range(20):  # the chart is drawn again once it knows its width: wait until the box stays put
            tab.wait_for_timeout(300)
            where, before = box.bounding_box(), where
            if where == before:
                break
        x, y = where["x"] + where["width"] / 2, where["y"] + where["height"] / 2
        tab.mouse.move(x, y)  # Plotly clicks the point it hovers: a pointer moves there first, as a hand does
        tab.get_by_text("Click to open it below").wait_for()  # the node's hover text, through its box
        tab.mouse.click(x, y)
        tab.get_by_role("heading", name="Trust between agencies (mechanism)").wait_for()
        settle(tab)
        assert not tab.get_by_test_id("stException").count()
