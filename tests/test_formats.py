"""One place knows the formats: help, upload label and refusals are derived from the registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.errors import InputError
from workbench.io import formats
from workbench.io.formats import FORMATS, Format, format_for, register, summary

from .conftest import write


def test_every_reader_is_registered_once_and_listed():
    listed = formats.suffixes()
    assert len(listed) == len(set(listed))
    assert summary("transcript") == ".txt .text .docx .odt .pdf .vtt .srt"
    assert summary("table") == ".csv .tsv .xlsx .xlsm .jsonl .ndjson"


def test_help_upload_label_and_refusal_follow_a_new_registration(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(formats, "FORMATS", list(FORMATS))
    with pytest.raises(InputError, match=r"x\.cha: is not a format the workbench reads"):
        format_for(write(tmp_path / "x.cha", "*INV: hello\n"))
    chat = register(Format("CHAT transcript", (".cha",), "transcript", lambda path, ctx: ([], [])))
    assert format_for(tmp_path / "x.cha") is chat
    assert summary("transcript").endswith(".srt .cha")
    with pytest.raises(ValueError, match="already registered"):
        register(Format("another text", (".txt",), "transcript", chat.read))
    refusal = pytest.raises(InputError, match=r"the workbench reads transcripts \(.*\.cha\)")
    with refusal:
        format_for(write(tmp_path / "x.zzz", "x"))


def test_a_file_is_recognised_by_its_content_when_its_name_does_not_say(tmp_path: Path, counter):
    from workbench.io.ingest import parse_files

    path = write(tmp_path / "meeting.transcript",
                 "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>Hi.</v>\n\n"
                 "00:00:02.000 --> 00:00:03.000\n<v P01>Hello.</v>\n")
    assert format_for(path).suffixes == (".vtt",)
    assert [s.speaker for s in parse_files([path], counter).transcripts[0].segments] == ["Interviewer", "P01"]


def test_the_command_line_help_and_the_study_page_read_the_registry():
    from workbench.cli.main import app

    result = CliRunner().invoke(app, ["ingest", "--help"], env={"COLUMNS": "220"})
    assert summary("transcript") in " ".join(result.stdout.split())
    page = (Path(__file__).resolve().parent.parent / "workbench" / "pages" / "study_page.py").read_text()
    assert "summary('transcript')" in page and ".txt .docx" not in page


def test_a_table_format_reads_rows_for_segments_and_participants_alike(tmp_path: Path, monkeypatch):
    """Registering a table format is enough for both the segment importer and the participants sidecar."""
    from workbench.io.participants import read_participants
    from workbench.io.readers import ReadLimits

    monkeypatch.setattr(formats, "FORMATS", list(FORMATS))

    def pipes(path: Path, limits: ReadLimits, encoding: str | None) -> tuple[str, list[tuple[int, dict[str, str]]]]:
        lines = path.read_text().splitlines()
        header = lines[0].split("!")
        return "line", [(n, dict(zip(header, line.split("!"), strict=False))) for n, line in enumerate(lines[1:], 2)]

    register(Format("Bang-separated table", (".bang",), "table", formats.FORMATS[-1].read, rows=pipes))
    segments = write(tmp_path / "rows.bang", "id!text!participant\ns1!We met weekly.!P01\n")
    drafts, _ = format_for(segments).read(segments, formats.ReadContext())
    assert [t.text for t in drafts[0].turns] == ["We met weekly."]
    people = write(tmp_path / "people.bang", "participant_id!site\nP01!North\n")
    assert [(p.id, p.site) for p in read_participants(people, ReadLimits())] == [("P01", "North")]
    assert ".bang" in summary("table")


def test_a_sidecar_whose_suffix_names_no_table_is_still_read_as_csv(tmp_path: Path):
    from workbench.io.participants import read_participants
    from workbench.io.readers import ReadLimits

    people = write(tmp_path / "people.txt", "participant_id;site\nP01;North\n")
    assert [(p.id, p.site) for p in read_participants(people, ReadLimits())] == [("P01", "North")]


def test_the_participants_upload_lists_every_table_format():
    page = (Path(__file__).resolve().parent.parent / "workbench" / "pages" / "study_page.py").read_text()
    assert 'suffixes("table")' in page and 'type=["csv", "xlsx"]' not in page
