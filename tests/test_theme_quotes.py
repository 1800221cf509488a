"""A theme's quotes (Study.quotes): its exemplars, then its most central members, never the first by id.

Without exemplars, the segments that stand for a theme in validation, in the codebook
documents and on the logic-model page are the members nearest the theme's centre in
embedding space, from different participants: the first segments by id are whatever the
file's numbering put first, and may be the theme's strays.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from workbench.study import Study

from .conftest import TOPICS, discover_topics, write

# Topic 0 (referrals) is every third row: a00, a03, ... a42, spoken by P0, P3 and P6 (site S0).
REFERRALS = [f"a{i:02d}" for i in range(0, 45, 3)]
STRAYS = ["a01", "a02", "a04", "a05"]  # police desk and threshold rows: first by id, far from the centre
MEMBERS = [*STRAYS, *REFERRALS[1:]]  # a00 left out, so the first three by id are a01, a02, a03


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("quotes")
    study = discover_topics(folder)
    study.create_theme("Slow referrals", MEMBERS, by="ana")
    study.close()
    return folder / "study"


@pytest.fixture
def coded(template, tmp_path) -> Study:
    import shutil

    shutil.copytree(template, tmp_path / "study")
    opened = Study.open(tmp_path / "study")
    yield opened
    opened.close()


def test_without_exemplars_a_theme_is_quoted_by_its_central_members_from_different_people(coded):
    index = coded.segment_index()
    chosen = coded.quotes("T-001")
    assert len(chosen) == 3 and chosen != sorted(MEMBERS)[:3]
    assert set(chosen) <= set(REFERRALS), "the strays first by id are not what the theme is about"
    assert len({index[s].participant_id for s in chosen}) == 3  # P0, P3 and P6: three voices, not one
    assert all(index[s].text.startswith(TOPICS[0]) for s in chosen)
    assert len(coded.quotes("T-001", 5)) == 5


def test_exemplars_come_first_then_central_members(coded):
    coded.define("T-001", exemplars=["a04"], by="ana")
    chosen = coded.quotes("T-001")
    assert chosen[0] == "a04" and len(chosen) == 3 and set(chosen[1:]) <= set(REFERRALS)
    coded.define("T-001", exemplars=["a05", "a04", "a03", "a06"], by="ana")
    assert coded.quotes("T-001") == ["a05", "a04", "a03", "a06"]  # every exemplar the researchers chose


def test_quotes_follow_the_members_as_they_change(coded):
    first = coded.quotes("T-001")
    coded.unassign(first[:1], "T-001", by="ana")
    assert first[0] not in coded.quotes("T-001")


def test_codebook_documents_quote_the_central_members(coded):
    from docx import Document

    chosen = coded.quotes("T-001")
    md = coded.codebook_file("md").decode("utf-8")
    quoted = [line for line in md.splitlines() if line.startswith("> —")]
    assert [line.rsplit("; ", 1)[1] for line in quoted] == chosen
    doc = Document(io.BytesIO(coded.codebook_file("docx")))
    said = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert [p.rsplit("; ", 1)[1] for p in said] == chosen
    for stray in STRAYS:
        assert f"; {stray}" not in md


def test_without_embeddings_quotes_come_in_transcript_order_not_by_id(tmp_path):
    study = Study.init(tmp_path / "study", by="ana")
    write(tmp_path / "t.csv", "id,text,participant\nz9,Waiting for weeks,P1\nb2,Nobody rang back,P2\n"
                              "a1,The form was lost,P3\nc3,Still waiting,P4\n")
    study.ingest([tmp_path / "t.csv"])
    study.create_theme("Waiting", ["a1", "b2", "c3", "z9"], by="ana")
    assert study.quotes("T-001") == ["z9", "b2", "a1"]
    study.define("T-001", exemplars=["c3"], by="ana")
    assert study.quotes("T-001") == ["c3", "z9", "b2"]
    assert "; z9" in study.codebook_file("md").decode("utf-8")


def test_an_accepted_candidate_without_embeddings_falls_back_to_its_representatives(coded, monkeypatch):
    _, found = coded.candidates()
    first = found[0]
    coded.accept(f"C{first.number:02d}", by="ana")
    monkeypatch.setattr(coded.store, "cached_vectors", lambda key, hashes: {})  # the vectors' cache emptied
    theme = next(t for t in coded.codebook().themes.values() if t.origin.endswith(f"C{first.number:02d}"))
    members = [s for s in first.representatives if s in theme.members]
    assert coded.quotes(theme.id) == members[:3]


def test_the_validation_page_shows_the_central_members(coded):
    from .test_app_pages import ok, page

    chosen = coded.quotes("T-001")
    at = ok(page("validation_page", coded.location, "ann"))
    at.text_input(key="validation-new").input("panel").run()
    shown = "\n".join(m.value for m in ok(at).markdown)
    assert all(f"`{s}`" in shown for s in chosen)
    assert not [s for s in STRAYS if f"`{s}`" in shown]
