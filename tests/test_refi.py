"""REFI-QDA codebook export (.qdc), validated against the published schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from workbench.errors import StudyError
from workbench.refi import CODEBOOK_NS
from workbench.study import Study

from .conftest import ROOT, write

SCHEMAS = Path(os.environ.get("WORKBENCH_REFI_SCHEMAS", ROOT.parent / "shared" / "refi"))


def schema(name: str) -> etree.XMLSchema:
    path = SCHEMAS / name
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: the REFI-QDA schemas are needed to validate exports")
        pytest.skip(f"{path} not found")
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture
def coded(tmp_path) -> Study:
    study = Study.init(tmp_path / "study", by="ana", logic_model=ROOT / "models" / "mash-ipe.yaml")
    write(tmp_path / "t.csv", "id,text,participant\nx1,We trust the police now.,P1\nx2,It took weeks.,P2\n")
    study.ingest([tmp_path / "t.csv"])
    study.create_theme("Trust & <confidence>", ["x1"], definition="Agencies \"rely\" on each other\x01",
                       inclusion="=Examples of reliance", exclusion="Personal trust", by="ana")
    study.create_theme("Delays", ["x2"], by="ana")
    return study


def test_the_codebook_validates_and_its_guids_are_stable(coded):
    first = coded.codebook_file("qdc")
    schema("Codebook.xsd").assertValid(etree.fromstring(first))
    assert b"<Sets" not in first, "no mappings: no (invalid) empty Sets"
    root = etree.fromstring(first)
    codes = root.findall(f"{{{CODEBOOK_NS}}}Codes/{{{CODEBOOK_NS}}}Code")
    assert [c.get("name") for c in codes] == ["Trust & <confidence>", "Delays"]
    description = codes[0].find(f"{{{CODEBOOK_NS}}}Description").text
    assert 'Agencies "rely" on each other' in description and "Include: =Examples" in description
    assert all(c.get("isCodable") == "true" and c.get("color").startswith("#") for c in codes)

    coded.map_theme("T-001", "mech-trust", by="ana")
    coded.rename("T-002", "Waiting", by="ana")
    second = coded.codebook_file("qdc")
    schema("Codebook.xsd").assertValid(etree.fromstring(second))
    again = etree.fromstring(second)
    assert [c.get("guid") for c in again.iter(f"{{{CODEBOOK_NS}}}Code")] == [c.get("guid") for c in codes], \
        "a re-export keeps every code's guid"
    sets = again.findall(f"{{{CODEBOOK_NS}}}Sets/{{{CODEBOOK_NS}}}Set")
    assert len(sets) == 1 and "Trust between agencies" in sets[0].get("name")
    assert [m.get("guid") for m in sets[0]
            if m.tag == f"{{{CODEBOOK_NS}}}MemberCode"] == [codes[0].get("guid")]
    assert coded.codebook_file("qdc") == second, "the same codebook gives the same bytes"


def test_an_empty_codebook_is_refused(tmp_path):
    with pytest.raises(StudyError, match="no themes yet"):
        Study.init(tmp_path / "s", by="ana").codebook_file("qdc")


def test_export_codebook_from_the_command_line(coded, tmp_path):
    from .test_cli import wb

    out = tmp_path / "codebook.qdc"
    wb("export", "codebook", "--study", coded.location, "--out", str(out))
    schema("Codebook.xsd").assertValid(etree.parse(str(out)))
    as_csv = tmp_path / "codebook.csv"
    wb("export", "codebook", "--study", coded.location, "--out", str(as_csv))
    assert "'=Examples of reliance" in as_csv.read_text(encoding="utf-8")
    bad = wb("export", "codebook", "--study", coded.location, "--out", str(tmp_path / "x.pdf"), check=False)
    assert bad.returncode == 1 and "csv, qdc, xlsx, md or docx" in bad.stderr
