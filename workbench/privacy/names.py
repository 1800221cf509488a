"""Names in text, for the identifier scan: the team's own list, and titles before capitalised words.

A list beats guessing: any capitalised word might be a name, but one the team listed certainly
is, so listed names are matched everywhere (inside placeholder brackets too, a little less
surely). Without a list, a title before a capitalised word ("Mrs Okafor", "DS Harris", "Dr K.
Patel") is the one sign of a name that rarely misleads. Placeholders ("[NAME]", "Child A") are
never names. Every step is linear in the text: a run of letters can be read one way only, and
whether a word is capitalised like a name is tested in Python afterwards, never by backtracking.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError

__all__ = ["MAX_NAME_CHARS", "SPACE", "Hit", "NameList", "encode", "find_names", "listed_hits", "overlaps", "read_list",
           "read_names"]

MAX_NAME_CHARS = 100  # a longer "name" is a sentence or a pasted paragraph: the wrong file, most likely
SPACE = r"[ \u00a0]"  # a space as typed, or as pasted from Word (non-breaking)
_S = SPACE


@dataclass(frozen=True)
class Hit:
    """A finding in a bare text, before it is tied to a segment."""

    type: str
    start: int
    end: int
    score: float
    why: str


# A word of a name: letters of any alphabet (accents typed as separate marks included), joined by apostrophes
# or hyphens. Letters, marks and separators share no character, so a run can be read one way only; whether
# the word is capitalised like a name is tested afterwards in Python (_name_end), never by backtracking.
_LETTER = r"(?:[^\W\d_ʼ]|[\u0300-\u036f])"  # "ʼ" is a letter to Unicode, but an apostrophe in a name
_NAME_WORD = re.compile(rf"[^\W\d_ʼ]{_LETTER}*(?:['’ʼ\-][^\W\d_ʼ]{_LETTER}*)*")
_APOSTROPHES = "'’ʼ"
_SEPARATOR = re.compile(r"['’ʼ\-]")
_SPACES = re.compile(rf"{_S}+")
# Titles before a surname, or before initials and a surname. Abbreviations may take a full stop ("Mr.", "Sgt.");
# whole words may not, since a stop after one ends a sentence ("I asked the Nurse. Everyone was ...").
_ABBREVIATED = "Mr Mrs Ms Mx Dr Prof Rev Revd Fr Cllr Sgt Insp Supt Det".split()
_SPELT_OUT = ("Miss Dame Sir Professor Reverend Father Sister Brother Nurse Matron Pastor Imam Rabbi Sheikh Judge "
              "Councillor PC PCSO DC DS DI DCI DSI Constable Detective Sergeant Inspector Superintendent").split()
_TITLE_WORDS = frozenset(t.lower() for t in _ABBREVIATED + _SPELT_OUT)


def _titles_pattern() -> re.Pattern[str]:
    """Any title, then a space and a letter: tried only where _TITLE_CANDIDATE has found one (see there)."""
    branches = []
    for c in sorted({t[0] for t in _ABBREVIATED + _SPELT_OUT}):
        short = "|".join(sorted((t[1:] for t in _ABBREVIATED if t[0] == c), key=len, reverse=True)) or "(?!)"
        whole = "|".join(sorted((t[1:] for t in _SPELT_OUT if t[0] == c), key=len, reverse=True)) or "(?!)"
        branches.append(rf"{c}(?<![\w.]{c})(?:(?:{short})\.?|(?:{whole}))")
    return re.compile(rf"(?P<title>{'|'.join(branches)}){_S}+(?=[^\W\d_])")


_TITLED = _titles_pattern()
_CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december christmas easter""".split())
_GIVEN_NAMES_TOO = frozenset({"april", "may", "june", "august"})  # "Mrs May" is a name; "the DS May" is not
# Capitalised words after a title that are not names: placeholders, and words that start a sentence.
_NOT_A_NAME = frozenset("""name surname redacted unknown anon anonymous someone somebody barnardo
    and the but so or if in on at to of for when then she he they we you it is was who what my his her our
    their your this that there these those an as with not no yes ok okay please thanks thank sorry hi hello
    nobody everyone everybody nothing everything anyway well because also just practitioner specialist team
    service services unit""".split())

# Placeholders de-identification leaves: bracketed labels, and role labels such as "Child A" or "Parent 1".
_BRACKETED = re.compile(r"\[[^\[\]\n]*\]|<\w(?:[^<>\n]{0,38}\w)?>|\{\w(?:[^{}\n]{0,38}\w)?\}")
_LABEL = re.compile(r"""(?<!\w)(?i:child|parent|mother|father|mum|dad|carer|foster[ ]carer|worker|social[ ]worker
    |participant|interviewer|sibling|brother|sister|teacher|officer|person|young[ ]person|respondent|practitioner
    |manager|professional|school|family|case|staff|P)[ ](?:[A-Z]|\d{1,3})(?!\w)""", re.X)
_LABEL_REACH = 20  # a role label ("Young person 12") is at most this long: look that far either side of a hit
# Byte tables for prefilters that run in C: ASCII letters lower-cased, digits and "_" kept, anything else
# (UTF-8 included) a space; and every byte but the ASCII digits, to count digits by deleting the rest.
_FOLD = bytes(c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 or c == 95 else 32
              for c in range(256))
_FEW_KEYS = 8  # up to this many, look each key up in the text; beyond, split the text into a set of words


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# In a listed name, a space matches any whitespace, and an apostrophe any of the three in use (O'Brien typed,
# O’Brien as Word curls it, Oʼ as some keyboards give it); names are stored with the plain one.
_TRIE_CHARS = {" ": r"\s+", "'": f"[{_APOSTROPHES}]"}
_PLAIN_APOSTROPHE = str.maketrans({c: "'" for c in _APOSTROPHES})


def _trie(words: Iterable[str]) -> str:
    """One regex for many words, sharing prefixes: the engine reads each letter once, not once per name."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [(_TRIE_CHARS.get(c) or re.escape(c)) + emit(child) for c, child in node.items() if c]
        body = "(?:" + "|".join(alts) + ")" if len(alts) > 1 else "".join(alts)
        return f"(?:{body})?" if "" in node and alts else body  # greedy: the longest name is tried first

    return emit(root)


# Titles are looked for in the text's UTF-8 bytes with every title's first letter turned into one byte, \x01, so
# one pass of a pattern that opens on that literal stops only at those capitals, and a trie of the titles' other
# letters rules each out in a step or two. A pattern opening on a set of capitals ([MDPS...]) tests every
# character in turn, and one pattern per first letter (eleven of them) reads the text eleven times: both were
# twice as slow. What it finds is then checked, and read, by _TITLED on the text itself.
_TITLE_BYTES = bytes(1 if chr(c) in {t[0] for t in _ABBREVIATED + _SPELT_OUT} else c for c in range(256))
_TITLE_CANDIDATE = re.compile(b"\x01" + _trie({t.encode().translate(_TITLE_BYTES)[1:].decode()
                                                for t in _ABBREVIATED + _SPELT_OUT}).encode() + rb"[ .\xc2]")


def _titles(text: str, encoded: bytes) -> Iterator[re.Match[str]]:
    """Titles before a letter, left to right (byte offsets are turned into character offsets as it goes)."""
    same = len(encoded) == len(text)  # ASCII: a byte is a character
    byte_at = char_at = 0
    for candidate in _TITLE_CANDIDATE.finditer(encoded.translate(_TITLE_BYTES)):
        at = candidate.start()
        if not same:
            char_at += len(encoded[byte_at:at].decode("utf-8", "surrogatepass"))
            byte_at = at
            at = char_at
        m = _TITLED.match(text, at)
        if m is not None:
            yield m


class NameList:
    """Names the team knows occur in its interviews (participants, children, staff, places).

    A list beats guessing: any capitalised word might be a name, but a listed one certainly is.
    Names match whole words, ignoring case, longest first (so "Anna Smith" wins over "Anna");
    the words of a multi-word name may be split by any whitespace, a line break included.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        unique: dict[str, str] = {}
        for raw in names:
            name = " ".join(raw.split())
            if not 2 <= len(name) <= MAX_NAME_CHARS:
                raise ValueError(f"a name needs 2 to {MAX_NAME_CHARS} characters, not {raw!r}")
            unique.setdefault(name.lower().translate(_PLAIN_APOSTROPHE), name)
        self.names: tuple[str, ...] = tuple(sorted(unique.values(), key=lambda n: (-len(n), n.lower())))
        # Each name's longest ASCII word: a text lacking all of them cannot hold a listed name.
        keys = {max(encode(n).translate(_FOLD).split(), key=len, default=b"") for n in self.names}
        self._keys = None if b"" in keys else frozenset(keys)
        self._spaced_keys = tuple(b" " + k + b" " for k in sorted(keys)) if len(keys) <= _FEW_KEYS else ()
        body = _trie(unique)
        # A name ends where no word character follows; the apostrophe "ʼ" counts as a letter, but not here ("Jaydenʼs").
        self._at_start = re.compile(rf"({body})(?![^\Wʼ])")
        self._after = re.compile(rf"\W({body})(?![^\Wʼ])")  # consuming the boundary lets the engine skip to it
        self._folded: tuple[re.Pattern[str], re.Pattern[str]] | None = None
        # For texts whose lower case changes length (İ): the names as written, matched ignoring case ("İlker"
        # lower-cased is "i̇lker", two characters, which the text's own "İ" would never match).
        self._written = _trie(n.translate(_PLAIN_APOSTROPHE) for n in unique.values())

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"NameList({len(self.names)} names)"

    def _may_occur(self, encoded: bytes) -> bool:
        """False when no listed name can be in the text: it lacks every name's longest ASCII word."""
        if self._keys is None:  # a name with no ASCII word at all (Chinese, say): no shortcut
            return True
        words = b" " + encoded.translate(_FOLD) + b" "
        if self._spaced_keys:
            return any(key in words for key in self._spaced_keys)
        return not self._keys.isdisjoint(words.split())

    def spans(self, text: str, encoded: bytes | None = None) -> list[tuple[int, int]]:
        """Where listed names occur in ``text``, left to right, never overlapping.

        ``encoded`` is the text as UTF-8 when the caller has it already (it saves encoding twice).
        """
        if not self.names or not self._may_occur(encode(text) if encoded is None else encoded):
            return []
        lower = text.lower()
        if len(lower) == len(text):  # the usual case: same offsets, and case-free literals are fast
            at_start, after, subject = self._at_start, self._after, lower
        else:  # a character whose lower case is longer (İ): match the text itself, ignoring case
            if self._folded is None:
                self._folded = (re.compile(rf"({self._written})(?![^\Wʼ])", re.I),
                                re.compile(rf"\W({self._written})(?![^\Wʼ])", re.I))
            (at_start, after), subject = self._folded, text
        first = at_start.match(subject)
        found = [first.span(1)] if first else []
        found.extend(m.span(1) for m in after.finditer(subject, first.end() if first else 0))
        return found


def read_names(path: Path) -> NameList:
    """Read a team's name list: UTF-8 (a BOM is fine), one name a line, ``#`` lines and blank lines skipped.

    A list that is not what it seems (saved in another encoding, one-letter initials that would
    match everywhere, a transcript given by mistake) is refused with the line to fix, rather than
    scanning with a list that silently finds the wrong things. An empty list is allowed: it finds
    no names, and the other detectors still run.
    """
    return NameList(read_list(path, "name"))


def read_list(path: Path, what: str) -> list[str]:
    """The entries of a list file (names, or places: ``what`` says which, for the messages), checked as above."""
    source = str(path)
    if path.is_dir():
        raise InputError(source, "is a folder, not a file", f"give the {what} list's text file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(source, "no such file", "check the path and spelling") from None
    except OSError as exc:
        raise InputError(source, f"cannot be read ({exc.strerror})", "check its permissions") from None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(source, "is not UTF-8 text", "save it as UTF-8",
                         line=data.count(b"\n", 0, exc.start) + 1) from None
    if "\x00" in text:
        raise InputError(source, "looks like UTF-16 text, not UTF-8", "save it as UTF-8")
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):  # \r alone (old Mac files) ends a line too
        entry = " ".join(line.split())
        if not entry or entry.startswith("#"):
            continue
        if len(entry) < 2:
            raise InputError(source, f"the {what} {entry!r} is shorter than 2 characters and would match everywhere",
                             f"write the {what} in full, or delete the line", line=number)
        if len(entry) > MAX_NAME_CHARS:
            raise InputError(source, f"a line of {len(entry)} characters is too long to be a {what}",
                             f"put one {what} on each line", line=number)
        entries.append(entry)
    return entries


def overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Whether text[start:end] overlaps one of some sorted, non-overlapping spans (so their ends are sorted too)."""
    i = bisect.bisect_left(starts, end)
    return i > 0 and ends[i - 1] > start


def find_names(text: str, encoded: bytes, names: NameList | None) -> list[Hit]:
    """Listed names, and titles before capitalised words.

    A listed name inside placeholder brackets ("[Tyler's mum]") is still reported, a little less surely: the
    list holds real names, never pseudonyms. A titled name there is not (it is the placeholder's own text),
    and nothing is reported in a role label such as "Child A".
    """
    listed = names.spans(text, encoded) if names is not None else []
    upper = [(s, e) for s, e in listed if not text[s:e].islower()]
    upper_starts, upper_ends = [s for s, _ in upper], [e for _, e in upper]
    titled = [hit for m in _titles(text, encoded) if (hit := _titled(text, m, upper_starts, upper_ends)) is not None]
    if not listed and not titled:
        return []
    brackets = [p.span() for p in _BRACKETED.finditer(text)]
    starts, ends = [s for s, _ in brackets], [e for _, e in brackets]
    hits = listed_hits(text, listed, brackets, "name", "on the team's name list")
    hits.extend(t for t in titled if not (overlaps(starts, ends, t.start, t.end) or _in_label(text, t.start, t.end)))
    return hits


def listed_hits(text: str, spans: Iterable[tuple[int, int]], brackets: list[tuple[int, int]], kind: str,
                listed: str) -> list[Hit]:
    """Findings for words found on one of the team's lists (names, places), scored alike.

    Sure in capitals outside brackets; less so inside placeholder brackets (the list holds
    real words, never pseudonyms) or in lower case (it may be an ordinary word there).
    Nothing is reported inside a role label such as "Child A".
    """
    starts, ends = [s for s, _ in brackets], [e for _, e in brackets]
    hits = []
    for start, end in spans:
        if _in_label(text, start, end):
            continue
        bracketed, lower = overlaps(starts, ends, start, end), text[start:end].islower()
        score = (0.5 if lower else 0.9) if bracketed else (0.6 if lower else 1.0)
        why = listed + (", inside placeholder brackets" if bracketed else "")
        hits.append(Hit(kind, start, end, score, why + (", but in lower case (it may be an ordinary word here)"
                                                        if lower else "")))
    return hits


def _capitalised(part: str, first: bool) -> bool:
    """Whether a part of a word is shaped like a name: a capital (or a letter of a script without capitals),
    no capital straight after another ("NAME"), and a small letter last ("McD" is cut short), unless it is a
    single letter, which only a first part may be ("O'Brien", but not "O'B")."""
    letters = [c for c in part if not "\u0300" <= c <= "\u036f"]
    if letters[0].islower():
        return False
    if len(letters) == 1:
        return first
    return not letters[-1].isupper() and not any(a.isupper() and b.isupper() for a, b in itertools.pairwise(letters))


def _name_end(text: str, pos: int) -> int:
    """Where the capitalised word at ``pos`` ends ("Nguyễn", "McDonald", "O'Brien", "Okafor-Reid"), or -1.

    A part after an apostrophe or hyphen that is not capitalised is left off ("Smith's", "Smith-jones"); a word
    run on into a digit ("Smith2") is no name.
    """
    m = _NAME_WORD.match(text, pos)
    if m is None:
        return -1
    at = pos
    for i, part in enumerate(_SEPARATOR.split(m[0])):
        if not _capitalised(part, i == 0):
            return -1 if i == 0 else at - 1
        at += len(part) + 1
    after = text[m.end():m.end() + 1]
    return -1 if after == "_" or (after.isalnum() and after != "ʼ") else m.end()


def _titled(text: str, m: re.Match[str], listed_starts: list[int], listed_ends: list[int]) -> Hit | None:
    """A title, any initials, and the capitalised word or two after them ("Dr K. Patel", "Mr Nguyễn Văn"),
    unless the first word is a placeholder, a common word, another title, a weekday or a month ("DS Tuesday")."""
    title, pos, end, words, initials = m["title"].rstrip("."), m.end(), -1, 0, 0
    while words < 2:
        word_end = _name_end(text, pos)
        if word_end < 0:
            break
        word = text[pos:word_end]
        if len(word) == 1 and word.isupper():  # an initial: "J Smith", "K. Patel", "J.R. Smith"
            if words or initials == 3:
                break
            stop = word_end + text.startswith(".", word_end)
            gap = _SPACES.match(text, stop)
            if gap is None and stop == word_end:
                break
            pos, initials = gap.end() if gap else stop, initials + 1
            continue
        lower = word.lower()
        if lower in _NOT_A_NAME or lower in _TITLE_WORDS or (
                lower in _CALENDAR and (lower not in _GIVEN_NAMES_TOO or title.isupper())):
            break
        end, words = word_end, words + 1
        gap = _SPACES.match(text, end)
        if gap is None:
            break
        pos = gap.end()
    if end < 0:
        return None
    i = bisect.bisect_left(listed_starts, m.start())
    if i < len(listed_starts) and listed_ends[i] <= end:  # "Mr John Smith" with Smith listed: all of it
        return Hit("name", m.start(), end, 1.0, f"title '{title}' and a name on the team's list")
    what = "initials and a capitalised name" if initials else "a capitalised name"
    return Hit("titled_name", m.start(), end, 0.6, f"title '{title}' before {what}")


def _in_label(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] overlaps a role label such as "Child A" or "Parent 1".

    Labels are looked for only around the hit: the pattern cannot skip ahead, and hits are few.
    """
    near = _LABEL.finditer(text, max(0, start - _LABEL_REACH), min(len(text), end + _LABEL_REACH))
    return any(m.start() < end and start < m.end() for m in near)
