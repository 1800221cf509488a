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

Names (the team's list, titles before capitalised words) are found by ``privacy.names``; people,
institutions, addresses and places nobody listed (and the study's own place list) by ``privacy.entities``,
which combines a language model's named entities with rules and word lists (its scores are listed there);
this module finds the rest and settles overlaps. Pure standard library, so the command line and the
pages can both call it; offsets are into
exactly the text given. UK formats only (the interviews are about children's social care in
England), but names in any alphabet. Speed comes from patterns compiled once that start on a literal
or a digit, so the engine skips most of the text, and from cheap tests that rule out whole detectors
for a segment (no digit, no ``@``, none of the listed names' words). Every step is linear in the text:
no pattern can read a run of letters in more than one way, and cue words, sentence ends and
placeholders are found once per text and looked up by bisection, not searched again for each hit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from workbench.privacy.entities import PlaceList, find_entities, named_again, person_words, read_places
from workbench.privacy.names import MAX_NAME_CHARS, SPACE, Hit, NameList, encode, find_names, overlaps, read_names

__all__ = ["MAX_NAME_CHARS", "TYPES", "Finding", "Hit", "NameList", "PlaceList", "context", "read_names", "read_places",
           "scan", "scan_text"]

# Most specific first: of two overlapping findings with the same score and length, the earlier type wins.
TYPES: tuple[str, ...] = ("nhs_number", "ni_number", "email", "phone", "postcode", "date_of_birth", "name",
                          "titled_name", "address", "institution", "place", "person", "url", "date")
_RANK = {kind: i for i, kind in enumerate(TYPES)}


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




_S = SPACE
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
_ORDINAL = frozenset({"st", "nd", "rd", "th"})  # "B12 3rd floor", "A1 2nd exit": ordinals, not inward codes
_NI_BAD_FIRST, _NI_BAD_SECOND = frozenset("DFIQUV"), frozenset("DFIOQUV")
_NI_UNALLOCATED = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})
_NOT_DIGIT = bytes(c for c in range(256) if not 48 <= c <= 57)

def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _nhs_check_ok(digits: str) -> bool:
    """The NHS modulus-11 check: weights 10..2 on the first nine digits; 11 reads as 0, 10 is never issued."""
    if len(set(digits)) == 1:  # 0000000000 passes the arithmetic but is a filler, not a number
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return check != 10 and check % 11 == int(digits[9])


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
        elif not overlaps(starts, ends, m.start(), m.end()):
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


def scan_text(text: str, names: NameList | None = None, places: PlaceList | None = None) -> list[Hit]:
    """Every likely identifier in ``text``, by start offset, no two overlapping.

    ``places`` is the study's own list of local places (``read_places``); people, institutions,
    addresses and places nobody listed are found by ``privacy.entities``.
    """
    return _scan_one(text, names, find_entities([text], places)[0])


def _scan_one(text: str, names: NameList | None, entities: list[Hit]) -> list[Hit]:
    """The shaped detectors on one text, with its entity hits, overlaps settled.

    Detectors a text cannot trigger are skipped on a count: an NHS or phone number needs ten
    digits, a National Insurance number six, a date three (a month and year four), a postcode two.
    """
    encoded = encode(text)
    hits = find_names(text, encoded, names)
    hits.extend(entities)
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


_SCAN_BATCH = 2000  # segments whose entities are found together (the language model reads them in one stream)


def scan(segments: Iterable[tuple[str, str]], names: NameList | None = None,
         places: PlaceList | None = None) -> list[Finding]:
    """Scan ``(segment_id, text)`` pairs; findings come in segment order, then by offset in the segment."""
    findings: list[Finding] = []
    batch: list[tuple[str, str]] = []

    def flush() -> None:
        for (segment_id, text), entities in zip(batch, find_entities([t for _, t in batch], places), strict=True):
            findings.extend(Finding(segment_id, h.type, h.start, h.end, text[h.start:h.end], h.score, h.why)
                            for h in _scan_one(text, names, entities))
        batch.clear()

    texts: list[tuple[str, str]] = []
    for segment in segments:
        batch.append(segment)
        texts.append(segment)
        if len(batch) >= _SCAN_BATCH:
            flush()
    flush()
    return _named_again(findings, texts)


def context(text: str, start: int, end: int, width: int = 30, marks: tuple[str, str] = ("", "")) -> str:
    """A finding in the words either side of it, trimmed with "…": enough to judge it without the transcript.

    ``marks`` go around the finding itself (the Study page shows it between ⟦ ⟧).
    """
    left, right = max(0, start - width), min(len(text), end + width)
    return (("…" if left else "") + text[left:start] + marks[0] + text[start:end] + marks[1] + text[end:right]
            + ("…" if right < len(text) else ""))


_SURE_PERSON = 0.6  # people found at least this surely lend their names' words to the rest of the scan


def _named_again(findings: list[Finding], texts: list[tuple[str, str]]) -> list[Finding]:
    """Add the places a person found somewhere is named again by one of their names, anywhere in the scan."""
    words = person_words(f.text for f in findings if f.type == "person" and f.score >= _SURE_PERSON)
    if not words:
        return findings
    by_segment: dict[str, list[Finding]] = {}
    for finding in findings:
        by_segment.setdefault(finding.segment_id, []).append(finding)
    out: list[Finding] = []
    for segment_id, text in texts:
        own = by_segment.get(segment_id, [])
        sure = [(f.start, f.end) for f in own if f.score >= _SURE_PERSON]
        more = [Finding(segment_id, h.type, h.start, h.end, text[h.start:h.end], h.score, h.why)
                for h in named_again(text, words, sure)]
        if more:  # a weaker guess over the same words gives way, so findings still never overlap
            own = [f for f in own if f.score >= _SURE_PERSON or not any(f.start < m.end and m.start < f.end
                                                                         for m in more)]
        out.extend(sorted(own + more, key=lambda f: f.start) if more else own)
    return out
