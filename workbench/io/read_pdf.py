"""Text-based PDF transcripts, as transcription services deliver them, read with pypdf.

A PDF has no paragraphs, only glyphs at positions, so the lines a transcript parser
needs are rebuilt here: pypdf's layout mode gives each visual line once (pieces drawn
separately on one baseline, such as a bold speaker label and its words, stay together)
and, asked for blank lines in tenths of a font height, tells how far each line sits below
the one above, which is how a paragraph break is told from a wrapped line. Page furniture
(running headers, footers, page numbers) is dropped, words hyphenated across a line end
are joined, and a sentence that runs over a page break stays one paragraph.

A PDF is also a container that can be built to exhaust a machine (a stream that inflates
to gigabytes, a page tree that claims a billion pages), so pypdf's limits are tightened
for the read and pages, characters and time are capped; anything wrong becomes one
:class:`InputError` line that names the file and says what to do.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError
from workbench.io.readers import ReadLimits, sniff

__all__ = ["MAX_CHARS", "MAX_PAGES", "MAX_SECONDS", "MAX_STREAM_BYTES", "pdf_lines"]

MAX_PAGES = 2000
"""More pages than any interview transcript has; a larger count is a mistake or a bomb."""
MAX_CHARS = 20_000_000
"""Extracted characters in all: about 3 million words, far beyond any transcript."""
MAX_STREAM_BYTES = 16 * 1024 * 1024
"""Most bytes one PDF stream may inflate to; a page of text is a few tens of kilobytes."""
MAX_SECONDS = 300.0
"""Wall-clock time for one file, a last guard against a page built to be slow."""
_MAX_TEXT_OPS_PER_PAGE = 50_000
_MAX_PAGE_LAYOUT_CHARS = 4_000_000
_GAP_UNIT = 0.1  # layout mode writes one blank line per this many font heights of vertical gap

_FIX_EXPORT = "export the transcript from its program as .docx or .txt"
_BOMB = "it may be a PDF bomb, built to exhaust the computer"
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_PAGE_NUMBER = re.compile(
    r"^(?:page|pg\.?|p\.)?\s*[-–—(\[]?\s*\d{1,5}\s*[-–—)\]]?\s*(?:(?:of|/)\s*\d{1,5})?$", re.IGNORECASE
)
_TERMINAL = re.compile(r"[.?!…:;\"”’)\]]$")
_HYPHENATED = re.compile(r"(?P<stem>[^\W\d_]+)(?P<hyphen>[-\u2010\u00ad])$")
_TEXT_SHOW = re.compile(rb"T[jJ]|['\"]")
_EDGE_LINES = 3  # lines at the top and bottom of a page looked at for headers and footers


@dataclass
class _Line:
    """One visual line: its text, how far below the line above it sits, and where it ends."""

    text: str
    gap: float | None  # in font heights; None for the first line on a page or when unknown
    right: int  # right edge in layout columns, 0 when unknown


def pdf_lines(path: Path, data: bytes, limits: ReadLimits) -> list[str]:
    """A PDF transcript's text as lines, each paragraph's lines followed by ``""``.

    ``limits`` is accepted for symmetry with the other readers; the file's size has
    already been checked by :func:`readers.check_file`, and the PDF-specific caps are the
    module constants above.
    """
    del limits  # size is checked by check_file; the caps here are PDF-specific
    name = str(path)
    if b"%PDF-" not in data[:1024]:
        kind = sniff(data[:16])
        raise InputError(name, f"is {kind or 'not a PDF document'}, not a PDF",
                         "check the file, or export the transcript as .pdf, .docx or .txt")
    with _quiet_pypdf(), _pypdf_limits():
        pages = _read_pages(name, data)
    if not any(line.text for page in pages for line in page):
        raise _no_text(name)
    bodies = _strip_furniture(pages)
    if not any(bodies):
        raise _no_text(name)
    return _paragraph_lines(bodies)


def _no_text(name: str) -> InputError:
    return InputError(name, "has no text layer: it is a scanned image",
                      "run OCR on it first, e.g. with Adobe Acrobat's Recognize Text or OCRmyPDF, "
                      "or export the transcript as .docx/.txt")


# ---------------------------------------------------------------------------------------
# Reading with pypdf, inside limits


_quiet_lock = threading.Lock()
_quiet_depth = 0
_quiet_saved = logging.NOTSET


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings about repairable damage while we read.

    They would reach a researcher's terminal as cryptic lines ("Ignoring wrong pointing
    object"); what matters to them is our own message. A counter keeps concurrent reads
    from restoring the level under one another.
    """
    global _quiet_depth, _quiet_saved
    logger = logging.getLogger("pypdf")
    with _quiet_lock:
        if _quiet_depth == 0:
            _quiet_saved = logger.level
            logger.setLevel(logging.ERROR)
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                logger.setLevel(_quiet_saved)


@contextlib.contextmanager
def _pypdf_limits() -> Iterator[None]:
    """Tighten pypdf's decompression and parsing limits for this read (context-local).

    pypdf's defaults (75 MB per stream) are meant for any PDF; a transcript needs far
    less, and a lower cap makes a deflate bomb fail fast and small. Older pypdf versions
    without ``apply_configuration`` keep their own (still bounded) defaults.
    """
    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    config = getattr(pypdf, "Configuration", None)
    if apply is None or config is None:
        yield
        return
    wanted = {
        "maximum_declared_stream_length": MAX_STREAM_BYTES * 4,
        "array_based_stream_maximum_output_length": MAX_STREAM_BYTES,
        "jbig2_maximum_output_length": MAX_STREAM_BYTES,
        "lzw_maximum_output_length": MAX_STREAM_BYTES,
        "run_length_maximum_output_length": MAX_STREAM_BYTES,
        "zlib_maximum_output_length": MAX_STREAM_BYTES,
        "zlib_maximum_recovery_input_length": 1_000_000,
        "brotli_maximum_output_length": MAX_STREAM_BYTES,
        "image_maximum_buffer_size": MAX_STREAM_BYTES,
        "stream_decoding_work_maximum_length": MAX_STREAM_BYTES * 4,
        "stream_parsing_work_maximum_count": 1_000_000,
        "page_tree_maximum_entries": MAX_PAGES * 4,
        "page_tree_maximum_page_entries": MAX_PAGES * 4,
        "xform_maximum_invocations_per_extraction": 500,
    }
    known = {k: v for k, v in wanted.items() if hasattr(config, k)}
    with apply(**known):
        yield


def _read_pages(name: str, data: bytes) -> list[list[_Line]]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    deadline = time.monotonic() + MAX_SECONDS
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs are "encrypted" only against editing, with no password
            except Exception:  # unsupported algorithm, missing crypto library: either way we cannot read it
                opened = 0
            if not opened:
                raise InputError(name, "is password-protected (encrypted)",
                                 "remove the password: open it with the password and save or print it as a new "
                                 "PDF without one, or export the transcript as .docx/.txt")
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise InputError(name, f"says it has {count:,} pages, more than {MAX_PAGES:,}; {_BOMB}",
                             "split it into smaller PDFs, or check where it came from")
        if count == 0:
            raise InputError(name, "has no pages", _FIX_EXPORT)
        pages: list[list[_Line]] = []
        total = 0
        for index in range(count):
            if time.monotonic() > deadline:
                raise InputError(name, f"took more than {MAX_SECONDS:.0f} seconds to read; {_BOMB}",
                                 "split it into smaller PDFs, or " + _FIX_EXPORT)
            lines = _page_lines(name, reader.pages[index], index + 1)
            total += sum(len(line.text) for line in lines)
            if total > MAX_CHARS:
                raise InputError(name, f"holds more than {MAX_CHARS:,} characters of text; {_BOMB}",
                                 "split it into smaller PDFs, or check where it came from")
            pages.append(lines)
        return pages
    except InputError:
        raise
    except (LimitReachedError, MemoryError, RecursionError) as exc:
        raise InputError(name, f"holds more than can safely be unpacked; {_BOMB}",
                         "check where it came from, or " + _FIX_EXPORT) from exc
    except Exception as exc:  # pypdf raises many kinds on damaged files; translate them all
        if type(exc).__name__ == "FileNotDecryptedError":
            raise InputError(name, "is password-protected (encrypted)",
                             "remove the password, or export the transcript as .docx/.txt") from exc
        raise InputError(name, f"is a damaged PDF ({type(exc).__name__})",
                         "open it in a PDF reader and save or print it as a new PDF, or " + _FIX_EXPORT) from exc


def _page_lines(name: str, page: object, number: int) -> list[_Line]:
    """One page's lines, with vertical gaps from layout mode, or plain text if that finds none."""
    contents = page.get_contents()  # type: ignore[attr-defined]
    if contents is None:
        return []
    raw_ops = contents.get_data()
    if len(_TEXT_SHOW.findall(raw_ops)) > _MAX_TEXT_OPS_PER_PAGE:
        raise InputError(name, f"page {number} draws more than {_MAX_TEXT_OPS_PER_PAGE:,} pieces of text; {_BOMB}",
                         "check where it came from, or " + _FIX_EXPORT)
    try:
        layout = page.extract_text(  # type: ignore[attr-defined]
            extraction_mode="layout", layout_mode_space_vertically=True, layout_mode_font_height_weight=_GAP_UNIT,
        )
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:
        from pypdf.errors import LimitReachedError

        if isinstance(exc, LimitReachedError):
            raise
        layout = ""  # layout mode gave up on this page; plain mode below may still read it
    if len(layout) > _MAX_PAGE_LAYOUT_CHARS:
        raise InputError(name, f"page {number} lays out to more than {_MAX_PAGE_LAYOUT_CHARS:,} characters; {_BOMB}",
                         "check where it came from, or " + _FIX_EXPORT)
    lines = _layout_to_lines(layout)
    if lines:
        return lines
    # Layout mode skips text drawn inside form XObjects; plain mode follows them.
    plain = page.extract_text()  # type: ignore[attr-defined]
    out: list[_Line] = []
    blank = False
    for raw in plain.splitlines():
        text = _clean(raw)
        if not text:
            blank = True
            continue
        out.append(_Line(text, math.inf if blank and out else (None if not out else 0.0), 0))
        blank = False
    return out


def _layout_to_lines(layout: str) -> list[_Line]:
    lines: list[_Line] = []
    blanks = 0
    for raw in layout.split("\n"):
        text = _clean(raw)
        if not text:
            blanks += 1
            continue
        gap = (blanks + 1) * _GAP_UNIT if lines else None
        lines.append(_Line(text, gap, len(raw.rstrip())))
        blanks = 0
    return lines


def _clean(raw: str) -> str:
    """NFC, ligatures spelled out, control characters gone, runs of spaces made one."""
    text = unicodedata.normalize("NFC", raw.translate(_LIGATURES))
    text = _CONTROL.sub("", text)
    ends_soft = text.rstrip().endswith("\u00ad")
    text = " ".join(text.replace("\u00ad", "").split())
    return text + "\u00ad" if ends_soft and text else text  # a soft hyphen at a line end marks a split word


# ---------------------------------------------------------------------------------------
# Page furniture


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _repeated(edges: list[tuple[int, list[_Line]]], needed: int) -> set[str]:
    """Digit-masked keys of lines repeated at one edge of at least ``needed`` pages.

    Where the repeated line's numbers differ between pages, one of them must move with
    the page ("Page 3 of 12", "Interview 4 – 3"): body lines that differ only in their
    numbers ("answer 17", "answer 35") are speech, not a running header.
    """
    seen: dict[str, dict[int, str]] = {}
    for page_index, lines in edges:
        for line in lines:
            seen.setdefault(_furniture_key(line.text), {}).setdefault(page_index, line.text)
    keys: set[str] = set()
    for key, texts in seen.items():
        if len(texts) < needed:
            continue
        if len(set(texts.values())) == 1:
            keys.add(key)
            continue
        numbers = {page: [int(n) for n in re.findall(r"\d+", text)] for page, text in texts.items()}
        width = min(len(n) for n in numbers.values())
        if any(len({n[j] - page for page, n in numbers.items()}) == 1 for j in range(width)):
            keys.add(key)
    return keys


def _strip_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop running headers, footers and page numbers.

    A line counts as a header (footer) when, with its digits masked, it is among the top
    (bottom) lines of most pages (all of a document of up to three, and at least two), and
    its numbers are the same on each or one of them counts the pages; a line that is only
    a page number counts wherever it is at a page's edge. Lines are taken from the edge
    inwards and the first body line stops the stripping, so a line inside the body stays.
    A one-page document has nothing to compare, so only a bare page number goes there.
    """
    numbered = [(index, page) for index, page in enumerate(pages) if page]
    # Most pages, not just some: a short reply ("Respondent: Yes.") can open two pages by chance.
    needed = max(2, len(numbered)) if len(numbered) <= 3 else max(3, math.ceil(0.6 * len(numbered)))
    tops = _repeated([(i, p[:_EDGE_LINES]) for i, p in numbered], needed)
    bottoms = _repeated([(i, p[-_EDGE_LINES:]) for i, p in numbered], needed)

    def furniture(line: _Line, keys: set[str]) -> bool:
        if _PAGE_NUMBER.match(line.text):
            return True
        return len(line.text) <= 150 and _furniture_key(line.text) in keys

    bodies: list[list[_Line]] = []
    for page in pages:
        start, end = 0, len(page)
        while start < min(_EDGE_LINES, end) and furniture(page[start], tops):
            start += 1
        while end > max(start, len(page) - _EDGE_LINES) and furniture(page[end - 1], bottoms):
            end -= 1
        body = page[start:end]
        if body:
            body[0] = _Line(body[0].text, None, body[0].right)  # the gap below a header says nothing
        bodies.append(body)
    return bodies


# ---------------------------------------------------------------------------------------
# Paragraphs and hyphenation


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _paragraph_lines(bodies: list[list[_Line]]) -> list[str]:
    gaps = [line.gap for page in bodies for line in page if line.gap is not None and 0.5 <= line.gap < math.inf]
    # The usual distance between lines inside a paragraph: the low end of all gaps, since
    # paragraph breaks are the rarer, wider ones. A page of one-line paragraphs only has
    # wide gaps, which then read as ordinary ones: no break is lost that the turns need.
    threshold = _percentile(gaps, 0.2) * 1.3 + _GAP_UNIT * 1.5 if gaps else math.inf
    paragraphs: list[list[str]] = []
    current: list[str] = []
    last_line, last_full = _Line("", None, 0), 0.0
    for body in bodies:
        rights = [line.right for line in body if line.right]
        full = _percentile([float(r) for r in rights], 0.9) if rights else 0.0
        for index, line in enumerate(body):
            if index == 0:
                # A page break interrupts a paragraph unless the last line before it ended one:
                # short of the right margin and closing a sentence.
                if current and _ends_paragraph(last_line, last_full):
                    paragraphs.append(current)
                    current = []
            elif line.gap is None or line.gap == math.inf or line.gap > threshold:
                if current:
                    paragraphs.append(current)
                current = []
            current.append(line.text)
            last_line, last_full = line, full
    if current:
        paragraphs.append(current)
    hyphenated, words = _vocabulary(paragraphs)
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(_dehyphenate(paragraph, hyphenated, words))
        lines.append("")
    return lines


def _ends_paragraph(line: _Line, full: float) -> bool:
    if not _TERMINAL.search(line.text):
        return False
    if not line.right or not full:
        return True  # no geometry (plain-text fallback): a closed sentence is the best guess
    return line.right < 0.85 * full


def _vocabulary(paragraphs: list[list[str]]) -> tuple[set[str], set[str]]:
    """Hyphenated compounds and plain words written inside lines, casefolded.

    When a word is split at a line end, these tell ``well-being`` (written so elsewhere)
    from ``safeguarding``.
    """
    hyphenated: set[str] = set()
    words: set[str] = set()
    for paragraph in paragraphs:
        for line in paragraph:
            hyphenated.update(m.casefold() for m in re.findall(r"[^\W\d_]+-[^\W\d_]+", line))
            words.update(m.casefold() for m in re.findall(r"[^\W\d_]+", line))
    return hyphenated, words


def _dehyphenate(paragraph: list[str], hyphenated: set[str], words: set[str]) -> list[str]:
    """Join a word split by a hyphen at a line end when the next line goes on in lowercase.

    ``safe-`` / ``guarding`` becomes ``safeguarding`` (``well-`` / ``being`` stays
    ``well-being`` when the document writes it so elsewhere); an uppercase continuation
    (``Anglo-`` / ``Saxon``) or an en dash is a real compound or a pause and is left alone.
    """
    lines = list(paragraph)
    index = 0
    while index < len(lines) - 1:
        match = _HYPHENATED.search(lines[index])
        following = lines[index + 1]
        if match and following[:1].islower():
            word, _, rest = following.partition(" ")
            core = re.match(r"[^\W\d_]*", word)
            core_text = core.group(0) if core else ""
            stem = match["stem"]
            keep = (match["hyphen"] == "-" and f"{stem}-{core_text}".casefold() in hyphenated
                    and f"{stem}{core_text}".casefold() not in words)
            joined = lines[index][: match.start("hyphen")] + ("-" if keep else "") + word
            lines[index] = joined
            if rest:
                lines[index + 1] = rest
            else:
                del lines[index + 1]
                continue  # the joined line may itself end in a split word
        lines[index] = lines[index].replace("\u00ad", "")
        index += 1
    if lines:
        lines[-1] = lines[-1].replace("\u00ad", "")
    return lines
