"""Text files are read as they are or refused with where and why: no silent repair of a NUL, no
UTF-16 called binary (issue 25, item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import InputError
from workbench.io.ingest import IngestOptions, parse_files
from workbench.io.readers import decode_text, decode_text_noting

TRANSCRIPT = "".join(
    f"Interviewer: What happened after the referral in week {i}?\n"
    f"P01: We waited, honestly \u2013 the caf\u00e9 by the school was where we met the social worker.\n"
    for i in range(1, 7))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_and_noted(tmp_path, counter, codec):
    path = tmp_path / "notepad.txt"
    path.write_bytes(TRANSCRIPT.encode(codec))
    text, notes = decode_text_noting(path.read_bytes(), str(path))
    assert text == TRANSCRIPT
    order = "little" if codec.endswith("le") else "big"
    assert notes and f"UTF-16 text ({order}-endian) without a byte-order mark" in notes[0]
    parsed = parse_files([path], counter)
    assert parsed.transcripts[0].segments[1].text.startswith("We waited, honestly \u2013 the caf\u00e9")
    assert any("UTF-16" in line for line in parsed.report), "the import report says how it was read"


def test_utf16_too_mixed_to_be_sure_of_is_named_not_called_binary():
    data = "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u4e00\u4e00\n".encode("utf-16-le") * 20
    with pytest.raises(InputError, match=r"t\.txt: is not UTF-8 text: it may be UTF-16 .*save it again as UTF-8"):
        decode_text(data, "t.txt")


def test_a_nul_after_the_first_64_kb_is_refused_with_its_line(tmp_path, counter):
    data = TRANSCRIPT.encode("utf-8") * 200
    assert len(data) > 70_001
    data = data[:70_000] + b"\x00" + data[70_000:]
    path = tmp_path / "damaged.txt"
    path.write_bytes(data)
    line = data.count(b"\n", 0, 70_000) + 1
    with pytest.raises(InputError) as info:
        parse_files([path], counter, IngestOptions())
    assert str(info.value) == (f"{path}, line {line}: holds a NUL byte: it may be damaged or not a text file "
                               "(save it again as UTF-8 text)")


def test_a_nul_early_in_a_text_is_reported_the_same_way_and_binary_stays_binary():
    with pytest.raises(InputError, match=r"a\.txt, line 2: holds a NUL byte"):
        decode_text(b"Interviewer: Hi.\nP01: He\x00llo.\n", "a.txt")
    with pytest.raises(InputError, match=r"b\.txt: is a binary file, not text"):
        decode_text(bytes(range(32)) * 8, "b.txt")


def test_a_nul_with_a_named_encoding_is_refused_too():
    with pytest.raises(InputError, match=r"c\.txt, line 2: holds a NUL character"):
        decode_text("Interviewer: Hi.\nP01: caf\u00e9\x00.\n".encode("cp1252"), "c.txt", "cp1252")


def test_ingest_on_the_command_line_gives_one_clear_line(tmp_path):
    from .test_cli import wb

    study = str(tmp_path / "s")
    wb("init", study, "--by", "ana")
    damaged = tmp_path / "damaged.txt"
    data = TRANSCRIPT.encode("utf-8") * 200
    damaged.write_bytes(data[:70_000] + b"\x00" + data[70_000:])
    bad = wb("ingest", str(damaged), "--study", study, check=False)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "damaged.txt, line " in bad.stderr and "holds a NUL byte" in bad.stderr
    notepad = tmp_path / "notepad.txt"
    notepad.write_bytes(TRANSCRIPT.encode("utf-16-le"))
    good = wb("ingest", str(notepad), "--study", study, "--by", "ana", check=False)
    assert good.returncode == 0, good.stderr
    assert "UTF-16 text (little-endian) without a byte-order mark" in good.stderr + good.stdout
    assert "binary" not in good.stderr + good.stdout


words = st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]), min_size=1, max_size=20)
spoken = st.lists(st.tuples(words, st.sampled_from([" ", "\n", ", ", ".\n"])), min_size=1, max_size=60).map(
    lambda pairs: "".join(w + sep for w, sep in pairs))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=spoken, codec=st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_any_spoken_text_as_utf16_without_a_bom_reads_back_or_is_named(text, codec):
    """Words with spaces and line breaks (what a transcript is), in any script, saved as UTF-16
    without a BOM: read back exactly, or refused naming UTF-16; never called binary."""
    try:
        got, notes = decode_text_noting(text.encode(codec), "any.txt")
    except InputError as exc:
        assert "binary" not in str(exc) and "UTF-16" in str(exc), str(exc)
        return
    assert got == text and "UTF-16" in " ".join(notes)


REAL = sorted(p for p in (Path(__file__).parent / "fixtures" / "real_transcripts").iterdir()
              if p.suffix in (".txt", ".vtt"))


@pytest.mark.parametrize("source", REAL, ids=lambda p: p.name)
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_real_transcripts_saved_as_utf16_without_a_bom_import_as_their_utf8_originals(tmp_path, counter, source,
                                                                                       codec):
    """The public transcripts in tests/fixtures/real_transcripts (SOURCES.md), re-saved as Windows
    Notepad's 'Unicode' does without a BOM: the same turns, speakers and words as the UTF-8 file."""
    copy = tmp_path / source.name
    copy.write_bytes(source.read_text(encoding="utf-8").encode(codec))
    original, resaved = (parse_files([path], counter).transcripts[0] for path in (source, copy))
    assert [(s.speaker, s.text) for s in resaved.segments] == [(s.speaker, s.text) for s in original.segments]
    assert resaved.segments
