"""Reading researchers' files defensively: size, type by content, encoding, zip safety.

Every check names the file (and line, where there is one) and says what to do, because
the person reading the message is a researcher with a transcript, not a programmer.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError

__all__ = ["ReadLimits", "check_file", "decode_text", "decode_text_noting", "noting_digests", "open_zip", "sniff"]

_MAGIC: list[tuple[bytes, str, int]] = [
    (b"%PDF", "a PDF document", 0),
    (b"\x89PNG", "a PNG image", 0),
    (b"\xff\xd8\xff", "a JPEG image", 0),
    (b"GIF8", "a GIF image", 0),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc or .xls)", 0),
    (b"PK\x03\x04", "a zip archive (such as .docx or .xlsx)", 0),
    (b"PK\x05\x06", "an empty zip archive", 0),
    (b"{\\rtf", "an RTF document", 0),
    (b"\x1f\x8b", "a gzip archive", 0),
    (b"SQLite format 3\x00", "an SQLite database", 0),
    (b"ID3", "an MP3 audio file", 0),
    (b"RIFF", "a RIFF file (audio or video)", 0),
    (b"OggS", "an Ogg audio file", 0),
    (b"ftyp", "an MP4 or M4A media file", 4),
    (b"\x7fELF", "a program", 0),
    (b"MZ", "a Windows program", 0),
]


_CONTROLS = re.compile("[\x01-\x08\x0e-\x1f]")


@dataclass(frozen=True)
class ReadLimits:
    """Caps that keep a mistaken or hostile file from exhausting the machine."""

    max_bytes: int = int(float(os.environ.get("WORKBENCH_MAX_FILE_MB", "50")) * 1024 * 1024)
    max_zip_entries: int = 5000
    max_unzipped_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 200.0


def sniff(head: bytes) -> str | None:
    """Name the kind of binary file ``head`` starts, or None if it is none we know."""
    for magic, name, at in _MAGIC:
        if head[at:at + len(magic)] == magic:
            return name
    return None


def check_file(path: Path, limits: ReadLimits, empty_fix: str = "export the transcript again") -> bytes:
    """Return the file's bytes after checking it exists, is a file, non-empty and not too big.

    ``empty_fix`` is the advice for an empty file, which depends on what the file should be.
    """
    name = str(path)
    if not path.exists():
        raise InputError(name, "no such file", "check the path and spelling")
    if path.is_dir():
        raise InputError(name, "is a folder, not a file", "name the files inside it")
    size = path.stat().st_size
    if size == 0:
        raise InputError(name, "the file is empty", empty_fix)
    if size > limits.max_bytes:
        raise InputError(
            name, f"the file is {size / 1048576:.1f} MB, over the {limits.max_bytes / 1048576:.0f} MB limit",
            "split it, or raise the limit with --max-file-mb",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror})", "check its permissions") from exc
    noted: dict[str, str] | None = getattr(_NOTING, "digests", None)
    if noted is not None:
        noted[name] = hashlib.sha256(data).hexdigest()
    return data


# ``.digests``: where ``noting_digests`` collects on this thread; absent or None outside it (nothing is hashed).
# Per thread, as each app session imports on a thread of its own.
_NOTING = threading.local()


@contextmanager
def noting_digests() -> Iterator[dict[str, str]]:
    """Inside, the SHA-256 of every file ``check_file`` reads is noted, by path (``str(path)``).

    Why: an import records each file's hash. Noting it as the file is read for parsing hashes
    exactly the bytes that were parsed, and spares reading every file a second time.
    """
    outer = getattr(_NOTING, "digests", None)
    noted: dict[str, str] = {}
    _NOTING.digests = noted
    try:
        yield noted
    finally:
        _NOTING.digests = outer


def _line_of(data: bytes, index: int) -> int:
    return data.count(b"\n", 0, index) + 1


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``sample`` has the zero bytes of UTF-16 without a BOM, else None.

    Text in a Latin script saved as UTF-16 has a zero high byte in most characters (every
    space and newline at least): zeros at odd positions (little-endian) or even ones (big-
    endian) and almost none at the others. Binary data has no such pattern; the caller still
    checks that the whole file decodes to text before trusting it.
    """
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    if odd >= max(2, pairs // 20) and even * 50 <= odd:
        return "utf-16-le"
    if even >= max(2, pairs // 20) and odd * 50 <= even:
        return "utf-16-be"
    return None


def _is_text(text: str) -> bool:
    """No NUL and almost no other control characters: what decoded UTF-16 text looks like."""
    return "\x00" not in text and len(_CONTROLS.findall(text)) * 100 <= len(text)


def _maybe_utf16(data: bytes) -> bool:
    """UTF-16 too mixed to be sure of (CJK text, say): zero bytes throughout, and it decodes to
    text with spaces or line breaks (bytes of UTF-8 paired up as UTF-16 have none)."""
    if len(data) % 2 or data.count(0) * 200 < len(data):
        return False
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
            if _is_text(text) and any(space in text for space in ("\n", " ", "\u3000")):
                return True
        except UnicodeDecodeError:
            continue
    return False


def _looks_binary(head: bytes) -> bool:
    """Many control bytes (other than NUL, which UTF-16 is full of) in the head: a binary file."""
    controls = sum(1 for b in head if 0 < b < 0x20 and b not in b"\t\n\r\f\v\x1b")
    return controls * 10 >= len(head)


def decode_text(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 (with BOM, or without one when
    its zero bytes say so unmistakably), else say why not. See ``decode_text_noting``."""
    return decode_text_noting(data, name, encoding)[0]


def decode_text_noting(data: bytes, name: str, encoding: str | None = None) -> tuple[str, list[str]]:
    """(text, notes): ``decode_text``, with a note for the import report on what was assumed.

    A file saved as Windows-1252 or Latin-1 decodes to plausible but wrong characters if
    guessed silently, so we stop and name it; ``encoding`` imports it deliberately. A NUL
    byte anywhere (not only in the first 64 KB) is refused with its line: dropping it or
    reading past it would change the text without anyone knowing. UTF-16 without a byte-
    order mark (Notepad's "Unicode" on some systems) is read when unmistakable and noted,
    since a wrong guess there would be plain to see; otherwise it is named, not called binary.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(name, f"unknown encoding {encoding!r}",
                             "use for example utf-8, cp1252 or latin-1") from exc
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(name, f"is not valid {encoding}", "check the encoding the file was saved in",
                             line=_line_of(data, exc.start)) from exc
        if "\x00" in text:
            raise InputError(name, "holds a NUL character: it may be damaged or not a text file",
                             "save it again as UTF-8 text", line=text.count("\n", 0, text.index("\x00")) + 1)
        return text, []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise InputError(name, "is damaged UTF-16 text", "re-save it as UTF-8",
                             line=_line_of(data, exc.start)) from exc
    kind = sniff(data[:16])
    if kind:
        raise InputError(name, f"is {kind}, not text", "export the transcript as plain text (.txt) or Word (.docx)")
    utf16 = _utf16_without_bom(data[:65536])
    if utf16:
        order = "little" if utf16 == "utf-16-le" else "big"
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            text = None
        if text is None or len(data) % 2 or not _is_text(text):
            if _looks_binary(data[:65536]):
                raise InputError(name, "is a binary file, not text",
                                 "export the transcript as plain text (.txt) or Word (.docx)")
            raise InputError(name, f"looks like UTF-16 text ({order}-endian, without a byte-order mark) but does "
                             "not read cleanly as it", "open it and save it again as UTF-8 text")
        return text, [f"read as UTF-16 text ({order}-endian) without a byte-order mark; if any words look wrong, "
                      "save it again as UTF-8 text and import it again"]
    nul = data.find(b"\x00")
    if nul >= 0:
        if _maybe_utf16(data):
            raise InputError(name, "is not UTF-8 text: it may be UTF-16 text without a byte-order mark",
                             "open it and save it again as UTF-8 text")
        if _looks_binary(data[:65536]):
            raise InputError(name, "is a binary file, not text",
                             "export the transcript as plain text (.txt) or Word (.docx)")
        line = _line_of(data, nul)
        raise InputError(name, "holds a NUL byte: it may be damaged or not a text file",
                         "save it again as UTF-8 text", line=line)
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        try:
            data.decode("cp1252")
            guess = "Windows-1252 (cp1252)"
            flag = "cp1252"
        except UnicodeDecodeError:
            guess, flag = "Latin-1 (ISO-8859-1)", "latin-1"
        raise InputError(
            name, f"is not UTF-8; it looks like {guess}",
            f"re-save it as UTF-8, or import it with --encoding {flag}", line=line,
        ) from exc


def open_zip(path: Path, data: bytes, limits: ReadLimits, what: str, required: str) -> zipfile.ZipFile:
    """Open an Office file as a zip after checking it is one, holds ``required``, and is no bomb."""
    import io

    name = str(path)
    if not data.startswith(b"PK\x03\x04"):
        kind = sniff(data[:16])
        raise InputError(name, f"is {kind or 'not a zip-based Office file'}, not {what}",
                         f"open it in its program and save it as {what}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise InputError(name, f"is damaged: it cannot be read as {what}",
                         f"open it in its program and save it again as {what}") from exc
    if len(infos) > limits.max_zip_entries:
        raise InputError(name, f"holds {len(infos)} parts, more than {limits.max_zip_entries}; it may be a zip bomb",
                         "open and re-save it, or check where it came from")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > limits.max_unzipped_bytes or (total > 10 * 1048576 and total / packed > limits.max_ratio):
        raise InputError(name, f"unpacks to {total / 1048576:.0f} MB from {packed / 1048576:.1f} MB; "
                         "it may be a zip bomb",
                         "open and re-save it, or check where it came from")
    if required not in archive.namelist():
        raise InputError(name, f"is a zip file but not {what} (no {required} inside)",
                         f"save it as {what}")
    return archive
