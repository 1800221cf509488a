"""PDF and OpenDocument transcripts: lines as the turn parser needs them, and bad files refused.

The PDFs are drawn with reportlab the way a transcription service lays one out (title,
running header and footer with page numbers, bold speaker labels, a sentence running
over a page break, a word hyphenated at a line end); the hostile ones are written by
hand, byte by byte, since no well-behaved writer makes them. The .odt files are zips
with a hand-written content.xml, which is all an .odt is.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.io.read_odt import odt_lines
from workbench.io.read_pdf import pdf_lines
from workbench.io.readers import ReadLimits

pytest.importorskip("reportlab")

LIMITS = ReadLimits()
HEADER = "Transcript – Interview 4 – Family support service"

# (label, paragraph lines as they wrap on the page); the page break falls inside TURNS[7].
TURNS: list[tuple[str, list[str]]] = [
    ("Interviewer:", ["Thank you for agreeing to talk with me today. Could you start by telling me about",
                      "your role in the safe-", "guarding team and how long you have worked there?"]),
    ("Respondent:", ["I have been a family support worker for about six years now, mostly with",
                     "parents of younger children who were referred by health visitors or schools."]),
    ("Interviewer:", ["What does a typical week look like for you?"]),
    ("Respondent:", ["It varies a great deal. Some weeks are mostly home visits, other weeks I am in",
                     "multi-agency meetings from Monday to Friday, which is tiring but useful because",
                     "you hear what the school and the housing officer have noticed."]),
    ("Interviewer:", ["And how do families usually respond when you first contact them?"]),
    ("Respondent:", ["Honestly, many of them are wary at first. They worry that we are there to judge",
                     "them or to take their children away, so the first visit is about building trust",
                     "and explaining what we can and cannot do. The Anglo-",
                     "Saxon idea of keeping to yourself runs deep here – ",
                     "people do not ask for help easily."]),
    ("Interviewer:", ["That makes sense. What helps to build that trust?"]),
    ("Respondent:", ["Turning up when you said you would, every single time, even when the visit is",
                     "short. Being honest about what will be written down. Bringing something",
                     "practical, like a food voucher or a form already filled in, so that the",
                     "conversation starts with help rather than questions. When a mother told me",
                     "last winter that I was the first professional who had listened to her without",
                     "looking at a clipboard, I realised how much the small things matter to people",
                     "who have been let down before by services that promised more than they gave."]),
    ("Interviewer:", ["Is there anything you would change about how referrals reach your team?"]),
    ("Respondent:", ["I would like referrals to come with the family's own words about what they",
                     "need, not only the concerns of the professional making the referral."]),
]
SPLIT_SENTENCE = "When a mother told me last winter that I was the first professional"


def _draw_transcript(turns: list[tuple[str, list[str]]], *, leading: float = 14, paragraph_gap: float = 9,
                     bottom: float = 72, pages_hint: int = 2, break_at: tuple[int, int] | None = None) -> bytes:
    """A transcription service's PDF: title, header and 'Page N of M' footer, bold labels.

    ``break_at`` (turn, line) starts a new page before that line, as a full page would.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    page = 0
    y = 0.0

    def start_page() -> None:
        nonlocal page, y
        if page:
            pdf.showPage()
        page += 1
        pdf.setFont("Helvetica", 8)
        pdf.drawString(72, height - 36, HEADER)
        pdf.drawRightString(width - 72, height - 36, f"Ref. INT-04/{page}")
        pdf.drawCentredString(width / 2, 30, f"Page {page} of {pages_hint}")
        y = height - 80

    start_page()
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawString(72, y, "Interview 4: Family support workers")
    y -= 30
    for number, (label, lines) in enumerate(turns):
        for index, line in enumerate(lines):
            if y < bottom or (number, index) == break_at:
                start_page()
            x = 72.0
            if index == 0:
                pdf.setFont("Helvetica-Bold", 10.5)
                pdf.drawString(x, y, label)
                x += pdf.stringWidth(label + " ", "Helvetica-Bold", 10.5)
            pdf.setFont("Helvetica", 10.5)
            pdf.drawString(x, y, line)
            y -= leading
        y -= paragraph_gap
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _words(text: str) -> list[str]:
    return text.split()


def _expected_words(turns: list[tuple[str, list[str]]]) -> list[str]:
    text = " ".join(f"{label} {' '.join(lines)}" for label, lines in turns)
    return _words(text.replace("safe- guarding", "safeguarding"))


def _paragraphs(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line == "":
            out.append([])
        else:
            out[-1].append(line)
    return [p for p in out if p]


# ---------------------------------------------------------------------------------------
# PDF: a good transcript


@pytest.fixture(scope="module")
def transcript_lines() -> list[str]:
    data = _draw_transcript(TURNS, break_at=(7, 4))
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) == 2  # the fixture really spans a page break
    return pdf_lines(Path("interview-04.pdf"), data, LIMITS)


def test_pdf_headers_footers_and_page_numbers_are_gone(transcript_lines: list[str]) -> None:
    text = "\n".join(transcript_lines)
    assert "Transcript – Interview 4" not in text
    assert "Page 1 of 2" not in text and "Page 2 of 2" not in text
    assert "INT-04" not in text


def test_pdf_every_word_of_the_body_once_in_order(transcript_lines: list[str]) -> None:
    got = _words(" ".join(transcript_lines))
    assert got[:5] == ["Interview", "4:", "Family", "support", "workers"]  # the title is kept, as a preamble
    assert got[5:] == _expected_words(TURNS)


def test_pdf_paragraphs_follow_turns_and_survive_the_page_break(transcript_lines: list[str]) -> None:
    paragraphs = _paragraphs(transcript_lines)
    assert len(paragraphs) == 1 + len(TURNS)
    assert transcript_lines[-1] == ""
    for (label, lines), paragraph in zip(TURNS, paragraphs[1:], strict=True):
        assert paragraph[0].startswith(label)
        assert " ".join(paragraph).split()[-1] == lines[-1].split()[-1]
    spanning = " ".join(paragraphs[8])
    assert SPLIT_SENTENCE in spanning and "let down before by services" in spanning


def test_pdf_hyphenation_joined_but_compounds_and_dashes_kept(transcript_lines: list[str]) -> None:
    text = "\n".join(transcript_lines)
    assert "safeguarding" in text and "safe-" not in text
    assert "The Anglo-\nSaxon idea" in text  # an uppercase continuation is a real compound
    assert "runs deep here –\npeople" in text  # an en dash is a pause, not a split word


def test_pdf_lines_feed_the_turn_parser(transcript_lines: list[str]) -> None:
    from workbench.io.transcripts import parse_lines

    preamble, turns = parse_lines(transcript_lines, "interview-04.pdf")
    assert preamble == "Interview 4: Family support workers"
    assert [t.speaker for t in turns] == [label.rstrip(":") for label, _ in TURNS]
    assert SPLIT_SENTENCE in turns[7].text


def test_pdf_wide_line_spacing_still_tells_paragraphs_from_lines() -> None:
    data = _draw_transcript(TURNS[:4], leading=22, paragraph_gap=14, break_at=(3, 1))
    paragraphs = _paragraphs(pdf_lines(Path("double.pdf"), data, LIMITS))
    assert [p[0].split(":")[0] for p in paragraphs[1:]] == ["Interviewer", "Respondent", "Interviewer", "Respondent"]
    assert len(paragraphs[4]) == 3


def test_pdf_header_on_every_page_of_a_longer_document_is_dropped_but_body_lines_kept() -> None:
    turns = [("Interviewer:" if i % 2 == 0 else "Respondent:",
              [f"Question or answer number {i} about the service, its staff and the waiting",
               f"times people met in {2000 + i}."]) for i in range(60)]
    data = _draw_transcript(turns, pages_hint=4)
    lines = pdf_lines(Path("long.pdf"), data, LIMITS)
    text = "\n".join(lines)
    assert "Family support service" not in text and "Page " not in text
    for i in range(60):
        assert f"number {i} about" in text and f"met in {2000 + i}." in text


# ---------------------------------------------------------------------------------------
# PDF: hand-written files, good and hostile


def _raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (object i+1 is objects[i]), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _one_page_pdf(content: bytes, *, count: int = 1, extra: bytes = b"", font: bytes | None = None) -> bytes:
    font = font or b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    return _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content, extra),
        font,
    ])


def _bounded(call: Callable[[], object], seconds: float = 10.0, megabytes: float = 150.0) -> object:
    """Run ``call``, asserting it took little time and memory; return its result or exception."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result: object = call()
    except InputError as exc:
        result = exc
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < megabytes * 1048576, f"peaked at {peak / 1048576:.0f} MB"
    return result


def test_pdf_ligatures_become_letters_and_text_is_nfc() -> None:
    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b"/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /fi 2 /fl] >> >>")
    content = b"BT /F1 12 Tf 72 700 Td (Respondent: the \x01rst \x02oor of the caf\xe9) Tj ET"
    lines = pdf_lines(Path("lig.pdf"), _one_page_pdf(content, font=font), LIMITS)
    assert lines == ["Respondent: the first floor of the café", ""]
    assert "\ufb01" not in lines[0]


def test_pdf_not_a_pdf_is_named() -> None:
    with pytest.raises(InputError) as err:
        pdf_lines(Path("photo.pdf"), b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, LIMITS)
    message = str(err.value)
    assert message.startswith("photo.pdf: is a PNG image, not a PDF") and "\n" not in message
    with pytest.raises(InputError, match=r"notes\.pdf: is not a PDF document"):
        pdf_lines(Path("notes.pdf"), b"Interviewer: hello\n", LIMITS)


def test_pdf_damaged_is_one_clear_line() -> None:
    good = _draw_transcript(TURNS[:2], pages_hint=1)
    for broken in (good[: len(good) // 3], b"%PDF-1.4\n" + b"\x00garbage" * 100, b"%PDF-1.7\n1 0 obj << /Type"):
        with pytest.raises(InputError) as err:
            pdf_lines(Path("broken.pdf"), broken, LIMITS)
        assert str(err.value).startswith("broken.pdf: ") and "\n" not in str(err.value)
        assert "damaged" in str(err.value) or "no text layer" in str(err.value) or "no pages" in str(err.value)


def _encrypted(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_draw_transcript(TURNS[:2], break_at=(1, 1)))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_password_protected_is_refused_with_what_to_do() -> None:
    with pytest.raises(InputError) as err:
        pdf_lines(Path("locked.pdf"), _encrypted("secret"), LIMITS)
    assert "locked.pdf: is password-protected" in str(err.value) and "remove the password" in str(err.value)


def test_pdf_encrypted_without_an_open_password_is_read() -> None:
    lines = pdf_lines(Path("restricted.pdf"), _encrypted(""), LIMITS)
    assert lines[0] == "Interview 4: Family support workers"
    assert any(line.startswith("Respondent: I have been") for line in lines)


def test_pdf_scanned_without_text_layer_says_run_ocr() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.rect(72, 72, 300, 500, fill=1)  # a scan is an image; a drawn shape has no text just the same
    pdf.showPage()
    pdf.rect(100, 100, 200, 200)
    pdf.showPage()
    pdf.save()
    with pytest.raises(InputError) as err:
        pdf_lines(Path("scan.pdf"), buf.getvalue(), LIMITS)
    assert "scan.pdf: has no text layer: it is a scanned image" in str(err.value)
    assert "OCR" in str(err.value) and ".docx/.txt" in str(err.value)


def test_pdf_page_count_bomb_is_refused_quickly() -> None:
    content = b"BT /F1 12 Tf 72 700 Td (Interviewer: hello) Tj ET"
    data = _one_page_pdf(content, count=1_000_000_000)
    result = _bounded(lambda: pdf_lines(Path("pages.pdf"), data, LIMITS))
    if isinstance(result, InputError):  # refusing is right; so is reading the one real page
        assert "pages.pdf: " in str(result) and "\n" not in str(result)
    else:
        assert result == ["Interviewer: hello", ""]


def test_pdf_page_tree_with_too_many_real_pages_is_refused() -> None:
    kids = b" ".join(b"3 0 R" for _ in range(2500))
    data = _raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count 2500 >>" % kids,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ])
    result = _bounded(lambda: pdf_lines(Path("many.pdf"), data, LIMITS))
    assert isinstance(result, InputError) and "2,500 pages" in str(result)


def test_pdf_deflate_bomb_is_refused_in_bounded_time_and_memory() -> None:
    packer = zlib.compressobj(9)
    chunk = b"0 0 m " * (1 << 17)  # 768 KiB of harmless drawing operators
    packed = b"".join(packer.compress(chunk) for _ in range(160)) + packer.flush()  # inflates to 120 MiB
    assert len(packed) < 1_000_000
    data = _one_page_pdf(packed, extra=b"/Filter /FlateDecode")
    result = _bounded(lambda: pdf_lines(Path("bomb.pdf"), data, LIMITS))
    assert isinstance(result, InputError)
    assert str(result).startswith("bomb.pdf: ") and "PDF bomb" in str(result)


def test_pdf_too_many_text_pieces_on_a_page_is_refused() -> None:
    content = b"BT /F1 1 Tf " + b"(x) Tj 50000 0 Td " * 60_000 + b"ET"
    data = _one_page_pdf(zlib.compress(content), extra=b"/Filter /FlateDecode")
    result = _bounded(lambda: pdf_lines(Path("pieces.pdf"), data, LIMITS))
    assert isinstance(result, InputError) and "pieces of text" in str(result)


# ---------------------------------------------------------------------------------------
# OpenDocument text

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _odt(body: str, *, mimetype: str = "application/vnd.oasis.opendocument.text", manifest: str = _MANIFEST,
         content: str | bytes | None = None) -> bytes:
    """An .odt: the stored mimetype first, then the manifest and content.xml, as LibreOffice writes them."""
    if content is None:
        content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.3">'
                   f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def test_odt_spaces_tabs_line_breaks_and_source_whitespace() -> None:
    body = (
        '<text:h text:outline-level="1">Interview 7</text:h>'
        '<text:p>Interviewer:<text:s text:c="3"/>Hello<text:tab/>there<text:line-break/>second line</text:p>'
        "<text:p>\n   Respondent:   <text:span>well,\n  I</text:span> <text:span>think </text:span> so  </text:p>"
        "<text:p/>"
        '<text:p>a<text:s/>b <text:s text:c="2"/>c</text:p>'
    )
    lines, tracked = odt_lines(Path("i7.odt"), _odt(body), LIMITS)
    assert lines == ["Interview 7", "", "Interviewer:   Hello\tthere", "second line", "",
                     "Respondent: well, I think so", "", "", "", "a b   c", ""]
    assert tracked is False


def test_odt_lists_sections_tables_and_text_boxes_in_order() -> None:
    body = (
        '<text:section text:name="S1"><text:p>Before the table.</text:p></text:section>'
        "<table:table><table:table-column/>"
        "<table:table-header-rows><table:table-row>"
        "<table:table-cell><text:p>Time</text:p></table:table-cell>"
        "<table:table-cell><text:p>Speaker</text:p></table:table-cell>"
        "<table:table-cell><text:p>Text</text:p></table:table-cell></table:table-row></table:table-header-rows>"
        "<table:table-row><table:table-cell><text:p>00:01:02</text:p></table:table-cell>"
        "<table:table-cell><text:p>Respondent</text:p></table:table-cell>"
        "<table:table-cell><text:p>We moved here</text:p><text:p>in 2019.</text:p></table:table-cell></table:table-row>"
        "<table:table-row><table:table-cell><text:p>Interviewer</text:p></table:table-cell>"
        "<table:table-cell><text:p>Why?</text:p></table:table-cell>"
        "<table:table-cell><text:p>Why?</text:p></table:table-cell><table:covered-table-cell/></table:table-row>"
        "</table:table>"
        "<text:list><text:list-item><text:p>first point</text:p></text:list-item>"
        "<text:list-item><text:list><text:list-item><text:p>nested point</text:p></text:list-item></text:list>"
        "</text:list-item></text:list>"
        '<text:p>Anchored here.<draw:frame draw:name="Box"><draw:text-box><text:p>Boxed words.</text:p>'
        "</draw:text-box><svg:title>box title</svg:title></draw:frame> After.</text:p>"
        '<draw:frame draw:name="Pic"><draw:image><text:p>alt text</text:p></draw:image></draw:frame>'
    )
    lines, _ = odt_lines(Path("t.odt"), _odt(body), LIMITS)
    assert lines == [
        "Before the table.", "",
        "Time: Speaker Text",
        "[00:01:02] Respondent: We moved here in 2019.",
        "Interviewer: Why?",
        "first point", "", "nested point", "",
        "Anchored here. After.", "", "Boxed words.", "",
    ]


def test_odt_notes_and_comments_are_not_speech() -> None:
    body = (
        '<text:p>Respondent: It was hard<text:note text:note-class="footnote">'
        "<text:note-citation>1</text:note-citation>"
        "<text:note-body><text:p>Footnote text.</text:p></text:note-body></text:note> at first."
        '<office:annotation office:name="c1"><dc:creator>Ana</dc:creator><text:p>Check this.</text:p>'
        '</office:annotation>Then better.<office:annotation-end office:name="c1"/></text:p>'
    )
    lines, _ = odt_lines(Path("n.odt"), _odt(body), LIMITS)
    assert lines == ["Respondent: It was hard at first.Then better.", ""]


def test_odt_tracked_changes_read_as_accepted_and_flagged() -> None:
    body = (
        "<text:tracked-changes>"
        '<text:changed-region text:id="ct1"><text:insertion><office:change-info><dc:creator>Ana</dc:creator>'
        "</office:change-info></text:insertion></text:changed-region>"
        '<text:changed-region text:id="ct2"><text:deletion><office:change-info><dc:creator>Ana</dc:creator>'
        "</office:change-info><text:p>deleted words</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes>"
        '<text:p>Respondent: We <text:change-start text:change-id="ct1"/>really <text:change-end text:change-id="ct1"/>'
        'liked it<text:change text:change-id="ct2"/>.</text:p>'
    )
    lines, tracked = odt_lines(Path("c.odt"), _odt(body), LIMITS)
    assert lines == ["Respondent: We really liked it.", ""]
    assert tracked is True
    assert "deleted" not in " ".join(lines)


def test_odt_entities_are_not_expanded() -> None:
    content = (
        '<?xml version="1.0"?><!DOCTYPE office:document-content [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
        '<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>'
        f"<office:document-content {_NS}><office:body><office:text><text:p>Interviewer: &g;&g;&g;</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    result = _bounded(lambda: odt_lines(Path("laughs.odt"), _odt("", content=content), LIMITS), megabytes=50)
    if isinstance(result, InputError):
        assert str(result).startswith("laughs.odt: ")
    else:
        lines, _ = result  # type: ignore[misc]
        assert len("".join(lines)) < 1000


@pytest.mark.parametrize(("make", "expected"), [
    (lambda: b"%PDF-1.4\n", "is a PDF document, not an OpenDocument text (.odt)"),
    (lambda: b"Interviewer: hello", "is not a zip-based Office file"),
    (lambda: _odt("", content="<office:document-content><office:body>"), "is a damaged OpenDocument file"),
    (lambda: _odt("", content=b"\x00\x01not xml"), "content.xml is not valid XML"),
    (lambda: _odt("", content=f"<office:document-content {_NS}/>"), "holds no text body"),
    (lambda: _odt("<text:p>x</text:p>", mimetype="application/vnd.oasis.opendocument.spreadsheet"),
     "is an OpenDocument spreadsheet, not a text document"),
    (lambda: _odt("<text:p>x</text:p>", manifest=_MANIFEST.replace(
        '"text/xml"/>', '"text/xml"><manifest:encryption-data/></manifest:file-entry>')), "is password-protected"),
])
def test_odt_bad_files_are_one_clear_line(make: Callable[[], bytes], expected: str) -> None:
    with pytest.raises(InputError) as err:
        odt_lines(Path("bad.odt"), make(), LIMITS)
    message = str(err.value)
    assert message.startswith("bad.odt: ") and "\n" not in message
    assert expected in message


def test_odt_damaged_zip_is_one_clear_line() -> None:
    data = bytearray(_odt("<text:p>Interviewer: hello</text:p>"))
    data[-30:] = b"\xff" * 30  # the central directory's end record is gone
    with pytest.raises(InputError, match=r"bad\.odt: is damaged: it cannot be read as an OpenDocument text"):
        odt_lines(Path("bad.odt"), bytes(data), LIMITS)


def test_odt_zip_bomb_is_refused_quickly() -> None:
    padding = " " * (40 * 1048576)  # 40 MB of spaces packs to about 40 KB
    content = (f'<?xml version="1.0"?><office:document-content {_NS}><office:body><office:text>'
               f"<text:p>Interviewer: hi</text:p>{padding}</office:text></office:body></office:document-content>")
    data = _odt("", content=content)
    del content, padding
    assert len(data) < 200_000
    result = _bounded(lambda: odt_lines(Path("bomb.odt"), data, LIMITS), megabytes=50)
    assert isinstance(result, InputError) and "zip bomb" in str(result)
    small = ReadLimits(max_unzipped_bytes=1000)
    with pytest.raises(InputError, match="zip bomb"):
        odt_lines(Path("bomb.odt"), _odt("<text:p>" + "word " * 1000 + "</text:p>"), small)
