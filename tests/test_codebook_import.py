"""Seeding themes from a codebook: round trip through REFI-QDA, CSV, hostile files, zero-shot suggestions."""

from __future__ import annotations

import pytest

from workbench.discover import DiscoveryParams
from workbench.errors import InputError
from workbench.study import Study

from .conftest import TOPICS, write


def test_a_qdc_round_trip_keeps_themes_and_descriptions(tmp_path):
    first = Study.init(tmp_path / "a", by="ana")
    first.create_theme("Trust & <confidence>", definition="Agencies rely on each other", inclusion="Reliance",
                       exclusion="Personal trust", by="ana")
    first.create_theme("Delays", definition="Waiting", by="ana")
    qdc = tmp_path / "codebook.qdc"
    qdc.write_bytes(first.codebook_file("qdc"))
    second = Study.init(tmp_path / "b", by="bob")
    created, skipped = second.import_codebook(qdc, by="bob")
    assert len(created) == 2 and not skipped and len({e.seq for e in created}) == 2
    def summary(study):
        return [(t.name, t.definition, t.inclusion, t.exclusion) for t in
                sorted(study.codebook().themes.values(), key=lambda t: t.id)]
    assert summary(second) == summary(first)
    assert all(t.origin == "imported from codebook.qdc" and not t.members for t in second.codebook().themes.values())
    again, skipped = second.import_codebook(qdc, by="bob")
    assert again == [] and skipped == ["Trust & <confidence>", "Delays"], "importing twice adds nothing"


def test_a_project_file_seeds_its_codebook_and_a_zip_without_project_is_refused(tmp_path):
    import zipfile

    first = Study.init(tmp_path / "a", by="ana")
    write(tmp_path / "t.csv", "id,text\nx1,Waiting for weeks\n")
    first.ingest([tmp_path / "t.csv"])
    first.create_theme("Delays", ["x1"], definition="Waiting", by="ana")
    project = tmp_path / "project.qdpx"
    project.write_bytes(first.codebook_file("qdpx"))
    second = Study.init(tmp_path / "b", by="bob")
    created, _ = second.import_codebook(project, by="bob")
    assert [(e.payload["name"], e.payload["definition"]) for e in created] == [("Delays", "Waiting")]
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("Sources/a.txt", "text")
    with pytest.raises(InputError, match=r"empty\.qdpx.*no project\.qde inside"):
        second.import_codebook(empty)
    assert len(second.events()) == 1


def test_a_csv_codebook(tmp_path):
    study = Study.init(tmp_path / "s", by="ana")
    path = write(tmp_path / "codes.csv", "Name,Definition\nThresholds,When a contact becomes a referral\nTrust,\n")
    created, _ = study.import_codebook(path, by="ana")
    assert [e.payload["name"] for e in created] == ["Thresholds", "Trust"]
    bad = write(tmp_path / "bad.csv", "code,definition\nA,b\n")
    with pytest.raises(InputError, match=r"bad\.csv.*no 'name' column"):
        study.import_codebook(bad)
    gap = write(tmp_path / "gap.csv", "name\nA\n\"\"\n")
    with pytest.raises(InputError, match=r"line 3"):
        study.import_codebook(gap)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="00000000-0000-0000-0000-000000000000"
 name="&lol3;" isCodable="true"/></Codes></CodeBook>"""


@pytest.mark.parametrize(("content", "message"), [
    (b"<CodeBook><Codes>", "not well-formed XML"),
    (b"<html><body>not a codebook</body></html>", "not a REFI-QDA codebook"),
    (BOMB, "entities or a DTD"),
    (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes/></CodeBook>", "holds no codes"),
])
def test_hostile_or_broken_codebooks_change_nothing(tmp_path, content, message):
    study = Study.init(tmp_path / "s", by="ana")
    path = tmp_path / "codebook.qdc"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        study.import_codebook(path)
    assert "codebook.qdc" in str(caught.value) and study.events() == []


def test_imported_themes_get_segments_suggested_by_their_words(tmp_path):
    study = Study.init(tmp_path / "s", by="ana")
    rows = ["id,text,participant"] + [f"a{i:02d},\"{TOPICS[i % 3]}, in case {i}.\",P{i % 9}" for i in range(45)]
    study.ingest([write(tmp_path / "rows.csv", "\n".join(rows) + "\n")])
    codes = write(tmp_path / "codes.csv", "name,definition\nInformation sharing with the police,"
                  "Sharing information with the police desk and sitting together\n")
    study.import_codebook(codes, by="ana")
    run = study.discover(DiscoveryParams(min_size=5, runs=2), by="ana")
    suggested = [(seg, sim) for seg, theme, sim in study.theme_suggestions(run.id) if theme == "T-001"]
    on_topic = {f"a{i:02d}" for i in range(1, 45, 3)}
    best = {seg for seg, _ in sorted(suggested, key=lambda x: -x[1])[:15]}
    assert best == on_topic, "the segments about the police desk are suggested first"


def test_import_from_the_command_line(tmp_path):
    from .test_cli import wb

    study = str(tmp_path / "s")
    wb("init", study)
    codes = write(tmp_path / "codes.csv", "name\nTrust\nDelays\n")
    out = wb("import", "codebook", str(codes), "--study", study, "--by", "ana").stdout
    assert "created 2 theme(s)" in out
    bad = wb("import", "codebook", str(tmp_path / "missing.qdc"), "--study", study, check=False)
    assert bad.returncode == 1 and "missing.qdc" in bad.stderr and "Traceback" not in bad.stderr
