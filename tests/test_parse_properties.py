"""Properties of the transcript parse: generated transcripts come back as exactly the turns generated.

For transcripts in every layout people use (labels with titles, roles and affiliations in
parentheses, nested parentheses, timestamps before or after, ids, non-ASCII names;
speakers who speak once; speech holding colons, clock times and reported speech), the
parse returns the generated turns, in order, with their speakers, descriptions and words,
and the segments' offsets reproduce their text from the normalised transcript.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import docx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workbench.io.ingest import parse_files
from workbench.io.readers import ReadLimits
from workbench.io.transcripts import read_docx, read_subtitles, read_txt

from .test_docx_text import make_docx, run
from .test_docx_text import render as render_xml

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LIMITS = ReadLimits()

given_names = st.sampled_from(["Marcus", "Aisha", "Jane", "Dev", "Oluwaseun", "Zofia", "Siobhán", "Jean-Pierre",
                               "Mohammed", "Ana", "Łukasz", "Harpreet", "Ngozi", "Ioana"])
surnames = st.sampled_from(["Patel", "Okoro", "O'Neill", "Nowak", "Ó Súilleabháin", "Smith-Jones", "Abdi",
                            "Van der Berg", "Kaur", "Popescu"])
titles = st.sampled_from(["Mr", "Mrs", "Ms", "Dr", "Dr.", "Hon.", "Cllr", "DC", "PC", "Prof."])
ids = st.sampled_from(["P03", "P12", "R", "IV", "Interviewer", "Respondent 2", "Young person 1", "Parent 2", "Q",
                       "Facilitator", "Speaker 1", "The Chair"])


@st.composite
def labels(draw) -> str:
    shape = draw(st.integers(0, 3))
    if shape == 0:
        return draw(ids)
    if shape == 1:
        return draw(given_names)
    if shape == 2:
        return f"{draw(given_names)} {draw(surnames)}"
    return f"{draw(titles)} {draw(given_names)} {draw(surnames)}"


descriptions = st.one_of(st.none(), st.sampled_from([
    "Social Worker", "Riverside, Lab.", "Cllr Ann Moss (Eastfield, Ind.)", "MASH manager, Site B", "Health",
    "Police – Public Protection", "she/her", "parent of two"]))

# Speech: lines open the way speech does; inside them anything goes, colons and names included.
openers = st.sampled_from(["we", "so", "and", "I", "the", "it", "yeah,", "well", "then", "my", "because",
                           "they", "no,", "um", "honestly", "that's", "if", "right,", "you"])
words = st.sampled_from(["hub", "police", "checks", "the", "school", "rang", "Mum", "said:", "no", "at", "10:30",
                         "(laughs)", "Sarah's", "gran", "P03's", "referral", "strategy", "meeting:", "Jordan",
                         "that", "was", "hard.", "really", "Early", "Help", "—", "x2", "[inaudible]", "MASH",
                         "decision", "within", "24", "hours", "São", "Paulo", "café", "e.g.", "etc."])


@st.composite
def speech_line(draw) -> str:
    return " ".join([draw(openers), *draw(st.lists(words, min_size=0, max_size=14))])


@st.composite
def turns(draw, max_lines: int = 3) -> list[tuple[str, str | None, list[str]]]:
    people = draw(st.lists(st.tuples(labels(), descriptions), min_size=1, max_size=6,
                           unique_by=lambda p: p[0].casefold()))
    count = draw(st.integers(1, 10))
    out = []
    for _ in range(count):
        who, what = draw(st.sampled_from(people))
        out.append((who, what, draw(st.lists(speech_line(), min_size=1, max_size=max_lines))))
    return out


def written(who: str, what: str | None) -> str:
    return f"{who} ({what})" if what else who


def stamp(i: int) -> str:
    return f"00:{i // 60:02d}:{i % 60:02d}"


def render(layout: str, items: list[tuple[str, str | None, list[str]]]) -> str:
    if layout == "paragraph":
        return "\n\n".join(f"{written(w, d)}: " + "\n".join(lines) for w, d, lines in items) + "\n"
    if layout == "line":
        return "\n".join(f"{written(w, d)}: " + " ".join(lines) for w, d, lines in items) + "\n"
    if layout == "timestamped":
        return "\n".join(f"[{stamp(i)}] {written(w, d)}: " + "\n".join(lines)
                         for i, (w, d, lines) in enumerate(items)) + "\n"
    if layout == "label-line":  # Otter and Teams: the label and its time on a line of their own
        return "\n\n".join(f"{written(w, d)}  {stamp(i)[3:]}\n" + "\n".join(lines)
                           for i, (w, d, lines) in enumerate(items)) + "\n"
    if layout == "nvivo":  # NVivo's tab-separated rows: timespan, content, speaker
        rows = [f"{stamp(i)}.0 - {stamp(i + 1)}.0\t{' '.join(lines)}\t{written(w, d)}"
                for i, (w, d, lines) in enumerate(items)]
        return "Timespan\tContent\tSpeaker\n" + "\n".join(rows)
    if layout == "rev":
        return "\n\n".join(f"{written(w, d)} ({stamp(i)}):\n" + "\n".join(lines)
                           for i, (w, d, lines) in enumerate(items)) + "\n"
    raise AssertionError(layout)


def expected(items) -> list[tuple[str, str | None, str]]:
    return [(w, d, " ".join(" ".join(lines).split())) for w, d, lines in items]


def got(draft) -> list[tuple[str, str | None, str]]:
    return [(t.speaker, t.description, " ".join(t.text.split())) for t in draft.turns]


@SETTINGS
@given(layout=st.sampled_from(["paragraph", "line", "timestamped", "label-line", "rev", "nvivo"]), items=turns(),
       header=st.booleans())
def test_text_layouts_give_back_the_generated_turns(tmp_path_factory, counter, layout, items, header):
    if layout in ("line", "nvivo"):
        items = [(w, d, [" ".join(lines)]) for w, d, lines in items]
    text = render(layout, items)
    if header:
        text = "Interview 4, Castlemere\nDate: 3 May 2024\n\n" + text
    heading = "Timespan\tContent\tSpeaker" if layout == "nvivo" else ""
    path = tmp_path_factory.mktemp("parse") / "t.txt"
    path.write_text(text, encoding="utf-8")
    draft = read_txt(path, LIMITS)
    assert got(draft) == merged(items)
    assert draft.preamble == "\n".join(
        [*(["Interview 4, Castlemere", "Date: 3 May 2024"] if header else []), *([heading] if heading else [])])
    for transcript in parse_files([path], counter).transcripts:
        for segment in transcript.segments:
            assert transcript.text[segment.start:segment.end] == segment.text


@SETTINGS
@given(items=turns(max_lines=1))
def test_word_paragraphs_give_back_the_generated_turns(tmp_path_factory, items):
    document = docx.Document()
    for who, what, lines in items:
        document.add_paragraph(f"{written(who, what)}: {lines[0]}")
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path_factory.mktemp("parse") / "t.docx"
    path.write_bytes(buffer.getvalue())
    assert got(read_docx(path, LIMITS)) == merged(items)


def merged(items, subtitles: bool = False) -> list[tuple[str, str | None, str]]:
    """Consecutive blocks of one speaker are one turn (in subtitles, whatever the label's parenthesis says)."""
    out: list[tuple[str, str | None, str]] = []
    for who, what, text in expected(items):
        if out and out[-1][0] == who and (subtitles or out[-1][1] == what):
            out[-1] = (who, out[-1][1], f"{out[-1][2]} {text}")
        else:
            out.append((who, what, text))
    return out


@SETTINGS
@given(items=turns(max_lines=2), fmt=st.sampled_from(["vtt", "srt"]))
def test_subtitle_cues_opening_with_labels_give_back_the_generated_turns(tmp_path_factory, items, fmt):
    items = [(w, d, [line.replace("-->", "->") for line in lines]) for w, d, lines in items]
    sep = "." if fmt == "vtt" else ","
    cues = [f"{i + 1}\n{stamp(i)}{sep}000 --> {stamp(i)}{sep}900\n{written(w, d)}: " + "\n".join(lines)
            for i, (w, d, lines) in enumerate(items)]
    text = ("WEBVTT\n\n" if fmt == "vtt" else "") + "\n\n".join(cues) + "\n"
    path = tmp_path_factory.mktemp("parse") / f"t.{fmt}"
    path.write_text(text, encoding="utf-8")
    assert got(read_subtitles(path, LIMITS, fmt)) == merged(items, subtitles=True)


def test_a_path_is_what_the_tests_write(tmp_path: Path):
    # Guards the generators above: a label and its parenthesis render as people write them.
    assert written("P03", "Social Worker") == "P03 (Social Worker)"
    assert render("rev", [("Speaker 1", None, ["hello"])]) == "Speaker 1 (00:00:00):\nhello\n"


@SETTINGS
@given(document=st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(["P01", "Interviewer", "Dr Okoro (GP)"])),
                                   st.sampled_from(["paragraph", "cell", "textbox", "blocksdt"]),
                                   st.lists(st.tuples(st.sampled_from(["run", "sdt", "ins", "hyperlink", "smartTag",
                                                                       "fldSimple", "field", "del", "moveFrom"]),
                                                      st.lists(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1,
                                                                       max_size=8), min_size=1, max_size=4),
                                                      st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1,
                                                                       max_size=8), min_size=1, max_size=3)),
                                            min_size=1, max_size=3)),
                         min_size=1, max_size=8))
def test_every_visible_word_of_a_word_document_is_in_one_segment_or_the_preamble(tmp_path_factory, counter,
                                                                                 document):
    labelled = []
    for label, block, content in document:
        xml, _ = render_xml([(block, content)])
        if label:  # the label opens the block's first paragraph, as a transcriber types it
            xml = xml.replace("<w:p>", f"<w:p>{run(label + ': ')}", 1)
        labelled.append(xml)
    _, visible = render_xml([(block, content) for _, block, content in document])
    spoken = [any(kind not in ("del", "moveFrom") for kind, _, _ in content) for label, _, content in document
              if label]
    assume(any(spoken))  # with no labelled words there are no turns: refused, as the importer properties cover
    path = tmp_path_factory.mktemp("docx") / "t.docx"
    path.write_bytes(make_docx("".join(labelled)))
    (transcript,) = parse_files([path], counter).transcripts
    preamble = transcript.text[:transcript.segments[0].start] if transcript.segments else transcript.text
    words = Counter(w for s in transcript.segments for w in re.findall(r"[a-z]+", s.text))
    words.update(re.findall(r"[a-z]+", preamble.replace("Dr Okoro (GP)", "").replace("Interviewer", "")))
    assert words == visible


@SETTINGS
@given(items=turns(max_lines=2))
def test_opendocument_paragraphs_give_back_the_generated_turns(tmp_path_factory, items):
    from xml.sax.saxutils import escape

    from workbench.io.transcripts import read_odt

    from .test_read_pdf_odt import _odt

    body = "".join(f"<text:p>{escape(written(w, d))}: " + "<text:line-break/>".join(escape(x) for x in lines)
                   + "</text:p>" for w, d, lines in items)
    path = tmp_path_factory.mktemp("parse") / "t.odt"
    path.write_bytes(_odt(body))
    assert got(read_odt(path, LIMITS)) == merged(items)


ascii_people = st.tuples(st.sampled_from(["P03", "Interviewer", "Dev Patel", "Hon. Jane Okoro", "Respondent 2",
                                          "Dr. Smith", "The Chair"]),
                         st.sampled_from([None, "Social Worker", "Riverside, Lab.", "Cllr Ann Moss (Eastfield, Ind.)"]))
ascii_words = st.sampled_from(["we", "rang", "the", "school", "Mum", "said:", "no", "at", "10:30", "police",
                               "checks", "within", "24", "hours", "referral", "and", "then", "it", "was", "hard."])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.tuples(ascii_people, st.lists(st.lists(ascii_words, min_size=1, max_size=9),
                                                       min_size=1, max_size=3)), min_size=1, max_size=8))
def test_pdf_pages_give_back_the_generated_turns(tmp_path_factory, items):
    from workbench.io.transcripts import read_pdf

    from .test_read_pdf_odt import _draw_transcript

    turns_drawn = [(f"{written(w, d)}:", [" ".join(["so", *line]) for line in lines]) for (w, d), lines in items]
    path = tmp_path_factory.mktemp("parse") / "t.pdf"
    path.write_bytes(_draw_transcript(turns_drawn))
    draft = read_pdf(path, LIMITS)
    assert got(draft) == merged([(w, d, lines) for (w, d), lines in
                                 [((w, d), [" ".join(["so", *line]) for line in lines]) for (w, d), lines in items]])

    # A running header is known by repeating: on a one-page PDF it stays in the preamble, never in a turn.
    assert draft.preamble.splitlines()[-1] == "Interview 4: Family support workers"
