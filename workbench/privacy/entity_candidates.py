"""The words of a text that may be a name nobody listed, found once for every rule and the language model.

A candidate is a capitalised, name-shaped word that is not a common word, a service's or brand's name, a
big place or a title, taken with the capitalised words after it ("Kacper Nowak") into a run; each run
knows whether it opens a sentence (where any word is capitalised) and whether a relationship word comes
before it ("my son", "her gran"). ``_Text`` also knows the text's placeholders and sentence starts, which
the rules (``privacy.entity_rules``) and the scoring (``privacy.entities``) both ask about.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from workbench.privacy.names import (
    _ABBREVIATED,
    _BRACKETED,
    _SPELT_OUT,
    _TITLE_WORDS,
    _in_label,
    _name_end,
    encode,
    overlaps,
)
from workbench.privacy.words import (
    AMBIGUOUS_GIVEN,
    BIG_PLACES,
    BRANDS,
    COMMON_WORDS,
    GIVEN_NAMES,
    PROFESSIONAL_PHRASES,
    PROFESSIONAL_WORDS,
)

_ABBREVIATED_CALENDAR = frozenset("mon tue tues wed thu thur thurs fri sat sun jan feb mar apr jun jul aug sep "
                                  "sept oct nov dec".split())
_NOT_NAMES = COMMON_WORDS | PROFESSIONAL_WORDS | BRANDS | BIG_PLACES | _TITLE_WORDS | _ABBREVIATED_CALENDAR
_GIVEN = GIVEN_NAMES - _NOT_NAMES - AMBIGUOUS_GIVEN
_AMBIGUOUS = AMBIGUOUS_GIVEN - BIG_PLACES
_PHRASES_BY_WORD: dict[str, list[str]] = {}
for _phrase in PROFESSIONAL_PHRASES:
    for _word in set(re.findall(r"[\w'’&]+", _phrase)):
        _PHRASES_BY_WORD.setdefault(_word, []).append(_phrase)
_PHRASES = frozenset(PROFESSIONAL_PHRASES)
_APOSTROPHE = str.maketrans({"’": "'", "ʼ": "'"})

_CAPITAL = re.compile(r"(?<![\w'’ʼ\-])[^\W\d_a-z]")  # a word's first letter, not a small ASCII one
_SENTENCE_BREAK = re.compile(r"[.!?…][\"')\]’”]*\s+|[\n\r][\s]*|:[ \t]+|^\s+|^|[\"“‘(]\s*|\s[-–—]\s")
_GAP = re.compile(r"[ \u00a0]")  # between the words of one name
# A title as written ("Mr", "PC", "Sister"), then up to three initials, just before a word: the titled-name rule's.
_TITLE_BEFORE = re.compile(r"(?<![\w.])(?:" + "|".join(sorted(_ABBREVIATED, key=len, reverse=True)) + r")\.?[ \u00a0]+"
                           r"(?:[A-Z](?:\.[ \u00a0]*|[ \u00a0]+)){0,3}\Z|(?<![\w.])(?:"
                           + "|".join(sorted(_SPELT_OUT, key=len, reverse=True)) +
                           r")[ \u00a0]+(?:[A-Z](?:\.[ \u00a0]*|[ \u00a0]+)){0,3}\Z")
_RELATIONS = ("son|daughter|stepson|stepdaughter|step-son|step-daughter|grandson|granddaughter|gran|granny|nan|"
              "nanna|nana|nanny|grandma|grandmother|grandad|granddad|grandpa|grandfather|mum|mam|mom|mother|dad|"
              "father|stepdad|step-dad|stepmum|step-mum|brother|sister|half-brother|half-sister|stepbrother|"
              "stepsister|cousin|auntie|aunty|aunt|uncle|niece|nephew|partner|ex-partner|boyfriend|girlfriend|"
              "husband|wife|ex|ex-husband|ex-wife|friend|mate|baby|child|kid|twin|carer|foster carer|neighbour|"
              "youngest|eldest|oldest|little one|lad|boy|girl|sibling|baby brother|baby sister")
_CUE_BEFORE = re.compile(
    rf"""(?:(?<![\w'])(?:my|her|his|their|our|your|the|a|its)[ \u00a0]+
         (?:(?:little|older|younger|eldest|oldest|youngest|big|baby|new|best|twin|late|step|half|foster|other)
            [ \u00a0]+)*
         (?:{_RELATIONS})(?:['’]s)?,?[ \u00a0]+
       | (?<![\w'])(?:called|named|name's|name’s|name\ is|names\ are|nicknamed|known\ as)[ \u00a0]+)\Z""",
    re.I | re.X)


@dataclass
class _Run:
    """Capitalised words in a row that may be a name: where, and what the text around them says."""

    start: int
    end: int
    words: list[str]
    at_sentence_start: bool
    cue: bool = False  # after a relationship word ("my son", "her gran") or "called"


class _Text:
    """One text's placeholders, sentence starts and candidate words, found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.encoded = encode(text)
        self.brackets = [m.span() for m in _BRACKETED.finditer(text)] if ("[" in text or "<" in text
                                                                           or "{" in text) else []
        self._b_starts = [s for s, _ in self.brackets]
        self._b_ends = [e for _, e in self.brackets]
        self._sentence_starts: list[int] | None = None
        self.runs = list(self._runs())

    def in_brackets(self, start: int, end: int) -> bool:
        return bool(self.brackets) and overlaps(self._b_starts, self._b_ends, start, end)

    def sentence_starts(self) -> list[int]:
        if self._sentence_starts is None:
            self._sentence_starts = [m.end() for m in _SENTENCE_BREAK.finditer(self.text)]
        return self._sentence_starts

    def at_sentence_start(self, pos: int) -> bool:
        starts = self.sentence_starts()
        i = bisect.bisect_left(starts, pos)
        return i < len(starts) and starts[i] == pos

    def sentence_span(self, start: int, end: int, reach: int = 250) -> tuple[int, int]:
        """The sentence around text[start:end], at most ``reach`` characters either side, cut at spaces."""
        starts = self.sentence_starts()
        i = bisect.bisect_right(starts, start)
        low = starts[i - 1] if i else 0
        j = bisect.bisect_right(starts, end)
        high = starts[j] if j < len(starts) else len(self.text)
        if start - low > reach:
            cut = self.text.find(" ", start - reach, start)
            low = cut + 1 if cut >= 0 else start
        if high - end > reach:
            cut = self.text.rfind(" ", end, end + reach)
            high = cut if cut >= 0 else end
        return low, high

    def _words(self) -> Iterator[tuple[int, int, str, bool]]:
        """Capitalised, name-shaped words that are not common or service words: (start, end, word, at start)."""
        text = self.text
        for m in _CAPITAL.finditer(text):
            pos = m.start()
            if not m[0].isupper():
                continue
            end = _name_end(text, pos)
            if end < 0 or end - pos < 2:
                continue
            word = text[pos:end]
            lower = word.lower().translate(_APOSTROPHE)
            if lower in _NOT_NAMES or (lower.endswith("s") and lower[:-1] in PROFESSIONAL_WORDS):
                continue
            at_start = self.at_sentence_start(pos)
            if at_start and lower not in _GIVEN and lower not in _AMBIGUOUS:
                continue
            if self.in_brackets(pos, end) or _in_label(text, pos, end) or self._professional(lower, pos, end):
                continue
            yield pos, end, word, at_start

    def _professional(self, lower: str, start: int, end: int) -> bool:
        phrases = _PHRASES_BY_WORD.get(lower)
        if not phrases:
            return False
        window_start = max(0, start - 60)
        window = self.text[window_start:end + 60].lower().translate(_APOSTROPHE)
        for phrase in phrases:
            at = window.find(phrase)
            while at >= 0:
                if window_start + at < end and start < window_start + at + len(phrase):
                    return True
                at = window.find(phrase, at + 1)
        return False

    def _runs(self) -> Iterator[_Run]:
        run: _Run | None = None
        for start, end, word, at_start in self._words():
            if run is not None and len(run.words) < 4 and _GAP.fullmatch(self.text, run.end, start):
                run.end, run.words = end, [*run.words, word]
                continue
            if run is not None:
                yield run
            if _TITLE_BEFORE.search(self.text, max(0, start - 24), start):
                run = None  # the titled-name rule reports it
                continue
            run = _Run(start, end, [word], at_start,
                       _CUE_BEFORE.search(self.text, max(0, start - 60), start) is not None)
        if run is not None:
            yield run


def _lower(word: str) -> str:
    return word.lower().translate(_APOSTROPHE)
