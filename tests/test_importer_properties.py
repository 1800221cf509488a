"""Properties of the importers, for any input hypothesis can think of.

1. For any text a transcript importer accepts, every segment's offsets reproduce its text
   exactly from the transcript's normalised text, and no segment exceeds the model limit.
2. No input makes an importer raise anything but the project's own error type.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.io.ingest import parse_files

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

speech = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=300)
labels = st.sampled_from(["Interviewer", "P01", "P12", "Parent 2", "Facilitator", "Young person 1", "INT"])
turns = st.lists(st.tuples(labels, speech), min_size=1, max_size=12)
layouts = st.sampled_from(["prefix", "stamped", "labelline", "vtt", "srt"])


def render(layout: str, items: list[tuple[str, str]]) -> tuple[str, str]:
    if layout == "prefix":
        return "txt", "\n".join(f"{who}: {text}" for who, text in items)
    if layout == "stamped":
        return "txt", "\n".join(f"[00:{i // 60:02d}:{i % 60:02d}] {who}: {text}" for i, (who, text) in enumerate(items))
    if layout == "labelline":
        return "txt", "\n\n".join(f"{who} (00:00:{i % 60:02d})\n{text}" for i, (who, text) in enumerate(items))
    if layout == "vtt":
        cues = [f"00:00:{i % 60:02d}.000 --> 00:00:{i % 60:02d}.500\n<v {who}>{' '.join(text.split())}</v>"
                for i, (who, text) in enumerate(items)]
        return "vtt", "WEBVTT\n\n" + "\n\n".join(cues) + "\n"
    cues = [f"{i + 1}\n00:00:{i % 60:02d},000 --> 00:00:{i % 60:02d},500\n{who}: {' '.join(text.split())}"
            for i, (who, text) in enumerate(items)]
    return "srt", "\n\n".join(cues) + "\n"


def check_offsets(paths: list[Path], counter) -> None:
    try:
        parsed = parse_files(paths, counter)
    except WorkbenchError:
        return  # refusing is allowed; raising anything else is not
    for transcript in parsed.transcripts:
        for segment in transcript.segments:
            assert transcript.text[segment.start:segment.end] == segment.text
            assert segment.text and segment.text == segment.text.strip()
        sizes = counter([s.text for s in transcript.segments]) if transcript.segments else []
        assert all(n <= counter.limit for n in sizes)


@SETTINGS
@given(layout=layouts, items=turns)
def test_offsets_reproduce_segment_text(tmp_path_factory, counter, layout, items):
    folder = tmp_path_factory.mktemp("prop")
    ext, text = render(layout, items)
    path = folder / f"t.{ext}"
    path.write_text(text, encoding="utf-8")
    check_offsets([path], counter)


@SETTINGS
@given(text=st.text(max_size=2000))
def test_arbitrary_text_as_a_transcript(tmp_path_factory, counter, text):
    folder = tmp_path_factory.mktemp("free")
    path = folder / "free.txt"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if text else path.write_bytes(b"")
    check_offsets([path], counter)


@SETTINGS
@given(data=st.binary(max_size=3000), ext=st.sampled_from(
    ["txt", "docx", "vtt", "srt", "csv", "tsv", "xlsx", "jsonl"]))
def test_arbitrary_bytes_raise_only_our_errors(tmp_path_factory, counter, data, ext):
    folder = tmp_path_factory.mktemp("bytes")
    path = folder / f"x.{ext}"
    path.write_bytes(data)
    check_offsets([path], counter)


@SETTINGS
@given(text=st.text(max_size=1500), ext=st.sampled_from(["csv", "jsonl", "vtt", "srt"]))
def test_arbitrary_text_in_structured_formats(tmp_path_factory, counter, text, ext):
    folder = tmp_path_factory.mktemp("struct")
    path = folder / f"x.{ext}"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    check_offsets([path], counter)


@SETTINGS
@given(entries=st.dictionaries(
    st.sampled_from(["word/document.xml", "xl/workbook.xml", "[Content_Types].xml", "_rels/.rels",
                     "xl/worksheets/sheet1.xml", "word/styles.xml"]),
    st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: f"<?xml version='1.0'?><a>{t}</a>".encode(
        "utf-8", errors="surrogatepass"))), max_size=6),
    ext=st.sampled_from(["docx", "xlsx"]))
def test_arbitrary_zips_behind_office_extensions(tmp_path_factory, counter, entries, ext):
    folder = tmp_path_factory.mktemp("zips")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    path = folder / f"x.{ext}"
    path.write_bytes(buffer.getvalue())
    check_offsets([path], counter)


@pytest.mark.parametrize("layout", ["prefix", "stamped", "labelline", "vtt", "srt"])
def test_long_turns_are_split_and_offsets_hold(tmp_path, counter, layout):
    long_answer = " ".join(f"This is sentence {i}, and it goes on about the front door for a while." for i in range(80))
    ext, text = render(layout, [("Interviewer", "Tell me."), ("P01", long_answer)])
    path = tmp_path / f"long.{ext}"
    path.write_text(text, encoding="utf-8")
    transcript = parse_files([path], counter).transcripts[0]
    parts = [s for s in transcript.segments if s.turn == 2]
    assert len(parts) > 1 and [s.id for s in parts][:2] == ["long-002.1", "long-002.2"]
    assert " ".join(s.text for s in parts) == long_answer
    check_offsets([path], counter)
