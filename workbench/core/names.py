"""Researchers' names and reasons, checked before they are recorded; recorded text made safe to show.

Why: the decision log is evidence of who decided what. A name holding a terminal escape
(``ESC [31m``) or a right-to-left override (U+202E) is shown as something other than what
was stored, so ``Bob\\u202eevil`` reads as another person in a terminal or a table, and an
escape sequence can rewrite what a terminal shows around it. So a new name or reason is
refused, with the field and the position of the character, before anything is recorded.
Events recorded before these checks are never refused (the log must still open); their text
is escaped visibly on the way to a terminal by ``terminal_safe`` instead.

Pure: no I/O; the errors are the project's own, with the field named in the message.
"""

from __future__ import annotations

import getpass
import os
import re
import unicodedata
from collections.abc import Callable

from workbench.errors import WorkbenchError

__all__ = ["BIDI", "BIDI_MARKS", "INVISIBLE", "NAME_LIMIT", "REASON_LIMIT", "check_name", "check_reason", "check_text",
           "default_researcher",
           "json_safe", "terminal_safe"]

NAME_LIMIT = 100
REASON_LIMIT = 10_000

# Bidirectional formatting: marks, embeddings, overrides and isolates reorder what is shown.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The marks alone only settle the direction of the neutral characters beside them, and
# keyboards for Arabic, Urdu and Hebrew type them: allowed in reasons, notes and
# definitions (which may quote right-to-left speech), refused in names. Embeddings,
# overrides and isolates, which can make text read as something else, are refused everywhere.
BIDI_MARKS = frozenset("\u061c\u200e\u200f")
# Zero-width characters: two names that look the same can differ by one of these.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_LINES = frozenset("\n\t")


def _kind(char: str, *, lines: bool, invisible: bool) -> str | None:
    """What is wrong with ``char`` in recorded text, or None when it may be recorded."""
    if lines and char in _LINES:
        return None
    if char in BIDI and not (lines and char in BIDI_MARKS):
        return "bidirectional text controls (they change the order text is shown in)"
    category = unicodedata.category(char)
    if category == "Cc":
        return "control characters"
    if category in ("Zl", "Zp", "Cs"):
        return "control characters"
    if invisible and (char in INVISIBLE or category == "Cf"):
        return "invisible characters"
    return None


def _subject(field: str, what: str) -> str:
    """How a message names the text: '--by: a name' for an option, 'the reason' for a field."""
    return f"{field}: {what}" if field.startswith("-") else field


def _refuse_unsafe(text: str, subject: str, *, lines: bool, invisible: bool) -> None:
    for position, char in enumerate(text, start=1):
        kind = _kind(char, lines=lines, invisible=invisible)
        if kind is not None:
            raise WorkbenchError(f"{subject} may not contain {kind} (found U+{ord(char):04X} at position "
                                 f"{position}); type it again without it")


def check_text(text: str, field: str, *, name: bool = False) -> None:
    """Refuse text that would not show as it is stored; change nothing.

    For the words in a new decision (a theme's name, a definition, a note): ``name`` text
    is one line with no invisible characters; other text may hold line breaks and tabs.
    Lengths are the decision's own rules, checked where it is applied.
    """
    _refuse_unsafe(text, _subject(field, "a name" if name else "the text"), lines=not name, invisible=name)


def check_name(text: str, field: str = "the researcher's name", limit: int = NAME_LIMIT) -> str:
    """A researcher's name as it is to be recorded: stripped, NFC, one visible line of at most ``limit``.

    NFC so that the same name typed on two systems (é as one character or as e and an
    accent) is recorded, compared and counted as one person.
    """
    name = unicodedata.normalize("NFC", text.strip())
    if not name:
        raise WorkbenchError(f"{field} is empty: give the researcher's name")
    _refuse_unsafe(name, _subject(field, "a name"), lines=False, invisible=True)
    if len(name) > limit:
        raise WorkbenchError(f"{_subject(field, 'a name')} is at most {limit} characters (this one has {len(name):,}); "
                             "give a shorter one")
    return name


def check_reason(text: str, field: str = "the reason", limit: int = REASON_LIMIT) -> str:
    """A reason or note as it is to be recorded: stripped, NFC, Windows line ends as ``\\n``, bounded.

    Line breaks and tabs are kept (a reason may be a paragraph); other control characters
    and bidirectional controls are refused. Empty is allowed: whether a reason is required
    is the decision's rule, not this one's.
    """
    reason = unicodedata.normalize("NFC", text.replace("\r\n", "\n").strip())
    _refuse_unsafe(reason, _subject(field, "a reason"), lines=True, invisible=False)
    if len(reason) > limit:
        raise WorkbenchError(f"{_subject(field, 'a reason')} is at most {limit:,} characters (this one has "
                             f"{len(reason):,}); shorten it, or put the long text in a memo")
    return reason


def _unsafe_to_show(char: str) -> bool:
    if char in _LINES:
        return False
    return char in BIDI or char in INVISIBLE or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _escaped(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control, bidirectional and invisible character shown as an escape (``\\x1b``, ``\\u202e``).

    For showing recorded text (old events predate the checks) on a terminal: what is
    shown is what is stored, and nothing in it can move the cursor, recolour the screen or
    reorder the line. Line breaks and tabs are kept; ordinary text is returned unchanged.
    """
    return _per_line(text, _escaped)


# Runs of text between line breaks and tabs: each is checked at C speed and only one that
# holds something unsafe is rebuilt. Rebuilding a whole output character by character held
# one string per character: a 49 MB scan report took over a gigabyte.
_RUNS = re.compile(r"[^\n\t]+")


def _per_line(text: str, escape: Callable[[str], str]) -> str:
    if text.isprintable():  # the usual case, at C speed
        return text

    def run(match: re.Match[str]) -> str:
        piece = match.group()
        return piece if piece.isprintable() else "".join(escape(c) if _unsafe_to_show(c) else c for c in piece)

    return _RUNS.sub(run, text)


def json_safe(document: str) -> str:
    """A JSON document from ``json.dumps(..., ensure_ascii=False)`` with unsafe characters as ``\\uXXXX``.

    ``json.dumps`` escapes C0 controls but writes DEL, C1 controls and bidirectional
    controls as they are. Outside strings its output is ASCII, so each such character is
    inside a string, where ``\\uXXXX`` means the same character: the data stays exact.
    """
    def escaped(char: str) -> str:
        code = ord(char)
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return _per_line(document, escaped)


def default_researcher() -> str:
    """Who is acting when no name is given: ``WORKBENCH_USER``, else the operating-system user."""
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
