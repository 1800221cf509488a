"""Every kind of bad input gets a message naming the file (and line or row) and what to do."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.io.ingest import IngestOptions, parse_files
from workbench.io.readers import ReadLimits

from .conftest import write


def parse(paths, counter, **kw):
    return parse_files([Path(p) for p in paths], counter, IngestOptions(**kw))


def fails(paths, counter, pattern, **kw):
    with pytest.raises(InputError, match=pattern) as info:
        parse(paths, counter, **kw)
    assert "\n" not in str(info.value)
    return info.value


def test_missing_file(tmp_path, counter):
    fails([tmp_path / "nope.txt"], counter, r"nope\.txt: no such file \(check the path")


def test_directory(tmp_path, counter):
    (tmp_path / "folder.txt").mkdir()
    fails([tmp_path / "folder.txt"], counter, r"folder\.txt: is a folder")
    fails([tmp_path], counter, r"is a folder, not a file")


def test_empty_file(tmp_path, counter):
    fails([write(tmp_path / "empty.csv", "")], counter, r"empty\.csv: the file is empty")


def test_unsupported_extensions_say_what_to_save_as(tmp_path, counter):
    fails([write(tmp_path / "x.doc", "x")], counter, r"old Word format")
    fails([write(tmp_path / "x.zzz", "x")], counter,
          r"x\.zzz: is not a format the workbench reads \(the workbench reads transcripts \(\.txt .*\.pdf.*\) "
          r"and tables \(\.csv .*\.jsonl")


@pytest.mark.parametrize(("name", "data", "what"), [
    ("a.txt", b"%PDF-1.7\n...", "a PDF document"),
    ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
    ("a.vtt", b"PK\x03\x04rest", "a zip archive"),
    ("a.docx", b"%PDF-1.4 pretending", "a PDF document, not a Word document"),
    ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file"),
    ("a.jsonl", b"\x00\x01\x02binary", "a binary file"),
])
def test_wrong_type_behind_a_known_extension(tmp_path, counter, name, data, what):
    path = tmp_path / name
    path.write_bytes(data)
    fails([path], counter, rf"{name.replace('.', '[.]')}: is {what}")


def test_csv_without_a_text_column(tmp_path, counter):
    fails([write(tmp_path / "t.csv", "id,answer\n1,hello\n")], counter,
          r"t\.csv, line 1: has no 'text' column \(columns: 'id', 'answer'\).*--text-column")


def test_csv_text_column_named_by_flag(tmp_path, counter):
    from workbench.io.tabular import Columns

    parsed = parse([write(tmp_path / "t.csv", "id,answer\n1,hello\n")], counter, columns=Columns(text="answer"))
    assert parsed.transcripts[0].segments[0].text == "hello"


def test_not_utf8_names_the_encoding_and_line(tmp_path, counter):
    path = tmp_path / "win.txt"
    path.write_bytes("Interviewer: Hello.\nP01: It was the caf\u00e9 \u2013 honestly.\n".encode("cp1252"))
    fails([path], counter, r"win\.txt, line 2: is not UTF-8; it looks like Windows-1252.*--encoding cp1252")
    parsed = parse([path], counter, encoding="cp1252")
    assert parsed.transcripts[0].segments[1].text == "It was the caf\u00e9 \u2013 honestly."


def test_utf16_with_bom_is_read(tmp_path, counter):
    path = tmp_path / "notepad.txt"
    path.write_bytes("Interviewer: Hi.\nP01: Caf\u00e9.\n".encode("utf-16"))
    assert parse([path], counter).transcripts[0].segments[1].text == "Caf\u00e9."


def test_duplicate_ids_in_one_file(tmp_path, counter):
    fails([write(tmp_path / "d.csv", "id,text\na,one\nb,two\na,three\n")], counter,
          r"d\.csv, line 4: repeats id 'a' \(first at line 2\)")


def test_duplicate_ids_in_jsonl_and_bad_json(tmp_path, counter):
    fails([write(tmp_path / "d.jsonl", '{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n')], counter,
          r"d\.jsonl, line 2: repeats id '1'")
    fails([write(tmp_path / "e.jsonl", '{"id": 1, "text": "a"}\n{"id": 2, \n')], counter,
          r"e\.jsonl, line 2: is not valid JSON")


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_docx_and_xlsx_that_are_not_valid_zips(tmp_path, counter):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    fails([tmp_path / "broken.docx"], counter, r"broken\.docx: is damaged: it cannot be read as a Word doc")
    (tmp_path / "broken.xlsx").write_bytes(_zip({"xl/workbook.xml": b"<not really>"})[:-30])
    fails([tmp_path / "broken.xlsx"], counter, r"broken\.xlsx: is damaged")


def test_zip_bomb_by_ratio(tmp_path, counter):
    (tmp_path / "bomb.docx").write_bytes(_zip({"word/document.xml": b"\x00" * (40 * 1024 * 1024)}))
    fails([tmp_path / "bomb.docx"], counter, r"bomb\.docx: unpacks to 40 MB .*zip bomb")


def test_zip_bomb_by_entry_count(tmp_path, counter):
    entries = {f"x/{i}.xml": b"" for i in range(60)}
    entries["xl/workbook.xml"] = b""
    (tmp_path / "many.xlsx").write_bytes(_zip(entries))
    fails([tmp_path / "many.xlsx"], counter, r"many\.xlsx: holds 61 parts.*zip bomb",
          limits=ReadLimits(max_zip_entries=50))


def test_damaged_docx_inside_a_valid_zip(tmp_path, counter):
    (tmp_path / "bad.docx").write_bytes(_zip({"word/document.xml": b"<w:document>unclosed",
                                              "[Content_Types].xml": b"<Types/>"}))
    fails([tmp_path / "bad.docx"], counter, r"bad\.docx: is a damaged Word document")


def test_file_over_the_size_limit(tmp_path, counter):
    path = write(tmp_path / "big.txt", "Interviewer: " + "word " * 400_000)
    fails([path], counter, r"big\.txt: the file is 1\.9 MB, over the 1 MB limit.*--max-file-mb",
          limits=ReadLimits(max_bytes=1024 * 1024))


def test_same_transcript_twice_in_one_import(tmp_path, counter):
    a = write(tmp_path / "a" / "int1.txt", "Interviewer: Hi.\nP01: Hello.\n")
    b = write(tmp_path / "b" / "int1.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v P01>Hi</v>\n")
    fails([a, b], counter, r"int1\.vtt: holds transcript 'int1', which .*int1\.txt also holds")


def test_participants_file_problems(tmp_path, counter):
    from workbench.io.participants import read_participants

    with pytest.raises(InputError, match=r"p\.csv, line 3: lists participant 'P1' twice \(first at line 2\)"):
        read_participants(write(tmp_path / "p.csv", "participant_id,site\nP1,A\nP1,B\n"), ReadLimits())
    with pytest.raises(InputError, match=r"q\.csv, line 1: has no participant id column"):
        read_participants(write(tmp_path / "q.csv", "name,site\nx,A\n"), ReadLimits())
