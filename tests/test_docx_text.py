"""Word transcripts read whole: every container a reader sees, tracked changes accepted, cells once.

Each document is made by python-docx and then given real WordprocessingML for the construct
under test, the way Word writes it, because python-docx cannot write most of them and its
reader is what lost the text in the first place.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from workbench.errors import InputError
from workbench.io.docx_text import DocxText, docx_text
from workbench.io.readers import ReadLimits

LIMITS = ReadLimits()
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (f'xmlns:w="{W}" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')
REV = 'w:author="Transcriber" w:date="2024-05-03T10:00:00Z"'


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*content: str) -> str:
    return f"<w:p>{''.join(content)}</w:p>"


def make_docx(body_xml: str, before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> bytes:
    """A python-docx document with ``body_xml`` (WordprocessingML) between ordinary paragraphs."""
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    body = document.element.body
    fragment = etree.fromstring(f"<w:body {NS}>{body_xml}</w:body>")
    for child in list(fragment):
        body.insert(len(body) - 1, child)  # before the final w:sectPr
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(data: bytes, name: str = "t.docx") -> DocxText:
    return docx_text(Path(name), data, LIMITS)


def text_lines(data: bytes) -> list[str]:
    return [line for line in read(data).lines if line]


def test_plain_paragraphs_and_breaks():
    body = para(run("Interviewer: one"), "<w:r><w:br/><w:t>two</w:t><w:tab/><w:t>three</w:t></w:r>",
                "<w:r><w:t>well</w:t><w:noBreakHyphen/><w:t>known</w:t><w:cr/>"
                '<w:sym w:font="Symbol" w:char="F0B7"/><w:sym w:font="Arial" w:char="2013"/></w:r>')
    result = read(make_docx(body, before=("Header line",)))
    assert result.lines == ["Header line", "", "Interviewer: one", "two\tthreewell-known", "–", ""]
    assert result.tracked_changes is False


def test_content_controls_block_and_inline():
    body = ('<w:sdt><w:sdtPr><w:alias w:val="Answer"/></w:sdtPr><w:sdtContent>'
            + para(run("P03: The school rang."))
            + "</w:sdtContent></w:sdt>"
            + para(run("Interviewer: And "),
                   '<w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent>'
                   + run("then what")
                   + "</w:sdtContent></w:sdt>", run("?")))
    assert text_lines(make_docx(body)) == ["P03: The school rang.", "Interviewer: And then what?"]


def test_tracked_insertion_is_read_and_deletion_is_not():
    body = para(run("P03: He "),
                f'<w:ins w:id="1" {REV}>{run("locked me in the room and ")}</w:ins>',
                f'<w:del w:id="2" {REV}><w:r><w:delText xml:space="preserve">quietly </w:delText></w:r></w:del>',
                run("left."))
    result = read(make_docx(body))
    assert [line for line in result.lines if line] == ["P03: He locked me in the room and left."]
    assert result.tracked_changes is True


def test_python_docx_alone_loses_the_insertion():
    """Why this module exists: python-docx's paragraph text skips w:ins."""
    data = make_docx(para(run("He "), f'<w:ins w:id="1" {REV}>{run("locked me in the room and ")}</w:ins>',
                          run("left.")))
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text == "He left."
    assert text_lines(data) == ["He locked me in the room and left."]


def test_moves_keep_the_destination_only():
    body = (para(f'<w:moveFrom w:id="3" {REV}>{run("moved words")}</w:moveFrom>', run("stay")) +
            para(run("here "), f'<w:moveTo w:id="4" {REV}>{run("moved words")}</w:moveTo>'))
    result = read(make_docx(body))
    assert [line for line in result.lines if line] == ["stay", "here moved words"]
    assert result.tracked_changes is True


def test_deleted_paragraph_mark_joins_the_next_paragraph():
    body = (f'<w:p><w:pPr><w:rPr><w:del w:id="5" {REV}/></w:rPr></w:pPr>{run("P03: I was ")}</w:p>'
            + para(run("scared.")))
    assert read(make_docx(body)).lines == ["P03: I was scared.", ""]


def test_deleted_table_row_is_gone():
    body = ("<w:tbl><w:tr>" + f"<w:tc>{para(run('P01'))}</w:tc><w:tc>{para(run('kept'))}</w:tc></w:tr>"
            f'<w:tr><w:trPr><w:del w:id="6" {REV}/></w:trPr>'
            f'<w:tc>{para(run("P02"))}</w:tc><w:tc><w:p><w:del w:id="7" {REV}><w:r>'
            "<w:delText>gone</w:delText></w:r></w:del></w:p></w:tc></w:tr></w:tbl>")
    assert text_lines(make_docx(body)) == ["P01: kept"]


def test_simple_and_complex_fields_show_their_results_not_their_codes():
    body = para(run("Recorded "),
                '<w:fldSimple w:instr=" DATE \\@ &quot;d MMMM yyyy&quot; ">' + run("3 May 2024") + "</w:fldSimple>",
                run(" on page "),
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
                run("4"),
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>', run("."))
    assert text_lines(make_docx(body)) == ["Recorded 3 May 2024 on page 4."]


def test_nested_field_codes_stay_hidden():
    body = para('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>IF </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>MERGEFIELD x</w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("inner") +
                '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText> = 1 "a" "b"</w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("outer result") +
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>', run(" done"))
    assert text_lines(make_docx(body)) == ["outer result done"]


def test_a_field_that_never_ends_does_not_hide_the_rest():
    body = para('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>',
                run("Interviewer: still here")) + para(run("P01: and here"))
    assert text_lines(make_docx(body)) == ["Interviewer: still here", "P01: and here"]


def test_smart_tags_custom_xml_and_hyperlinks():
    body = para(run("P07: We moved to "),
                '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="City">'
                + run("Castlemere") + "</w:smartTag>",
                run(" and read "),
                '<w:hyperlink r:id="rId99" w:history="1">' + run("the leaflet") + "</w:hyperlink>",
                run(" from "),
                '<w:customXml w:element="org">' + run("the council") + "</w:customXml>", run("."))
    assert text_lines(make_docx(body)) == ["P07: We moved to Castlemere and read the leaflet from the council."]


def text_box(words: str, fallback: bool = True) -> str:
    """A DrawingML text box as Word writes it, with the VML fallback copy of the same text."""
    choice = ('<mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Text Box 1"/>'
              '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
              f"<wps:wsp><wps:txbx><w:txbxContent>{para(run(words))}</w:txbxContent></wps:txbx></wps:wsp>"
              "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>")
    copy = (f'<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{para(run(words))}</w:txbxContent>'
            "</v:textbox></v:shape></w:pict></mc:Fallback>") if fallback else ""
    return f"<w:r><mc:AlternateContent>{choice}{copy}</mc:AlternateContent></w:r>"


def test_text_box_read_once_after_its_anchor_paragraph():
    body = para(run("P02: I kept a note"), text_box("Note: ring the school")) + para(run("Interviewer: OK."))
    assert read(make_docx(body)).lines == ["P02: I kept a note", "", "Note: ring the school", "",
                                          "Interviewer: OK.", ""]


def test_vml_only_text_box_is_read():
    body = para(run("Anchor"), f"<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{para(run('boxed'))}"
                "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    assert text_lines(make_docx(body)) == ["Anchor", "boxed"]


def test_merged_cells_read_once_and_rows_keep_todays_layout():
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [("00:10:00", "Interviewer", "Next?"), ("00:10:05", "P07", "Yes."),
                                        ("", "", "")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    wide = table.cell(2, 0).merge(table.cell(2, 2))  # gridSpan=3
    wide.text = "Interview ends"
    tall = document.add_table(rows=2, cols=2)
    tall.cell(0, 0).merge(tall.cell(1, 0)).text = "P08"  # vMerge restart + continuation
    tall.cell(0, 1).text = "First."
    tall.cell(1, 1).text = "Second."
    assert [c.text for c in table.rows[2].cells] == ["Interview ends"] * 3  # what python-docx repeats
    buffer = io.BytesIO()
    document.save(buffer)
    assert read(buffer.getvalue()).lines == [
        "[00:10:00] Interviewer: Next?", "[00:10:05] P07: Yes.", "Interview ends", "",
        "P08: First.", "Second.", ""]


def test_a_repeated_answer_in_two_cells_is_not_merged_away():
    body = "<w:tbl><w:tr>" + "".join(f"<w:tc>{para(run(t))}</w:tc>" for t in ("P01", "No", "No")) + "</w:tr></w:tbl>"
    assert text_lines(make_docx(body)) == ["P01: No No"]


def test_nested_table_flattened_into_its_cell():
    inner = ("<w:tbl><w:tr>" + f"<w:tc>{para(run('inner one'))}</w:tc><w:tc>{para(run('inner two'))}</w:tc>"
             "</w:tr></w:tbl>")
    body = ("<w:tbl><w:tr>" + f"<w:tc>{para(run('P04'))}</w:tc>"
            f"<w:tc>{para(run('Before'))}{inner}{para(run('after.'))}</w:tc></w:tr></w:tbl>")
    assert text_lines(make_docx(body)) == ["P04: Before inner one inner two after."]


def test_row_level_content_control_and_cell_paragraphs():
    body = ("<w:tbl><w:sdt><w:sdtContent><w:tr>"
            + f"<w:tc>{para(run('P05'))}</w:tc><w:tc>{para(run('line one'))}{para(run('line two'))}</w:tc>"
            + "</w:tr></w:sdtContent></w:sdt></w:tbl>")
    assert text_lines(make_docx(body)) == ["P05: line one line two"]


def test_headers_footers_and_comments_are_not_read():
    document = docx.Document()
    document.add_paragraph("Interviewer: Hello.")
    document.sections[0].header.paragraphs[0].text = "CONFIDENTIAL"
    document.sections[0].footer.paragraphs[0].text = "Page footer"
    buffer = io.BytesIO()
    document.save(buffer)
    assert text_lines(buffer.getvalue()) == ["Interviewer: Hello."]


def rezip(data: bytes, part: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == part else source.read(info.filename))
    return buffer.getvalue()


def test_damaged_xml_is_refused_with_advice():
    data = rezip(make_docx(para(run("x"))), "word/document.xml", b"<w:document xmlns:w='x'><w:body><w:p>")
    with pytest.raises(InputError, match=r"t\.docx: is a damaged Word document .*save it again as \.docx"):
        read(data)


def test_one_stretch_of_text_past_the_xml_readers_cap_is_named_not_called_damaged():
    # libxml2 refuses a text node over 10 million characters; the document is not damaged.
    text = "".join(random.Random(25).choices("abcdefghij ", k=10_000_100))
    xml = f"<w:document xmlns:w='{W}'><w:body>{para(run(text))}</w:body></w:document>".encode()
    with pytest.raises(InputError, match=r"t\.docx: holds more than 10 million characters .*plain text \(\.txt\)"):
        read(rezip(make_docx(""), "word/document.xml", xml))


def test_entities_are_not_expanded():
    xml = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "EXPANDED">]>'
           b'<w:document xmlns:w="' + W.encode() + b'"><w:body><w:p><w:r><w:t>a &x; b</w:t></w:r></w:p>'
           b"</w:body></w:document>")
    lines = read(rezip(make_docx(""), "word/document.xml", xml)).lines
    assert "EXPANDED" not in "".join(lines)


def test_not_a_word_document():
    with pytest.raises(InputError, match="not a Word document"):
        read(b"%PDF-1.4 hello")


# --- property: every visible word once per time it was written, deleted words never --------------------------

visible_words = st.lists(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=4)
deleted_words = st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8), min_size=1, max_size=3)
INLINE = ["run", "sdt", "ins", "hyperlink", "smartTag", "fldSimple", "moveTo", "field", "del", "moveFrom"]
BLOCK = ["paragraph", "cell", "textbox", "blocksdt"]


def inline_xml(kind: str, words: list[str]) -> str:
    text = " " + " ".join(words) + " "
    if kind == "run":
        return run(text)
    if kind == "sdt":
        return f"<w:sdt><w:sdtPr/><w:sdtContent>{run(text)}</w:sdtContent></w:sdt>"
    if kind in {"ins", "moveTo"}:
        return f'<w:{kind} w:id="9" {REV}>{run(text)}</w:{kind}>'
    if kind == "hyperlink":
        return f'<w:hyperlink w:anchor="x">{run(text)}</w:hyperlink>'
    if kind == "smartTag":
        return f'<w:smartTag w:element="place">{run(text)}</w:smartTag>'
    if kind == "fldSimple":
        return f'<w:fldSimple w:instr=" MERGEFIELD ZZCODE ">{run(text)}</w:fldSimple>'
    if kind == "field":
        return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> ZZCODE </w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{run(text)}'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    if kind == "del":
        return f'<w:del w:id="9" {REV}><w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'
    return f'<w:moveFrom w:id="9" {REV}>{run(text)}</w:moveFrom>'


pieces = st.lists(st.tuples(st.sampled_from(INLINE), visible_words, deleted_words), min_size=1, max_size=4)
documents = st.lists(st.tuples(st.sampled_from(BLOCK), pieces), min_size=1, max_size=6)


def render(document: list[tuple[str, list[tuple[str, list[str], list[str]]]]]) -> tuple[str, Counter[str]]:
    xml, expected = [], Counter()
    for block, content in document:
        inline = []
        for kind, words, gone in content:
            hidden = kind in {"del", "moveFrom"}
            inline.append(inline_xml(kind, gone if hidden else words))
            if not hidden:
                expected.update(words)
        paragraph = para(*inline)
        if block == "paragraph":
            xml.append(paragraph)
        elif block == "cell":
            xml.append(f"<w:tbl><w:tr><w:tc>{para(run(' '))}</w:tc><w:tc>{paragraph}</w:tc></w:tr></w:tbl>")
        elif block == "blocksdt":
            xml.append(f"<w:sdt><w:sdtContent>{paragraph}</w:sdtContent></w:sdt>")
        else:  # a text box (with its Fallback copy) anchored in an empty paragraph
            box = text_box("PLACEHOLDER").replace(para(run("PLACEHOLDER")), paragraph)
            xml.append(para(run(" "), box))
    return "".join(xml), expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents)
def test_every_visible_word_read_exactly_as_often_as_written(document):
    xml, expected = render(document)
    result = read(make_docx(xml))
    found = Counter(re.findall(r"[A-Za-z]+", "\n".join(result.lines)))
    assert found == expected  # deleted words (capitals) and field codes (ZZCODE) never appear
    kinds = {kind for _, content in document for kind, _, _ in content}
    assert result.tracked_changes == bool(kinds & {"ins", "moveTo", "del", "moveFrom"})
