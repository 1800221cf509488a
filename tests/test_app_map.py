"""The Map page: segments selected on the map (box or lasso) read in full and coded to a theme.

AppTest cannot draw a lasso. The chart's selection is what the browser sends after one, and
the page reads it from the chart's state (``st.session_state["map"]``), so the tests set that
state to a selection of points as Plotly reports them; the browser test draws the real lasso.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.study import Study

from .app_harness import by_key
from .conftest import copied, discover_topics
from .test_app_pages import button, ok, page


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory) -> Path:
    """A small discovered study with its map laid out and two accepted themes."""
    folder = tmp_path_factory.mktemp("map")
    study = discover_topics(folder, [("odd", "Quantum chromodynamics of gluon plasma.")])
    study.projection()
    study.accept("C00", "Waiting", by="setup")
    study.accept("C01", "Sharing", by="setup")
    study.close()
    return folder / "study"


@pytest.fixture
def mapped(laid_out, tmp_path) -> str:
    return copied(laid_out, tmp_path)


def lasso(ids: list[str]) -> dict:
    """The chart's state after a lasso round ``ids``, as Plotly reports the points to Streamlit."""
    points = [{"curve_number": 0, "point_number": i, "point_index": i, "x": 0.0, "y": 0.0, "customdata": s}
              for i, s in enumerate(ids)]
    return {"selection": {"points": points, "point_indices": list(range(len(ids))), "box": [],
                          "lasso": [{"x": [0.0, 1.0, 1.0], "y": [0.0, 0.0, 1.0]}]}}


def shown(text: str) -> str:
    """A message as the researcher reads it: Markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", text)


def chart_id(at) -> str:
    [chart] = at.get("plotly_chart")
    return chart.proto.id


def test_selected_segments_are_read_in_full_and_coded_to_a_theme_at_once(mapped):
    study = Study.open(mapped)
    book = study.codebook()
    inside = sorted(book.themes["T-001"].members)[:3]
    outside = sorted(book.themes["T-002"].members)[:2]
    chosen = [*inside, *outside]
    at = ok(page("map_page", mapped, "ana"))
    assert not [s for s in at.subheader if "selected" in s.value], "nothing selected yet"
    at.session_state["map"] = lasso(chosen)
    at.run()
    ok(at)
    assert [s.value for s in at.subheader] == ["5 selected segment(s)"]
    texts = {t.value for t in at.text}
    rows = study.segment_index()
    assert {rows[s].text for s in chosen} <= texts, "each selected segment is shown in full"
    drawn = chart_id(at)
    before = len(study.events())

    by_key(at.selectbox, "map-theme").set_value("T-001")
    by_key(at.text_input, "map-why").input("all about waiting")
    button(at, "Code the selected segments to this theme").click().run()
    ok(at)
    events = Study.open(mapped).events()
    assert len(events) == before + 1, "one decision for the whole selection"
    last = events[-1]
    assert last.kind == "assign" and last.by == "ana" and last.rationale == "all about waiting"
    assert last.payload == {"segments": outside, "theme": "T-001"}, "those already in the theme are skipped"
    [message] = [shown(s.value) for s in at.success]
    assert "Coded 2 selected segment(s) to T-001 (Waiting)" in message and "3 already in it" in message
    # The selection and the map stay: the same chart, the same segments listed.
    assert [s.value for s in at.subheader] == ["5 selected segment(s)"]
    assert chart_id(at) == drawn
    assert set(outside) <= Study.open(mapped).codebook().themes["T-001"].members

    button(at, "Code the selected segments to this theme").click().run()
    ok(at)
    assert len(Study.open(mapped).events()) == before + 1, "nothing new to code: nothing recorded"
    assert any("All 5 selected segment(s) are already in T-001" in shown(i.value) for i in at.info)


def test_the_map_is_recoloured_once_the_selection_is_cleared(mapped):
    study = Study.open(mapped)
    outside = sorted(study.codebook().themes["T-002"].members)[:2]
    at = ok(page("map_page", mapped, "ana"))
    at.session_state["map"] = lasso(outside)
    at.run()
    drawn = chart_id(at)
    by_key(at.selectbox, "map-theme").set_value("T-001")
    button(at, "Code the selected segments to this theme").click().run()
    ok(at)
    assert chart_id(at) == drawn and any("before the latest decision" in c.value for c in at.caption)
    at.session_state["map"] = lasso([])
    at.run()
    ok(at)
    assert chart_id(at) != drawn, "cleared, the map is drawn again with the decision's colours"
    assert not [s for s in at.subheader if "selected" in s.value]


def test_a_refusal_is_shown_and_nothing_is_recorded(mapped):
    """A theme merged away by someone else meanwhile: the form says so and records nothing."""
    free = sorted(Study.open(mapped).candidate_members("C02"))[:2]  # in no theme: they could go anywhere
    at = ok(page("map_page", mapped, "ana"))
    at.session_state["map"] = lasso(free)
    at.run()
    by_key(at.selectbox, "map-theme").set_value("T-001")
    other = Study.open(mapped)
    other.merge(["T-001"], "T-002", by="bob", why="one theme")
    before = len(other.events())
    button(at, "Code the selected segments to this theme").click().run()
    assert not at.exception
    assert at.error and "T-001" in shown(at.error[0].value) and "Choose the theme again" in shown(at.error[0].value)
    assert len(Study.open(mapped).events()) == before, "not coded to the theme the box fell back to"
