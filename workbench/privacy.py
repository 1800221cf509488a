"""Residual identifiers in de-identified text, found so a researcher can fix them before analysis.

Transcripts reach the workbench already de-identified, but people miss things: a phone number
read out, a teacher's surname, a child's date of birth. This module reports what still looks like
an identifier, with a score (how sure it is) and a reason a researcher can read, so findings can
be ranked and checked. It never changes text: what to replace, and with what, is a person's call.

Scores, from surest to least: a listed name 1.0 (0.9 inside placeholder brackets, where the team's
own list still knows it for a real name; 0.6 written in lower case, where it may be an ordinary word:
"will", "grace"; 0.5 both); email 0.95; NHS number (valid check digit) 0.95 with a cue nearby ("NHS",
"CHI", "H&C", "health number"), 0.6 without one (one random ten-digit reference in eleven passes the
check; a phone number without a cue wins over it); National Insurance number 0.9 (0.6 in lower case,
0.5 with HMRC's example prefix QQ); date of birth 0.9 (0.6 for a month and year only); mobile 0.85,
landline 0.8, 03 number 0.6; postcode 0.85 (0.75 without its space, 0.4 not in capitals); a title (Mr,
Dr, PC, DS, Sister, Imam...) before a capitalised name, or initials and a name, 0.6; web address 0.5;
any other full date 0.3. Where findings overlap, the surest is kept, then the longest, then the more
specific type (the order of TYPES).

Pure standard library, so the command line and the pages can both call it; offsets are into
exactly the text given. UK formats only (the interviews are about children's social care in
England), but names in any alphabet. Speed comes from patterns compiled once that start on a literal
or a digit, so the engine skips most of the text, and from cheap tests that rule out whole detectors
for a segment (no digit, no ``@``, none of the listed names' words). Every step is linear in the text:
no pattern can read a run of letters in more than one way, and cue words, sentence ends and
placeholders are found once per text and looked up by bisection, not searched again for each hit.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = ["MAX_NAME_CHARS", "TYPES", "Finding", "Hit", "NameList", "read_names", "scan", "scan_text"]

# Most specific first: of two overlapping findings with the same score and length, the earlier type wins.
TYPES: tuple[str, ...] = ("nhs_number", "ni_number", "email", "phone", "postcode", "date_of_birth", "name",
                          "titled_name", "url", "date")
_RANK = {kind: i for i, kind in enumerate(TYPES)}
MAX_NAME_CHARS = 100  # a longer "name" is a sentence or a pasted paragraph: the wrong file, most likely


@dataclass(frozen=True)
class Finding:
    """One likely identifier in one segment: where it is, how sure we are, and why, in plain words."""

    segment_id: str
    type: str  # one of TYPES
    start: int  # offset into the segment's text
    end: int  # text[start:end] == self.text
    text: str
    score: float  # 0..1, how sure the scanner is that this identifies someone
    why: str


@dataclass(frozen=True)
class Hit:
    """A finding in a bare text, before it is tied to a segment."""

    type: str
    start: int
    end: int
    score: float
    why: str


_S = r"[ \u00a0]"  # a space as typed, or as pasted from Word (non-breaking)
_SEP = r"[ \u00a0\-]"
_EMAIL = re.compile(r"(?<![\w.%+\-])\w[\w.%+\-]*@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-]|\.\w)")
_URL = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"'\[\]{}|\\^`]+", re.I)
# Each pattern below opens on a digit, "+", "(" or "0", with the look-behind after it, so the engine
# jumps from candidate to candidate instead of trying every position of the text.
_NHS = re.compile(rf"\d(?<!\d\d)\d\d({_SEP}?)\d{{3}}\1\d{{4}}(?!\d)", re.A)
_PHONE = re.compile(rf"""(?:
      \+(?<![\d+]\+)44{_S}?(?:\(0\){_S}?)?[1-9](?:{_SEP}?\d){{8,9}}
    | 0(?<![\d+]0)044{_S}?(?:\(0\){_S}?)?[1-9](?:{_SEP}?\d){{8,9}}
    | \((?<![\d+]\()0\d{{2,4}}\){_S}?\d(?:{_SEP}?\d){{4,7}}
    | 0(?<![\d+]0)\d(?:{_SEP}?\d){{7,9}} )(?!\d)""", re.X | re.A)
_NI_DIGITS = re.compile(rf"\d(?<!\d\d)\d{_S}?\d\d{_S}?\d\d{_S}?[A-Da-d](?![A-Za-z0-9])", re.A)
_POSTCODE_TAIL = re.compile(rf"\d(?<=[A-Za-z]\d)[A-Za-z0-9]?{_S}?\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{{2}}(?![A-Za-z0-9])",
                            re.A)
_POSTCODE = re.compile(rf"[A-PR-UWYZ](?:[A-HK-Y]\d[ABEHMNPRV-Y\d]?|\d[A-HJKPSTUW\d]?){_S}?\d[ABD-HJLNP-UW-Z]{{2}}",
                       re.I | re.A)
_MONTH = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(rf"""(?P<lead>\d(?<![\w/\-]\d)(?<!\d\.\d)\d{{0,3}})
    (?: (?P<sep>[/.\-])(?P<b>\d{{1,2}})(?P=sep)(?:{_YEAR}|(?<=/)\d\d)          # 12/03/2015, 12.03.2015, 12/03/15
      | (?P<isep>[/\-])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}})              # 2015-03-12
      | (?:st|nd|rd|th)?(?:{_S}+of)?{_S}+(?P<month>{_MONTH})\.?,?{_S}+{_YEAR}   # 12th (of) March 2015
      | (?P<tail>(?:st|nd|rd|th)?,?{_S}+{_YEAR}) )                            # March 12th, 2015: month checked apart
    (?![\w/\-]|\.\d)""", re.X | re.I | re.A)
_MONTH_BEFORE = re.compile(rf"(?<![A-Za-z])(?:{_MONTH})\.?{_S}+\Z", re.I)
# A month and year alone ("March 2015", "March of 2015", "03/2015"): reported only in a sentence about a birth.
_MONTH_YEAR = re.compile(r"(?:\d(?<![\w/.\-]\d)\d?/(?:19|20)\d|[12](?<=[ \u00a0][12])\d\d)\d(?![\w/\-]|\.\d)")
_MONTH_OF_BEFORE = re.compile(rf"(?<![A-Za-z])(?:{_MONTH})\.?,?(?:{_S}+of)?{_S}+\Z", re.I)
_BIRTH_CUE = re.compile(r"(?<!\w)(?:born|birthday|birth[ \-]?date|date of birth|d\.o\.b\b\.?|dob)(?!\w)", re.I)
_NHS_CUE = re.compile(r"(?<!\w)(?:NHS|(?-i:CHI)|H&C|health(?:\s(?:and|&)\scare)?\sn(?:o|umber))(?!\w)", re.I)
_NHS_CUE_REACH = 40  # a cue this close before the number counts even across a sentence end ("NHS? It's ...")
_SENTENCE_END = re.compile(r"[.!?][\"')\]’”]*\s+(?=[\"'(\[‘“]*[A-Z])|\n")
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
_ORDINAL = frozenset({"st", "nd", "rd", "th"})  # "B12 3rd floor", "A1 2nd exit": ordinals, not inward codes
# Placeholders de-identification leaves: bracketed labels, and role labels such as "Child A" or "Parent 1".
_BRACKETED = re.compile(r"\[[^\[\]\n]*\]|<\w(?:[^<>\n]{0,38}\w)?>|\{\w(?:[^{}\n]{0,38}\w)?\}")
_LABEL = re.compile(r"""(?<!\w)(?i:child|parent|mother|father|mum|dad|carer|foster[ ]carer|worker|social[ ]worker
    |participant|interviewer|sibling|brother|sister|teacher|officer|person|young[ ]person|respondent|practitioner
    |manager|professional|school|family|case|staff|P)[ ](?:[A-Z]|\d{1,3})(?!\w)""", re.X)
_LABEL_REACH = 20  # a role label ("Young person 12") is at most this long: look that far either side of a hit
_NI_BAD_FIRST, _NI_BAD_SECOND = frozenset("DFIQUV"), frozenset("DFIOQUV")
_NI_UNALLOCATED = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})
# Byte tables for prefilters that run in C: ASCII letters lower-cased, digits and "_" kept, anything else
# (UTF-8 included) a space; and every byte but the ASCII digits, to count digits by deleting the rest.
_FOLD = bytes(c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 or c == 95 else 32
              for c in range(256))
_NOT_DIGIT = bytes(c for c in range(256) if not 48 <= c <= 57)
_FEW_KEYS = 8  # up to this many, look each key up in the text; beyond, split the text into a set of words


def _encode(text: str) -> bytes:
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
        keys = {max(_encode(n).translate(_FOLD).split(), key=len, default=b"") for n in self.names}
        self._keys = None if b"" in keys else frozenset(keys)
        self._spaced_keys = tuple(b" " + k + b" " for k in sorted(keys)) if len(keys) <= _FEW_KEYS else ()
        body = _trie(unique)
        # A name ends where no word character follows; the apostrophe "ʼ" counts as a letter, but not here ("Jaydenʼs").
        self._at_start = re.compile(rf"({body})(?![^\Wʼ])")
        self._after = re.compile(rf"\W({body})(?![^\Wʼ])")  # consuming the boundary lets the engine skip to it
        self._folded: tuple[re.Pattern[str], re.Pattern[str]] | None = None

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
        if not self.names or not self._may_occur(_encode(text) if encoded is None else encoded):
            return []
        lower = text.lower()
        if len(lower) == len(text):  # the usual case: same offsets, and case-free literals are fast
            at_start, after, subject = self._at_start, self._after, lower
        else:  # a character whose lower case is longer (İ): match the text itself, ignoring case
            if self._folded is None:
                self._folded = (re.compile(self._at_start.pattern, re.I), re.compile(self._after.pattern, re.I))
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
    source = str(path)
    if path.is_dir():
        raise InputError(source, "is a folder, not a file", "give the name list's text file")
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
    names = []
    for number, line in enumerate(text.split("\n"), start=1):
        name = " ".join(line.split())
        if not name or name.startswith("#"):
            continue
        if len(name) < 2:
            raise InputError(source, f"the name {name!r} is shorter than 2 characters and would match everywhere",
                             "write the name in full, or delete the line", line=number)
        if len(name) > MAX_NAME_CHARS:
            raise InputError(source, f"a line of {len(name)} characters is too long to be a name",
                             "put one name on each line", line=number)
        names.append(name)
    return NameList(names)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _nhs_check_ok(digits: str) -> bool:
    """The NHS modulus-11 check: weights 10..2 on the first nine digits; 11 reads as 0, 10 is never issued."""
    if len(set(digits)) == 1:  # 0000000000 passes the arithmetic but is a filler, not a number
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return check != 10 and check % 11 == int(digits[9])


def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Whether text[start:end] overlaps one of some sorted, non-overlapping spans (so their ends are sorted too)."""
    i = bisect.bisect_left(starts, end)
    return i > 0 and ends[i - 1] > start


class _Context:
    """One text's sentence ends and cue words, each found once, and only when a detector first asks."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._ends: list[tuple[int, int]] | None = None
        self._cues: dict[re.Pattern[str], tuple[list[int], list[int]]] = {}

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Where the sentence (or sentences) holding text[start:end] begins and ends."""
        if self._ends is None:
            self._ends = [(b.start(), b.end()) for b in _SENTENCE_END.finditer(self.text)]
        ends = self._ends
        i = bisect.bisect_right(ends, (start, start))
        j = bisect.bisect_left(ends, (end, -1))
        return min(ends[i - 1][1], start) if i else 0, ends[j][0] if j < len(ends) else len(self.text)

    def cued(self, cue: re.Pattern[str], low: int, high: int) -> bool:
        """Whether a match of ``cue`` lies wholly within text[low:high]."""
        if cue not in self._cues:
            found = [m.span() for m in cue.finditer(self.text)]
            self._cues[cue] = [s for s, _ in found], [e for _, e in found]
        starts, ends = self._cues[cue]
        i = bisect.bisect_left(starts, low)
        return i < len(starts) and ends[i] <= high


def _nhs(text: str, context: _Context, phones: list[Hit]) -> Iterator[Hit]:
    """Ten digits with a valid check digit: sure with a cue in the sentence or just before, else a maybe that a
    phone number of the same digits beats ("0123456789" passes the check and is also a landline)."""
    starts, ends = [p.start for p in phones], [p.end for p in phones]
    for m in _NHS.finditer(text):
        if not _nhs_check_ok(_digits(m[0])):
            continue
        low, high = context.sentence(m.start(), m.end())
        if context.cued(_NHS_CUE, max(0, min(low, m.start() - _NHS_CUE_REACH)), high):
            yield Hit("nhs_number", m.start(), m.end(), 0.95, "NHS number with a valid check digit")
        elif not _overlaps(starts, ends, m.start(), m.end()):
            yield Hit("nhs_number", m.start(), m.end(), 0.6,
                      "NHS number shape with a valid check digit, no NHS cue nearby: check it")


def _phone(text: str) -> Iterator[Hit]:
    for m in _PHONE.finditer(text):
        number = m[0]
        if number.startswith(("+44", "0044")):  # international: drop 44 and any "(0)", put the trunk 0 back
            number = "0" + _digits(number[number.index("44") + 2:].replace("(0)", "", 1))
        national = _digits(number)
        if not ((len(national) == 11 and national[1] in "1237") or (len(national) == 10 and national[1] == "1")):
            continue
        if national[1] == "7":
            yield Hit("phone", m.start(), m.end(), 0.85, "UK mobile number")
        elif national[1] == "3":
            yield Hit("phone", m.start(), m.end(), 0.6, "UK 03 number (often an organisation's)")
        else:
            yield Hit("phone", m.start(), m.end(), 0.8, "UK landline number")


def _letters_before(text: str, at: int, count: int) -> int | None:
    """Where ``count`` ASCII letters end at ``at`` as a whole word's start (no letter or digit before), else None."""
    start = at - count
    if start < 0 or not (text[start:at].isascii() and text[start:at].isalpha()):
        return None
    if start and text[start - 1].isascii() and text[start - 1].isalnum():
        return None
    return start


def _ni(text: str) -> Iterator[Hit]:
    for m in _NI_DIGITS.finditer(text):
        at = m.start() - 1 if m.start() and text[m.start() - 1] in " \u00a0" else m.start()
        start = _letters_before(text, at, 2)
        if start is None:
            continue
        prefix, whole = text[start:at].upper(), text[start:m.end()]
        if prefix == "QQ":
            yield Hit("ni_number", start, m.end(), 0.5,
                      "National Insurance number with HMRC's example prefix QQ: check it is not a real one")
        elif prefix[0] in _NI_BAD_FIRST or prefix[1] in _NI_BAD_SECOND or prefix in _NI_UNALLOCATED:
            continue
        elif whole.isupper():
            yield Hit("ni_number", start, m.end(), 0.9, "National Insurance number")
        else:
            yield Hit("ni_number", start, m.end(), 0.6, "National Insurance number, in lower case")


def _postcode(text: str) -> Iterator[Hit]:
    for m in _POSTCODE_TAIL.finditer(text):
        start = _letters_before(text, m.start(), 2)
        if start is None:
            start = _letters_before(text, m.start(), 1)
        if start is None or not _POSTCODE.fullmatch(text, start, m.end()):
            continue
        code = text[start:m.end()]
        if code[-2:] in _ORDINAL:
            continue
        if code != code.upper():
            yield Hit("postcode", start, m.end(), 0.4, "UK postcode shape, but not in capitals")
        elif code[-4] in " \u00a0":
            yield Hit("postcode", start, m.end(), 0.85, "full UK postcode")
        else:
            yield Hit("postcode", start, m.end(), 0.75, "full UK postcode, written without its space")


def _date_start(text: str, m: re.Match[str]) -> int | None:
    """Where a full date (day, month and year) begins, or None: day first (UK) or month first both count."""
    lead = m["lead"]
    if m["isep"]:
        return m.start() if len(lead) == 4 and 1 <= int(m["im"]) <= 12 and 1 <= int(m["id"]) <= 31 else None
    if len(lead) > 2 or not 1 <= int(lead) <= 31:
        return None
    if m["sep"]:  # day first, or else month first
        first, second = int(lead), int(m["b"])
        return m.start() if 1 <= second <= 12 or (first <= 12 and 1 <= second <= 31) else None
    if m["month"]:
        return m.start()
    month = _MONTH_BEFORE.search(text, max(0, m.start() - 20), m.start())
    return month.start() if month else None


def _month_year_start(text: str, m: re.Match[str]) -> int | None:
    """Where a month and year ("March 2015", "March of 2015", "03/2015") begins, or None."""
    if "/" in m[0]:
        return m.start() if 1 <= int(m[0].partition("/")[0]) <= 12 else None
    if not m[0].startswith(("19", "20")):
        return None
    month = _MONTH_OF_BEFORE.search(text, max(0, m.start() - 25), m.start())
    return month.start() if month else None


def _dates(text: str, context: _Context, digits: int) -> Iterator[Hit]:
    for m in _DATE.finditer(text):
        start = _date_start(text, m)
        if start is None:
            continue
        if context.cued(_BIRTH_CUE, *context.sentence(start, m.end())):
            yield Hit("date_of_birth", start, m.end(), 0.9, "date in a sentence about a birth (born, DOB)")
        else:
            yield Hit("date", start, m.end(), 0.3, "full date (day, month and year): it can identify an event")
    if digits < 4:
        return
    for m in _MONTH_YEAR.finditer(text):  # where a full date holds these too, the full date's surer hit wins
        start = _month_year_start(text, m)
        if start is not None and context.cued(_BIRTH_CUE, *context.sentence(start, m.end())):
            yield Hit("date_of_birth", start, m.end(), 0.6,
                      "only month and year, in a sentence about a birth (born, DOB): it still narrows who it is")


def _urls(text: str) -> Iterator[Hit]:
    for m in _URL.finditer(text):
        end, opened, closed = m.end(), m[0].count("("), m[0].count(")")
        while text[end - 1] in ".,;:!?)'\"":  # sentence punctuation, or a bracket closed outside the address
            if text[end - 1] == ")":
                if opened >= closed:
                    break
                closed -= 1
            end -= 1
        if end - m.start() > (4 if m[0][:4].lower() == "www." else 8):
            yield Hit("url", m.start(), end, 0.5, "web address (it may point to a person or a local service)")


def _names(text: str, encoded: bytes, names: NameList | None) -> list[Hit]:
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
    hits = []
    for start, end in listed:
        if _in_label(text, start, end):
            continue
        bracketed, lower = _overlaps(starts, ends, start, end), text[start:end].islower()
        score = (0.5 if lower else 0.9) if bracketed else (0.6 if lower else 1.0)
        why = "on the team's name list" + (", inside placeholder brackets" if bracketed else "")
        hits.append(Hit("name", start, end, score, why + (", but in lower case (it may be an ordinary word here)"
                                                          if lower else "")))
    hits.extend(t for t in titled if not (_overlaps(starts, ends, t.start, t.end) or _in_label(text, t.start, t.end)))
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


def _resolve(hits: list[Hit]) -> list[Hit]:
    """Keep the surest of overlapping hits (then the longest, then the more specific type); order by start."""
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-h.score, h.start - h.end, _RANK[h.type], h.start)):
        i = bisect.bisect_right(starts, hit.start)
        if (i and ends[i - 1] > hit.start) or (i < len(starts) and starts[i] < hit.end):
            continue
        starts.insert(i, hit.start)
        ends.insert(i, hit.end)
        kept.insert(i, hit)
    return kept


def scan_text(text: str, names: NameList | None = None) -> list[Hit]:
    """Every likely identifier in ``text``, by start offset, no two overlapping.

    Detectors a text cannot trigger are skipped on a count: an NHS or phone number needs ten
    digits, a National Insurance number six, a date three (a month and year four), a postcode two.
    """
    encoded = _encode(text)
    hits = _names(text, encoded, names)
    if "@" in text:
        hits.extend(Hit("email", m.start(), m.end(), 0.95, "email address") for m in _EMAIL.finditer(text))
    if "://" in text or "ww." in text:  # "WWW.EXAMPLE.COM" alone, in capitals, is let go
        hits.extend(_urls(text))
    digits = len(encoded.translate(None, _NOT_DIGIT))
    if digits >= 2:
        hits.extend(_postcode(text))
    if digits >= 3:
        context = _Context(text)
        hits.extend(_dates(text, context, digits))
    if digits >= 6:
        hits.extend(_ni(text))
    if digits >= 10:
        phones = list(_phone(text))
        hits.extend(phones)
        hits.extend(_nhs(text, context, phones))
    return _resolve(hits) if len(hits) > 1 else hits


def scan(segments: Iterable[tuple[str, str]], names: NameList | None = None) -> list[Finding]:
    """Scan ``(segment_id, text)`` pairs; findings come in segment order, then by offset in the segment."""
    return [Finding(segment_id, h.type, h.start, h.end, text[h.start:h.end], h.score, h.why)
            for segment_id, text in segments for h in scan_text(text, names)]
