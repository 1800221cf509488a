"""REFI-QDA codebook export (.qdc), validated against the published schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from workbench.errors import StudyError
from workbench.io.refi import CODEBOOK_NS
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
    study.create_theme("Trust & <confidence>", ["x1"], definition="Agencies \"rely\" on each other",
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
    assert coded.log().head in again.get("origin"), "the origin names the log head it was made from"


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
    assert coded.log().head in as_csv.read_text(encoding="utf-8")
    log = tmp_path / "log.jsonl"
    out = wb("export", "log", "--study", coded.location, "--out", str(log)).stdout
    assert coded.log().head in out and len(log.read_text(encoding="utf-8").splitlines()) == coded.log().seq
    bad = wb("export", "codebook", "--study", coded.location, "--out", str(tmp_path / "x.pdf"), check=False)
    assert bad.returncode == 1 and "csv, qdc, qdpx, xlsx, md or docx" in bad.stderr


def test_the_project_validates_and_every_selection_is_exact(tmp_path):
    import io
    import zipfile

    study = Study.init(tmp_path / "p", by="ana", logic_model=ROOT / "models" / "mash-ipe.yaml")
    write(tmp_path / "people.csv", "participant_id,site,role,ethnicity_group\nP01,North,Parent,Black British\n"
          "P02,South,Social worker,\n")
    transcript = "Interviewer: How was it?\r\nP01: The police desk helped.\r\nIt was <fast> & fair.\r\n" \
                 "P02: We waited weeks \u2014 too long.\r\n"
    (tmp_path / "int1.txt").write_bytes(transcript.encode("utf-8"))
    study.ingest([tmp_path / "int1.txt"], participants=tmp_path / "people.csv")
    segs = [r for r in study.rows() if not r.is_interviewer]
    study.create_theme("Police desk", [segs[0].id], by="ana")
    study.create_theme("Delays", [], by="bob")
    study.assign([segs[-1].id, segs[0].id], "T-002", by="bob", why="both speak of time")
    study.memo("Ask about weekends", theme="T-001", by="cat")
    study.map_theme("T-001", "mech-trust", by="ana")
    data = study.codebook_file("qdpx")
    archive = zipfile.ZipFile(io.BytesIO(data))
    project = etree.fromstring(archive.read("project.qde"))
    schema("Project-mrt2019.xsd").assertValid(project)
    ns = "{urn:QDA-XML:project:1.0}"
    rows = {r.id: r for r in study.rows()}
    selections = list(project.iter(f"{ns}PlainTextSelection"))
    assert {s.get("name") for s in selections} == {segs[0].id, segs[-1].id}
    for source in project.iter(f"{ns}TextSource"):
        text = archive.read(source.get("plainTextPath").replace("internal://", "Sources/")).decode("utf-8")
        assert "\r" not in text
        for selection in source.iter(f"{ns}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == rows[selection.get("name")].text.replace("\r\n", "\n"), "offsets are exact"
    codings = {(s.get("name"), c.find(f"{ns}CodeRef").get("targetGUID"), c.get("creatingUser"))
               for s in selections for c in s.iter(f"{ns}Coding")}
    users = {u.get("name"): u.get("guid") for u in project.iter(f"{ns}User")}
    codes = {c.get("name"): c.get("guid") for c in project.iter(f"{ns}Code")}
    assert (segs[0].id, codes["Police desk"], users["ana"]) in codings
    assert (segs[0].id, codes["Delays"], users["bob"]) in codings, "each coding carries who coded it"
    notes = [n.find(f"{ns}PlainTextContent").text for n in project.iter(f"{ns}Note")]
    assert "Ask about weekends" in notes and any("both speak of time" in n for n in notes)
    cases = {c.get("name"): c for c in project.iter(f"{ns}Case")}
    assert set(cases) == {"P01", "P02"} and "Black British" in etree.tostring(cases["P01"]).decode()
    assert study.codebook_file("qdpx") == data, "deterministic: the same study gives the same file"
    assert study.log().head in project.find(f"{ns}Description").text, "it says which log head it was made from"
