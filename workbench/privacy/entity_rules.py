"""Institutions, addresses and places found by their shape ("Larkfield Academy", "14 Cable Street").

A named school, surgery or hospital, a numbered or named street, a flat in a named block, an estate, a
ward or a village each has words that say what it is; these rules find them without the language model,
and what they find surely (0.7 or more) is not sent to the model at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from workbench.privacy.entity_candidates import (
    _ABBREVIATED_CALENDAR,
    _NOT_NAMES,
    _PHRASES,
    _TITLE_BEFORE,
    _lower,
    _Text,
)
from workbench.privacy.names import _TITLE_WORDS, Hit, _in_label
from workbench.privacy.words import COMMON_WORDS, PROFESSIONAL_WORDS

# Names of things: a capitalised word (any Latin letters), and the small words inside institutions' names.
_CAP_WORD = r"(?:[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’\-]*\.?)"
_INSTITUTION_KIND = re.compile(
    r"""(?<![\w'’\-])(?:Primary|Infants?|Juniors?|Secondary|High|Grammar|Comprehensive|Academy|School|College
    |Sixth[ \u00a0]Form|Nursery|Pre-?[Ss]chool|Playgroup|Montessori|University|Surgery|Medical[ \u00a0]Cent(?:re|er)
    |Health[ \u00a0]Cent(?:re|er)|Medical[ \u00a0]Practice|Practice|Hospital|Infirmary|Clinic|Hospice
    |Children['’]?s[ \u00a0]Home|Family[ \u00a0]Centre|Children['’]?s[ \u00a0]Centre
    |Pupil[ \u00a0]Referral[ \u00a0]Unit)
    (?:[ \u00a0]+(?:School|Academy|College|Nursery|Surgery|Hospital))?(?![\w'’\-])""", re.X)
_INSTITUTION_NAME = re.compile(rf"(?:{_CAP_WORD}[ \u00a0]+(?:(?:of|and|&|upon|on|de|la)[ \u00a0]+)?){{1,6}}\Z")
_GENERIC_INSTITUTION = frozenset("""city general district county community local national special free
    independent private state church catholic methodist anglican c e ce cofe rc infant infants junior juniors
    primary secondary high grammar academy school college nursery university children's childrens women's
    memorial teaching central royal st saint the of and""".split())
_ROYAL = re.compile(r"(?<![\w'’\-])(?:the|The)[ \u00a0]+(Royal[ \u00a0]+[A-Z][\w'’\-]*"
                    r"(?:[ \u00a0]+(?:Hospital|Infirmary|Free|London|Alexandra|Victoria))?)(?![\w'’\-])")
_STREET = (r"Road|Rd|Street|St|Avenue|Ave|Close|Lane|Ln|Drive|Dr|Way|Crescent|Cres|Court|Ct|Gardens|Gdns|Terrace|"
           r"Place|Pl|Grove|Walk|Rise|Row|Square|Sq|Mews|Parade|Hill|View|Green|Park|Vale|Chase|Wharf|Yard|Meadow|"
           r"Meadows|Fields|Gate|Croft|Approach|Boulevard|Broadway|Circus|Crossway|End|Garth|Hollow|Mount|Way")
_STREET_ALONE = (r"Road|Street|Avenue|Close|Lane|Drive|Crescent|Terrace|Grove|Mews|Parade|Gardens|Rise|Row|"
                 r"Square|Boulevard")
_BLOCK = r"House|Court|Tower|Towers|Lodge|Mansions|Buildings?|Heights|Point|Block|Hall|Flats"
_NUMBERED_ADDRESS = re.compile(
    rf"""(?<![\w/£$.,\-])(?:(?:Flat|flat|Apartment|apartment|Apt|Unit|Room|No\.?)[ \u00a0]*\d{{1,4}}[A-Za-z]?,?
         [ \u00a0]+)?
         \d{{1,4}}[A-Za-z]?(?:[ \u00a0]*[-–][ \u00a0]*\d{{1,4}})?,?[ \u00a0]+
         (?:{_CAP_WORD}[ \u00a0]+){{1,3}}(?:{_STREET})\.?(?![\w'’\-])""", re.X)
_FLAT = re.compile(rf"""(?<![\w\-])(?:Flat|flat|Apartment|apartment|Apt|Unit|Room)[ \u00a0]*\d{{1,4}}[A-Za-z]?,?
                        [ \u00a0]+
                        (?:{_CAP_WORD}[ \u00a0]+){{1,3}}(?:{_BLOCK})(?![\w'’\-])""", re.X)
_NAMED_STREET = re.compile(rf"(?<![\w'’\-])(?:{_CAP_WORD}[ \u00a0]+){{1,3}}(?:{_STREET_ALONE})(?![\w'’\-])")
_ESTATE = re.compile(rf"(?<![\w'’\-])(?:(?:the|The)[ \u00a0]+)?((?:{_CAP_WORD}[ \u00a0]+){{1,3}})(Estate|estate)"
                     rf"(?![\w'’\-])")
_WARD = re.compile(rf"(?<![\w'’\-])((?:{_CAP_WORD}[ \u00a0]+){{1,3}})(Ward|ward)(?![\w'’\-])")
_VILLAGE = re.compile(rf"(?<![\w'’\-])((?:{_CAP_WORD}[ \u00a0]+){{1,2}})(village|Village)(?![\w'’\-])")


def _named_part_ok(words: Iterable[str]) -> bool:
    """Whether some word of a name is not a common, service or place word (so the name names something small)."""
    return any(len(w) > 1 and _lower(w) not in _NOT_NAMES and _lower(w).rstrip("s") not in _NOT_NAMES
               and _lower(w) not in {"c", "e", "cofe", "ce", "rc"} for w in words)


# Common words that often open a school's, street's or estate's name, so are kept at its start.
_NAME_OPENERS = frozenset("""st st. saint little new old great big royal north south east west northern southern
    upper lower high black white green central holy all good""".split())
_LEADING_COMMON = re.compile(r"(?:[\w'’]+[ \u00a0]+)")


def _strip_leading(text: str, start: int, end: int) -> int:
    """Move a name's start past leading common words ("Then Larkfield Academy" -> "Larkfield Academy")."""
    while True:
        m = _LEADING_COMMON.match(text, start, end)
        if m is None:
            return start
        word = _lower(m[0].strip())
        if word in _NAME_OPENERS or not (word in COMMON_WORDS or word in _TITLE_WORDS
                                         or word in PROFESSIONAL_WORDS or word in _ABBREVIATED_CALENDAR):
            return start
        start = m.end()


def _institutions(t: _Text) -> Iterator[Hit]:
    text = t.text
    for kind in _INSTITUTION_KIND.finditer(text):
        name = _INSTITUTION_NAME.search(text, max(0, kind.start() - 80), kind.start())
        if name is None:
            continue
        start = _strip_leading(text, name.start(), kind.end())
        words = [_lower(w).rstrip(".") for w in text[start:kind.start()].split()]
        if " ".join(_lower(text[start:kind.end()]).split()) in _PHRASES:
            continue
        if any(w not in _GENERIC_INSTITUTION and w not in _NOT_NAMES and len(w) > 1 for w in words) and not (
                t.in_brackets(start, kind.end()) or _TITLE_BEFORE.search(text, max(0, start - 24), start)):
            yield Hit("institution", start, kind.end(), 0.8, "a named school, nursery, college, surgery or hospital")
    for m in _ROYAL.finditer(text):
        if not t.in_brackets(m.start(1), m.end(1)):
            yield Hit("institution", m.start(1), m.end(1), 0.7, "'the Royal ...': usually a hospital's name")


def _rule_hits(t: _Text) -> Iterator[Hit]:
    text = t.text
    yield from _institutions(t)
    if any(c.isdigit() for c in text):
        for m in _NUMBERED_ADDRESS.finditer(text):
            if not t.in_brackets(m.start(), m.end()):
                yield Hit("address", m.start(), m.end(), 0.85, "a house or flat number and a street")
        for m in _FLAT.finditer(text):
            if not t.in_brackets(m.start(), m.end()):
                yield Hit("address", m.start(), m.end(), 0.85, "a flat number and a named block")
    for m in _NAMED_STREET.finditer(text):
        start = _strip_leading(text, m.start(), m.end())
        words = text[start:m.end()].split()[:-1]
        if words and _named_part_ok(words) and not (t.in_brackets(start, m.end()) or _in_label(text, start, m.end())
                                                    or _TITLE_BEFORE.search(text, max(0, start - 24), start)):
            yield Hit("address", start, m.end(), 0.6, "a named street")
    for pattern, score, what in ((_ESTATE, 0.75, "a named estate"), (_WARD, 0.7, "a named ward"),
                                 (_VILLAGE, 0.7, "a named village")):
        for m in pattern.finditer(text):
            start = _strip_leading(text, m.start(1), m.end(1))
            end = m.end(2) if m[2][0].isupper() else m.start(1) + len(m[1].rstrip())
            words = text[start:m.end(1)].split()
            if start < end and _named_part_ok(words) and not (
                    t.in_brackets(start, end) or any(_lower(w) in _TITLE_WORDS for w in words)
                    or _TITLE_BEFORE.search(text, max(0, start - 24), start)):
                yield Hit("place", start, end, score, what)
