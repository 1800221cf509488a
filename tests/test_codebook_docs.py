"""Codebook documents: XLSX safe from formula injection, Markdown and DOCX, each traceable to the log."""

from __future__ import annotations

import io

import pytest

from workbench.study import Study

from .conftest import ROOT, write

HOSTILE_CELLS = ["=1+2", "+SUM(A1)", "-3+4", "@cmd", "\tTAB", "\rCR"]


@pytest.fixture
def coded(tmp_path) -> Study:
    study = Study.init(tmp_path / "study", by="ana", logic_model=ROOT / "models" / "mash-ipe.yaml")
    write(tmp_path / "people.csv", "participant_id,site,role\nP1,North,Parent\nP2,South,Social worker\n")
    rows = ["id,text,participant"] + [f"x{i},\"{text} said here\",P{1 + i % 2}" for i, text in enumerate(HOSTILE_CELLS)]
    write(tmp_path / "t.csv", "\n".join(rows) + "\n")
    study.ingest([tmp_path / "t.csv"], participants=tmp_path / "people.csv")
    study.create_theme("=HYPERLINK(\"http://x\")", ["x0", "x1", "x2"], definition="+definition",
                       inclusion="-include", exclusion="@exclude", by="ana")
    study.create_theme("Waiting *for* <b>news</b>", ["x3", "x4", "x5"], definition="Delays here", by="bob")
    study.define("T-002", exemplars=["x4"], by="bob")
    study.map_theme("T-002", "oc-timeliness", by="bob")
    return study


def test_xlsx_cells_are_never_formulas(coded):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(coded.codebook_file("xlsx")))
    sheet = book["Codebook"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["id", "name", "definition"] and "created by" in header
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert cells and not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    values = {c.value for row in sheet.iter_rows(min_row=2) for c in row}
    assert "'=HYPERLINK(\"http://x\")" in values and "'+definition" in values and "'-include" in values
    quotes = next(c.value for c in sheet[2] if isinstance(c.value, str) and "said here" in c.value)
    assert "P1, Parent, North" in quotes, "quotes are attributed to the pseudonym, role and site"
    assert sheet["K2"].value == "created" and sheet["L2"].value == "ana"
    made = {r[0].value: r[1].value for r in book["Made from"].iter_rows()}
    assert made["decision log head (sha256)"] == coded.log().head


def test_markdown_and_docx_say_what_they_were_made_from(coded):
    from docx import Document

    md = coded.codebook_file("md").decode("utf-8")
    assert coded.log().head in md and "## T-002 Waiting \\*for\\* \\<b\\>news\\</b\\>" in md
    assert "**Prevalence:** 3 segments, 2 participants, 2 sites." in md
    assert "Timelier safeguarding decisions \\[oc\\-timeliness\\]" in md
    doc = Document(io.BytesIO(coded.codebook_file("docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "T-001 =HYPERLINK" in text and "Delays here" in text
    assert coded.log().head in text and "\u2014 P1, Parent, North; x4" in text


def test_csv_has_the_same_columns_and_is_formula_safe(coded):
    import csv

    rows = list(csv.DictReader(io.StringIO(coded.codebook_file("csv").decode("utf-8"))))
    assert [r["id"] for r in rows] == ["T-001", "T-002"]
    first = rows[0]
    assert first["name"].startswith("'=") and first["definition"] == "'+definition"
    assert first["inclusion"] == "'-include" and first["exclusion"] == "'@exclude"
    assert first["created by"] == "ana" and first["participants"] == "2" and first["members"] == "x0;x1;x2"
    assert "P1, Parent, North" in first["exemplar quotes"]
    assert rows[1]["logic-model nodes"] == "Timelier safeguarding decisions [oc-timeliness]"
    assert all(r["log head"].endswith(coded.log().head) for r in rows)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
