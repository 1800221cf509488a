"""Seeding themes from a codebook: round trip through REFI-QDA, CSV, hostile files, zero-shot suggestions."""

from __future__ import annotations

import pytest

from workbench.engine.discover import DiscoveryParams
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


def _nested(depth: int, name=lambda i: f"C{i}", root: str = "CodeBook", ns: str = "urn:QDA-XML:codebook:1.0") -> bytes:
    """A REFI-QDA codebook whose codes nest ``depth`` deep, one code per level (no recursion to build it)."""
    opening = "".join(f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="{name(i)}" isCodable="true">'
                      for i in range(1, depth + 1))
    inner = f"<Codes>{opening}{'</Code>' * depth}</Codes>"
    body = f"<CodeBook>{inner}</CodeBook>" if root == "Project" else inner
    named = ' name="p"' if root == "Project" else ""
    return f'<?xml version="1.0" encoding="utf-8"?><{root} xmlns="{ns}"{named}>{body}</{root}>'.encode()


def test_codes_nested_deeper_than_the_limit_are_refused_naming_the_code(tmp_path):
    from lxml import etree

    from workbench.io.refi import MAX_CODE_DEPTH

    from .test_refi import schema

    assert MAX_CODE_DEPTH == 50
    study = Study.init(tmp_path / "s", by="ana")
    path = tmp_path / "codebook.qdc"
    for depth in (51, 500, 10_000):
        path.write_bytes(_nested(depth))
        if depth == 51:
            schema("Codebook.xsd").assertValid(etree.fromstring(path.read_bytes()))  # valid, yet too deep
        with pytest.raises(InputError) as caught:
            study.import_codebook(path, by="ana")
        assert str(caught.value) == (
            f"{path}: code 'C1 > C2 > \u2026 > C50 > C51' (guid 00000000-0000-4000-8000-000000000051) is nested 51 "
            "levels deep; the workbench reads up to 50 (flatten the deepest codes in your QDA program and export "
            "again)")
    assert study.events() == []
    path.write_bytes(_nested(50, name=lambda i: chr(ord("a") + i % 26)))
    created, _ = study.import_codebook(path, by="ana")
    assert len(created) == 50 and created[-1].payload["name"].count(" / ") == 49


def test_a_project_nested_ten_thousand_deep_is_refused_quickly(tmp_path):
    import time
    import zipfile

    study = Study.init(tmp_path / "s", by="ana")
    path = tmp_path / "deep.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _nested(10_000, root="Project", ns="urn:QDA-XML:project:1.0"))
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"deep\.qdpx \(project\.qde\): code 'C1 > C2 > \u2026 > C50 > C51' "
                                         r"\(guid .*51\) is nested 51 levels deep"):
        study.import_codebook(path)
    assert time.perf_counter() - started < 5
    other = tmp_path / "other.qdc"
    other.write_bytes(b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code name='A'>" + b"<x>" * 100_000
                      + b"</x>" * 100_000 + b"</Code></Codes></CodeBook>")
    with pytest.raises(InputError, match=r"other\.qdc: nests its XML elements more than 60 deep"):
        study.import_codebook(other)
    assert study.events() == []


def test_a_code_whose_full_name_is_too_long_or_missing_is_named(tmp_path):
    study = Study.init(tmp_path / "s", by="ana")
    path = tmp_path / "codebook.qdc"
    path.write_bytes(_nested(5, name=lambda i: f"Safeguarding concern number {i} " + "x" * 30))
    with pytest.raises(InputError, match=(
            r"codebook\.qdc: code 'Safeguarding concern number 1 xxxxxxxxx\u2026 > .* > Safeguarding .*' "
            r"\(guid 00000000-0000-4000-8000-000000000005\) has a full name \(with its parents' names\) of 312 "
            r"characters; a theme's name may have up to 200")):
        study.import_codebook(path)
    path.write_bytes(_nested(3, name=lambda i: "" if i == 3 else f"Level {i}"))
    with pytest.raises(InputError, match=r"codebook\.qdc: code 'Level 1 > Level 2 > \(no name\)' \(guid .*03\) "
                                         r"has no name"):
        study.import_codebook(path)
    assert study.events() == []


def test_a_flat_codebook_of_ten_thousand_codes_reads_quickly():
    import time

    from workbench.io.refi import read_qdc

    codes = "".join(f'<Code guid="00000000-0000-4000-8000-{i:012d}" name="Code {i}" isCodable="true">'
                    f"<Description>What code {i} means.</Description></Code>" for i in range(10_000))
    data = f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>'.encode()
    started = time.perf_counter()
    found = read_qdc(data, "big.qdc")
    assert time.perf_counter() - started < 5
    assert len(found) == 10_000 and found[9_999].name == "Code 9999"
    assert found[9_999].definition == "What code 9999 means."


def test_csv_codebook_names_and_cells_too_long_are_named_by_line(tmp_path):
    import csv

    study = Study.init(tmp_path / "s", by="ana")
    long_name = write(tmp_path / "codes.csv", 'name,definition\nTrust,"spans\ntwo lines"\n' + "y" * 300 + ",\n")
    with pytest.raises(InputError, match=r"codes\.csv, line 4: the name 'yyy.*' has 300 characters; a theme's name "
                                         r"may have up to 200"):
        study.import_codebook(long_name)
    huge = write(tmp_path / "huge.csv", "name,definition\nTrust,ok\nDelays,\"" + "z" * (csv.field_size_limit() + 10)
                 + "\"\n")
    with pytest.raises(InputError, match=r"huge\.csv, line 3: a cell is longer than the \d+ characters a cell may "
                                         r"hold"):
        study.import_codebook(huge)
    assert study.events() == []


def test_a_name_twice_in_one_codebook_is_named_not_blamed_on_a_theme(tmp_path):
    study = Study.init(tmp_path / "s", by="ana")
    twice = write(tmp_path / "twice.csv", "name\nTrust\nDelays\ntrust\n")
    with pytest.raises(InputError, match=r"twice\.csv, line 4: repeats the name 'trust' \(first at line 2;"):
        study.import_codebook(twice)
    path = tmp_path / "twice.qdc"
    path.write_bytes(b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code name='Risk'><Code name='Home'/></Code>"
                     b"<Code name='risk'><Code name='home'/></Code></Codes></CodeBook>")
    with pytest.raises(InputError, match=r"twice\.qdc: code 'risk' is there twice \(theme names must differ"):
        study.import_codebook(path)
    assert study.events() == []


@pytest.mark.parametrize(("suffix", "content"), [
    (".qdc", "<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code guid='00000000-0000-0000-0000-000000000001' "
             "name='Trust' isCodable='true'/><Code guid='00000000-0000-0000-0000-000000000002' "
             "name='Risk\u202egnp.exe' isCodable='true'/></Codes></CodeBook>"),
    (".csv", "name,definition\nTrust,fine\nRisk,\"Escape \x1b[31mred\"\n"),
])
def test_a_code_with_control_or_bidi_characters_is_refused_naming_the_file_and_the_code(tmp_path, suffix, content):
    study = Study.init(tmp_path / "s", by="ana")
    path = tmp_path / f"codebook{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        study.import_codebook(path)
    message = str(caught.value)
    assert f"codebook{suffix}" in message and "code 'Risk" in message and "U+" in message
    assert study.events() == []
