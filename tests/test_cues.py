"""Subtitle cues read strictly: every word kept, every problem named by line and cue."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workbench.io.cues
from workbench.errors import InputError
from workbench.io.cues import Cue, read_cues

TEAMS = """WEBVTT

0f3f4a1c-7a1e-4b3c-9f7e-2d0b1d6a9c11/15-0
00:00:03.920 --> 00:00:07.480
<v Sarah Jones>Thanks for joining. Can you</v>

0f3f4a1c-7a1e-4b3c-9f7e-2d0b1d6a9c11/15-1
00:00:07.480 --> 00:00:09.010
<v Sarah Jones>hear me OK?</v>

0f3f4a1c-7a1e-4b3c-9f7e-2d0b1d6a9c11/16-0
00:00:09.620 --> 00:00:12.350
<v P04 (Guest)>Yes, I can hear you.</v>
"""

ZOOM = """WEBVTT

1
00:00:02.340 --> 00:00:05.120
Interviewer: So tell me how it started.

2
00:00:05.800 --> 00:00:09.010
P12: It was the winter before last.

3
01:02:03.000 --> 01:02:04.500
P12: And then
it just stopped.
"""

SRT = """1
00:00:01,000 --> 00:00:02,500
Interviewer: Start?

2
00:00:02,500 --> 00:00:04,000
P05: Yes. So: the thing is

3
00:00:04,000 --> 00:00:05,000
we were short staffed.
"""


def brief(cues: list[Cue]) -> list[tuple[int, str, str | None, str]]:
    return [(c.number, c.start, c.voice, c.text) for c in cues]


def test_teams_vtt_voice_tags():
    cues, warnings = read_cues(TEAMS, "teams.vtt", "vtt")
    assert brief(cues) == [(1, "00:00:03", "Sarah Jones", "Thanks for joining. Can you"),
                           (2, "00:00:07", "Sarah Jones", "hear me OK?"),
                           (3, "00:00:09", "P04 (Guest)", "Yes, I can hear you.")]
    assert [c.line for c in cues] == [4, 8, 12]
    assert warnings == []


def test_zoom_vtt_numbered_cues_with_name_prefixes():
    cues, warnings = read_cues(ZOOM, "zoom.vtt", "vtt")
    assert brief(cues) == [(1, "00:00:02", None, "Interviewer: So tell me how it started."),
                           (2, "00:00:05", None, "P12: It was the winter before last."),
                           (3, "01:02:03", None, "P12: And then it just stopped.")]
    assert warnings == []


def test_srt_with_comma_times():
    cues, warnings = read_cues(SRT, "zoom.srt", "srt")
    assert brief(cues) == [(1, "00:00:01", None, "Interviewer: Start?"),
                           (2, "00:00:02", None, "P05: Yes. So: the thing is"),
                           (3, "00:00:04", None, "we were short staffed.")]
    assert [c.line for c in cues] == [2, 6, 10]
    assert warnings == []


def test_srt_renamed_vtt_is_read_with_one_warning():
    cues, warnings = read_cues(SRT, "zoom.vtt", "vtt")
    assert brief(cues) == brief(read_cues(SRT, "zoom.srt", "srt")[0])
    assert len(warnings) == 1 and "zoom.vtt" in warnings[0] and "SRT file saved as .vtt" in warnings[0]


def test_vtt_renamed_srt_is_read_with_a_warning():
    cues, warnings = read_cues(ZOOM, "zoom.srt", "srt")
    assert brief(cues) == brief(read_cues(ZOOM, "zoom.vtt", "vtt")[0])
    assert len(warnings) == 1 and "WebVTT file saved as .srt" in warnings[0]


def test_commas_in_a_vtt_and_dots_in_an_srt_are_read():
    vtt = "WEBVTT\n\n00:01.000 --> 00:02,000\nshort times\n"
    assert brief(read_cues(vtt, "a.vtt", "vtt")[0]) == [(1, "00:00:01", None, "short times")]
    srt = "1\n00:00:01.000 --> 00:00:02.000\ndots\n"
    assert brief(read_cues(srt, "a.srt", "srt")[0]) == [(1, "00:00:01", None, "dots")]


def test_vtt_without_header_is_refused_as_today():
    refused = (r"bad\.vtt: is not a valid VTT subtitle file \(the first line is 'Interviewer: hello'\)"
               r".*'WEBVTT' on the first line")
    with pytest.raises(InputError, match=refused):
        read_cues("Interviewer: hello\n", "bad.vtt", "vtt")
    with pytest.raises(InputError, match=r"is not a valid VTT subtitle file \(it holds no text\)"):
        read_cues("\n\n", "empty.vtt", "vtt")
    with pytest.raises(InputError, match="not a valid VTT"):  # numbered, but VTT-style times: not clearly SRT
        read_cues("1\n00:00:01.000 --> 00:00:02.000\nhi\n", "x.vtt", "vtt")


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_malformed_timestamp_is_refused_naming_line_and_cue(fmt: str):
    sep = "." if fmt == "vtt" else ","
    cues = [f"{n}\n00:01:{n:02d}{sep}000 --> 00:01:{n:02d}{sep}900\nwords {n}" for n in range(1, 16)]
    cues[13] = f"14\n00:01:2x{sep}000 --> 00:01:30{sep}000\nwords 14"
    text = ("WEBVTT\n\n" if fmt == "vtt" else "") + "\n\n".join(cues) + "\n"
    with pytest.raises(InputError) as caught:
        read_cues(text, f"t.{fmt}", fmt)
    error = caught.value
    line = text.splitlines().index(f"00:01:2x{sep}000 --> 00:01:30{sep}000") + 1
    assert error.line == line
    assert f"cue 14 has a malformed time '00:01:2x{sep}000 --> 00:01:30{sep}000'" in error.problem
    assert "correct the time or export the subtitles again" in error.fix
    assert str(error).startswith(f"t.{fmt}, line {line}: cue 14")


@pytest.mark.parametrize("bad", ["00:00:61.000 --> 00:01:02.000", "00:00:01.000 --> 00:00:02", "00:00:01.000 -> x -->",
                                 "0:1:2.000 --> 0:1:3.000", "00:00:01.000-->00:00:02.000x"])
def test_other_malformed_timings(bad: str):
    with pytest.raises(InputError, match="cue 2 has a malformed time"):
        read_cues(f"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nfine\n\n{bad}\nwords\n", "t.vtt", "vtt")


def test_arrow_inside_cue_text_is_refused_not_dropped():
    with pytest.raises(InputError, match=r"line 4: cue 1 has a malformed time or a '-->' in its text 'A --> B'"):
        read_cues("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nA --> B\n", "t.vtt", "vtt")


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_text_after_a_blank_line_inside_a_cue_is_kept_and_warned(fmt: str):
    sep = "." if fmt == "vtt" else ","
    text = (("WEBVTT\n\n" if fmt == "vtt" else "")
            + f"1\n00:00:01{sep}000 --> 00:00:04{sep}000\nP03: He locked me\n\nin the room and left.\n\n"
            + f"2\n00:00:05{sep}000 --> 00:00:06{sep}000\nInterviewer: I'm sorry.\n")
    cues, warnings = read_cues(text, f"t.{fmt}", fmt)
    assert brief(cues) == [(1, "00:00:01", None, "P03: He locked me in the room and left."),
                           (2, "00:00:05", None, "Interviewer: I'm sorry.")]
    line = text.splitlines().index("in the room and left.") + 1
    assert warnings == [f"t.{fmt}, line {line}: text after a blank line inside cue 1 was kept as part of that cue; "
                        "check the file if it belongs elsewhere"]


def test_many_such_warnings_are_capped():
    text = "WEBVTT\n\n" + "".join(f"00:00:{n:02d}.000 --> 00:00:{n:02d}.500\na{n}\n\nb{n}\n\n" for n in range(30))
    cues, warnings = read_cues(text, "t.vtt", "vtt")
    assert [c.text for c in cues] == [f"a{n} b{n}" for n in range(30)]
    assert len(warnings) == 11 and warnings[-1] == "t.vtt: 20 more places like the last warnings"


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_text_before_the_first_cue_is_refused(fmt: str):
    text = ("WEBVTT\n\n" if fmt == "vtt" else "") + "Interview 4, Castlemere\n\n1\n00:00:01,000 --> 00:00:02,000\nhi\n"
    with pytest.raises(InputError, match=r"line \d: has text before the first cue: 'Interview 4, Castlemere'"):
        read_cues(text, f"t.{fmt}", fmt)


def test_note_style_region_blocks_and_header_metadata_are_skipped():
    text = """WEBVTT - Interview 7
Kind: captions
Language: en-GB

STYLE
::cue { color: yellow }

REGION
id:left width:40%

NOTE recorded on Teams,
consent on file

00:00:01.000 --> 00:00:02.000
<v Interviewer>Hello.</v>

NOTE a note between cues

00:00:02.500 --> 00:00:03.000
<v P09>Hi.</v>
"""
    cues, warnings = read_cues(text, "t.vtt", "vtt")
    assert brief(cues) == [(1, "00:00:01", "Interviewer", "Hello."), (2, "00:00:02", "P09", "Hi.")]
    assert warnings == []


def test_entities_and_every_kind_of_tag():
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000 position:10% align:start\n"
            "<v.loud.first Anne &amp; Co><c.yellow>Fish</c> &amp; <i>chips</i>, <b>&lt;3</b> &nbsp;<u>ok</u>\n"
            "<lang fr>d&eacute;j&agrave; vu</lang> <ruby>漢<rt>kan</rt></ruby> "
            "<00:00:02.000>karaoke <00:00:03.000>words</v>\n")
    (cue,), _ = read_cues(text, "t.vtt", "vtt")
    assert cue.voice == "Anne & Co"
    assert cue.text == "Fish & chips, <3 ok déjà vu 漢kan karaoke words"


def test_srt_font_tags_and_position_overrides_removed():
    text = '1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<font color="#ffff00">P02:</font> <i>Quietly</i> said\n'
    assert read_cues(text, "t.srt", "srt")[0][0].text == "P02: Quietly said"


def test_several_voices_in_one_cue_give_one_cue_each():
    text = ("WEBVTT\n\n7\n00:10:00.000 --> 00:10:04.000\n<v Interviewer>Was it</v> <v P01>Yes.</v>\n"
            "<v Interviewer>OK.</v>\n")
    cues, _ = read_cues(text, "t.vtt", "vtt")
    assert brief(cues) == [(1, "00:10:00", "Interviewer", "Was it"), (1, "00:10:00", "P01", "Yes."),
                           (1, "00:10:00", "Interviewer", "OK.")]
    assert {c.line for c in cues} == {4}


def test_words_before_the_first_voice_are_kept_without_one():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n- <v P01>Yes</v>\n"
    assert brief(read_cues(text, "t.vtt", "vtt")[0]) == [(1, "00:00:01", None, "-"), (1, "00:00:01", "P01", "Yes")]


def test_empty_cues_skipped_but_counted():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n00:00:02.000 --> 00:00:03.000\n<i> </i>\n\n" \
           "00:00:03.000 --> 00:00:04.000\nthird\n"
    assert brief(read_cues(text, "t.vtt", "vtt")[0]) == [(3, "00:00:03", None, "third")]


def test_crlf_and_bom():
    text = "\ufeff" + TEAMS.replace("\n", "\r\n")
    cues, warnings = read_cues(text, "teams.vtt", "vtt")
    assert brief(cues) == brief(read_cues(TEAMS, "teams.vtt", "vtt")[0])
    assert [c.line for c in cues] == [4, 8, 12] and warnings == []
    srt = "\ufeff" + SRT.replace("\n", "\r\n")
    assert brief(read_cues(srt, "zoom.srt", "srt")[0]) == brief(read_cues(SRT, "zoom.srt", "srt")[0])
    assert brief(read_cues(SRT.replace("\n", "\r"), "mac.srt", "srt")[0]) == brief(read_cues(SRT, "z.srt", "srt")[0])


def test_cues_without_blank_lines_between_them():
    srt = "1\n00:00:01,000 --> 00:00:02,000\nfirst\n2\n00:00:02,000 --> 00:00:03,000\nsecond\n"
    assert brief(read_cues(srt, "t.srt", "srt")[0]) == [(1, "00:00:01", None, "first"), (2, "00:00:02", None, "second")]
    vtt = "WEBVTT\n00:00:01.000 --> 00:00:02.000\nfirst\n00:00:02.000 --> 00:00:03.000\nsecond\n"
    assert brief(read_cues(vtt, "t.vtt", "vtt")[0]) == [(1, "00:00:01", None, "first"), (2, "00:00:02", None, "second")]


def test_too_many_cues(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(workbench.io.cues, "MAX_CUES", 3)
    text = "WEBVTT\n\n" + "".join(f"00:00:0{n}.000 --> 00:00:0{n}.500\nw\n\n" for n in range(4))
    with pytest.raises(InputError, match="more than 3 cues"):
        read_cues(text, "t.vtt", "vtt")


# --- property: the same cues, every word, from VTT and from SRT -------------------------------------------------

word = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"], exclude_characters="{"),
               min_size=1, max_size=12).filter(lambda w: not any(ch.isspace() for ch in w))
payload_lines = st.lists(st.lists(word, min_size=1, max_size=6), min_size=1, max_size=3)
voice_name = st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789&()'-", min_size=1,
                              max_size=10), min_size=1, max_size=3).map(" ".join).filter(lambda name: "--" not in name)
cue_body = st.one_of(
    st.tuples(st.none(), payload_lines).map(lambda span: [span]),
    st.lists(st.tuples(voice_name, payload_lines), min_size=1, max_size=3),
    st.just([]),  # a cue with no words: skipped, still counted
)
cue_lists = st.lists(st.tuples(st.integers(0, 99 * 3600), cue_body, st.sampled_from([None, "n", "uuid"])),
                     min_size=1, max_size=12)


def stamp(seconds: int, sep: str, short: bool) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{m:02d}:{s:02d}{sep}250" if short and h == 0 else f"{h:02d}:{m:02d}:{s:02d}{sep}250"


def payload(spans: list[tuple[str | None, list[list[str]]]]) -> str:
    rendered = []
    for voice, lines in spans:
        body = "\n".join(" ".join(html.escape(w, quote=False) for w in line) for line in lines)
        rendered.append(body if voice is None else f"<v {html.escape(voice, quote=False)}>{body}</v>")
    return "\n".join(rendered)


@settings(max_examples=150, deadline=None)
@given(items=cue_lists)
def test_vtt_and_srt_renderings_read_back_the_same_cues(items):
    vtt, srt = ["WEBVTT", ""], []
    expected = []
    for number, (seconds, spans, ident) in enumerate(items, start=1):
        if ident == "n":
            vtt.append(str(number))
        elif ident == "uuid":
            vtt.append(f"0f3f4a1c-7a1e-4b3c-9f7e-2d0b1d6a9c11/{number}-0")
        vtt += [f"{stamp(seconds, '.', number % 2 == 0)} --> {stamp(seconds + 1, '.', False)}", payload(spans), ""]
        srt += [str(number), f"{stamp(seconds, ',', False)} --> {stamp(seconds + 1, ',', False)}", payload(spans), ""]
        h, rest = divmod(seconds, 3600)
        start = f"{h:02d}:{rest // 60:02d}:{rest % 60:02d}"
        expected += [(number, start, voice, " ".join(w for line in lines for w in line)) for voice, lines in spans]
    from_vtt, vtt_warnings = read_cues("\n".join(vtt), "t.vtt", "vtt")
    from_srt, srt_warnings = read_cues("\n".join(srt), "t.srt", "srt")
    assert brief(from_vtt) == expected
    assert brief(from_srt) == expected
    assert vtt_warnings == [] and srt_warnings == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400) | st.lists(st.sampled_from(
    ["WEBVTT", "", "1", "00:00:01.000 --> 00:00:02.000", "00:00:01,000 --> 00:00:02,000", "NOTE x", "<v A>hi</v>",
     "words", "a --> b", "&amp;", "\r", "\ufeff"]), max_size=12).map("\n".join), fmt=st.sampled_from(["vtt", "srt"]))
def test_any_text_gives_cues_or_an_input_error(text, fmt):
    try:
        cues, warnings = read_cues(text, "t." + fmt, fmt)
    except InputError as error:
        assert error.problem and error.fix
        return
    assert all(c.text and c.text == " ".join(c.text.split()) for c in cues)
    assert all(isinstance(w, str) for w in warnings)


def test_stray_words_before_a_cue_number_are_kept_with_the_cue_above():
    srt = "1\n00:00:01,000 --> 00:00:02,000\nfirst\n\nstray words\n2\n00:00:02,000 --> 00:00:03,000\nsecond\n"
    cues, warnings = read_cues(srt, "t.srt", "srt")
    assert brief(cues) == [(1, "00:00:01", None, "first stray words"), (2, "00:00:02", None, "second")]
    assert warnings == ["t.srt, line 5: text with no timing line of its own, after cue 1, was kept as part of "
                        "that cue; check the file if it belongs elsewhere"]
