"""Speaker turns from the transcript layouts people actually have."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from workbench.errors import InputError
from workbench.io.readers import ReadLimits
from workbench.io.transcripts import parse_lines, read_docx, read_subtitles, read_txt, transcript_id_for

from .conftest import write

LIMITS = ReadLimits()


def turns_of(text: str, **kw):
    preamble, turns = parse_lines(text.splitlines(), "t.txt", **kw)
    return preamble, [(t.speaker, t.text, t.timestamp) for t in turns]


def test_prefixed_turns_with_continuation_lines():
    _, turns = turns_of("Interviewer: How did it start?\nP03: Well, the school rang.\nThen nothing for a week.\n"
                        "Parent 2: Same for us.")
    assert turns == [("Interviewer", "How did it start?", None),
                     ("P03", "Well, the school rang. Then nothing for a week.", None),
                     ("Parent 2", "Same for us.", None)]


def test_reported_speech_is_not_a_speaker():
    _, turns = turns_of("Interviewer: And then?\nP03: She phoned.\nMum said: you're not having them.\nThat was it.")
    assert turns[1] == ("P03", "She phoned. Mum said: you're not having them. That was it.", None)


def test_a_name_used_twice_is_a_speaker():
    _, turns = turns_of("Sarah: Hello.\nDavid: Hi there.\nSarah: Shall we start?\nDavid: Yes.")
    assert [t[0] for t in turns] == ["Sarah", "David", "Sarah", "David"]


def test_bracketed_timestamps_and_header_preamble():
    preamble, turns = turns_of("Interview 4, Castlemere\nDate: 3 May\n\n[00:01:23] Interviewer: Ready?\n"
                               "[00:01:30] P04: Yes.")
    assert preamble == "Interview 4, Castlemere\nDate: 3 May"
    assert turns == [("Interviewer", "Ready?", "00:01:23"), ("P04", "Yes.", "00:01:30")]


def test_name_with_timestamp_on_its_own_line():
    _, turns = turns_of("Interviewer (00:00:05)\nSo tell me.\n\nJordan Smith (00:00:09)\nIt was\nhard.\n\n"
                        "Interviewer 00:00:20\nRight.")
    assert turns == [("Interviewer", "So tell me.", "00:00:05"), ("Jordan Smith", "It was hard.", "00:00:09"),
                     ("Interviewer", "Right.", "00:00:20")]


def test_label_alone_on_a_line_with_blank_line_separated_blocks():
    _, turns = turns_of("INTERVIEWER\nWhat happened next?\n\nP12\nThey came round.\nOkay\nthat's all.\n")
    assert turns == [("INTERVIEWER", "What happened next?", None), ("P12", "They came round. Okay that's all.", None)]


def test_known_speakers_are_recognised_once():
    _, turns = turns_of("Facilitator: Welcome.\nAsha: Thanks.", known_speakers=["Asha"])
    assert [t[0] for t in turns] == ["Facilitator", "Asha"]


def test_no_turns_is_an_error_that_says_what_to_do():
    with pytest.raises(InputError, match=r"no speaker turns found.*Interviewer"):
        parse_lines(["Just a paragraph of notes.", "Another line."], "notes.txt")


def test_read_txt_ids_from_file_name(tmp_path: Path):
    path = write(tmp_path / "Site A interview 3.txt", "Interviewer: Hi.\nP01: Hello.\n")
    draft = read_txt(path, LIMITS)
    assert draft.id == "Site-A-interview-3" == transcript_id_for(path)
    assert [t.speaker for t in draft.turns] == ["Interviewer", "P01"]


def test_docx_paragraphs_and_tables(tmp_path: Path):
    document = docx.Document()
    document.add_paragraph("Interview with P07")
    document.add_paragraph("Interviewer: First question?")
    document.add_paragraph("P07: An answer that goes on.")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [("00:10:00", "Interviewer", "Next?"), ("00:10:05", "P07", "Yes.")],
                           strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "p07.docx"
    document.save(path)
    draft = read_docx(path, LIMITS)
    assert draft.preamble == "Interview with P07"
    assert [(t.speaker, t.text, t.timestamp) for t in draft.turns] == [
        ("Interviewer", "First question?", None), ("P07", "An answer that goes on.", None),
        ("Interviewer", "Next?", "00:10:00"), ("P07", "Yes.", "00:10:05")]


VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
<v Interviewer>So how did it go?</v>

00:00:03.500 --> 00:00:06.000
<v P02>Honestly it was</v>

00:00:06.000 --> 00:00:09.000
<v P02>a mess at first.</v>

00:00:09.500 --> 00:00:11.000
<v Interviewer>Right.</v>
"""


def test_vtt_voice_tags_and_merged_consecutive_cues(tmp_path: Path):
    draft = read_subtitles(write(tmp_path / "teams.vtt", VTT), LIMITS, "vtt")
    assert [(t.speaker, t.text) for t in draft.turns] == [
        ("Interviewer", "So how did it go?"), ("P02", "Honestly it was a mess at first."), ("Interviewer", "Right.")]
    assert draft.turns[1].timestamp == "00:00:03"


def test_srt_name_prefixes_and_unlabelled_continuations(tmp_path: Path):
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Start?\n\n2\n00:00:02,500 --> 00:00:04,000\n"
           "P05: Yes. So: the thing is\n\n3\n00:00:04,000 --> 00:00:05,000\nwe were short staffed.\n")
    draft = read_subtitles(write(tmp_path / "zoom.srt", srt), LIMITS, "srt")
    assert [(t.speaker, t.text) for t in draft.turns] == [
        ("Interviewer", "Start?"), ("P05", "Yes. So: the thing is we were short staffed.")]


def test_invalid_vtt_says_what_was_expected(tmp_path: Path):
    with pytest.raises(InputError, match=r"bad\.vtt: is not a valid VTT.*WEBVTT"):
        read_subtitles(write(tmp_path / "bad.vtt", "Interviewer: hello\n"), LIMITS, "vtt")


def test_docx_that_is_a_plain_zip(tmp_path: Path):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    path = tmp_path / "fake.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match=r"fake\.docx: is a zip file but not a Word document"):
        read_docx(path, LIMITS)
