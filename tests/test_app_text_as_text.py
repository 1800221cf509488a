"""Researchers' and participants' words are shown as text on every page, never read as Markdown.

Every field a researcher or a participant file controls is filled with Markdown that
would fetch an outside image or change the page (a theme named
``![n](http://example.org/x.png) Fear`` can arrive in an imported codebook or CSV), then
every page is drawn and every piece of text Streamlit would read as Markdown (bodies,
captions, headings, messages, widget and tab labels, metric labels, radio options, help)
is checked: the Markdown must arrive escaped. The browser test counts the requests.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from workbench.engine.discover import DiscoveryParams
from workbench.study import Study

from .conftest import ROOT, TOPICS
from .test_app_pages import PAGES, page

IMAGE = "![n](http://example.org/x.png)"
# The hostile text's Markdown, unescaped: a backslash before a character makes it literal.
MARKERS = re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\(|(?<!\\)<img|(?<!\\)\*\*bold")
LITERAL = {"text", "code", "json", "exception"}  # elements that show their body as written


def hostile(word: str) -> str:
    return f"{IMAGE} **bold** <img src=x> {word}"


@pytest.fixture(scope="module")
def hostile_study(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("hostile")
    table = folder / "answers.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "participant", "speaker", "site", "role", "ethnicity"])
        for i in range(45):
            writer.writerow([f"a{i:02d}", f"{TOPICS[i % 3]}, in case {i}. {IMAGE}", f"P{i % 9}",
                             hostile(f"Speaker {i % 9}"), hostile(f"Site {i % 3}"), hostile(f"Role {i % 2}"),
                             hostile(f"Group {i % 9 % 2}")])
        writer.writerow(["odd", f"Quantum chromodynamics of gluon plasma {IMAGE}", "P1", hostile("Speaker 1"),
                         hostile("Site 1"), hostile("Role 1"), hostile("Group 1")])
    study = Study.init(folder / "study", by="setup", logic_model=ROOT / "models" / "mash-ipe.yaml")
    study.ingest([table])
    study.discover(DiscoveryParams(min_size=5, runs=2, min_similarity=0.5), by="setup")
    by = hostile("Researcher")
    study.accept("C00", hostile("Fear"), by=by, why=hostile("reason"))
    study.accept("C01", hostile("Trust"), by=by)
    members = sorted(study.codebook().themes["T-001"].members)
    study.define("T-001", hostile("definition"), hostile("include"), hostile("exclude"), members[:1], by=by)
    study.memo(hostile("memo"), "T-001", members[0], by=by)
    study.add_node("ctx-hostile", "context", hostile("node label"), hostile("description"), (), by=by)
    study.map_theme("T-001", "ctx-hostile", hostile("note"), by=by)
    study.map_theme("T-002", "mech-trust", hostile("note"), by=by)
    session = hostile("session")
    study.vote(session, "T-001", "accept", by=by, why=hostile("vote"))
    study.vote(session, "T-001", "reject", by="another", why=hostile("vote"))
    study.vote(session, "T-002", "accept", by="another")
    study.close()
    return str(folder / "study")


def markdown_texts(node) -> list[tuple[str, str]]:
    """(where, text) for every string in the drawn page that Streamlit reads as Markdown."""
    found: list[tuple[str, str]] = []
    proto = getattr(node, "proto", None)
    kind = getattr(node, "type", type(node).__name__)
    if proto is not None:
        for name in ("body", "label", "help", "caption"):
            if name == "body" and kind in LITERAL:
                continue
            if proto.DESCRIPTOR.fields_by_name.get(name) is not None:
                value = getattr(proto, name)
                if isinstance(value, str) and value:
                    found.append((f"{kind}.{name}", value))
        if kind == "radio":
            found += [(f"{kind}.option", o) for o in proto.options]
    label = getattr(node, "label", None)  # tabs and expanders keep their label outside an element proto
    if isinstance(label, str) and label and kind in ("tab", "expandable"):
        found.append((f"{kind}.label", label))
    for child in getattr(node, "children", {}).values():
        found += markdown_texts(child)
    return found


def draw(name: str, location: str) -> list[tuple[str, str]]:
    at = page(name, location, hostile("Researcher"))
    if name == "validation_page":  # the session chosen and the group's votes shown: their heaviest view
        box = next(s for s in at.selectbox if s.label == "Session")
        box.set_value(next(o for o in box.options if "session" in o)).run()
        at.toggle(key="validation-show").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    return markdown_texts(at._tree)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_shows_researchers_and_participants_text_as_text(hostile_study, name):
    texts = draw(name, hostile_study)
    assert texts, "the page drew text"
    unescaped = [(where, text) for where, text in texts if MARKERS.search(text)]
    assert not unescaped, f"read as Markdown on {name}: {unescaped[:5]}"


def test_the_check_finds_markdown_that_is_not_escaped(tmp_path):
    """The walker sees captions, labels and tabs: a page that forgets to escape fails."""
    script = tmp_path / "careless.py"
    script.write_text("import streamlit as st\n"
                      f"st.caption({hostile('caption')!r})\n"
                      f"st.text_input({hostile('label')!r})\n"
                      f"a, b = st.tabs([{hostile('tab')!r}, 'other'])\n", encoding="utf-8")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script)).run()
    places = {where for where, text in markdown_texts(at._tree) if MARKERS.search(text)}
    assert {"caption.body", "text_input.label", "tab.label"} <= places, places


def test_the_pages_list_is_every_page():
    assert sorted(PAGES) == sorted(p.stem for p in (Path(__file__).parent.parent / "workbench" / "pages").glob(
        "*_page.py"))
