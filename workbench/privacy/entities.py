"""People, institutions, addresses and places nobody listed: a language model's named entities, checked by rules.

The rules in ``privacy.scan`` and ``privacy.names`` find what has a shape (a phone number, a postcode, "Mrs
Okafor", a name on the team's list). A child's name said in passing ("the referral came in about Jordan,
and his gran rang"), a school, a GP surgery, a street or an estate has none, so this module adds:

- ``person``: a capitalised word after a relationship word ("my son Reece", "her gran Pauline", 0.85);
  one the language model reads as a person and that is also a common given name (0.85); one next to a
  placeholder ("[NAME] and Tyler", 0.75); a common given name on its own (0.65 mid-sentence, 0.5 at a
  sentence's start, where any word is capitalised); one the model alone reads as a person (0.6, or 0.5 at
  a sentence's start); any other capitalised word mid-sentence that is not a common word, a service's name,
  a brand or a big place (0.3: a guess, to check). A surname after it joins it ("Kacper Nowak"); a
  possessive is left off ("Jordan's" gives "Jordan"). A word after a title is left to the titled-name rule.
- ``institution``: a named school, nursery, college, GP surgery, medical or health centre, hospital or
  children's home ("St Aidan's C of E Primary", "Larkfield Academy", "Highbury Road Surgery", 0.8);
  "the Royal Victoria" (0.7: usually a hospital); an organisation the model alone found (0.35).
- ``address``: a house or flat number and a street ("14 Cable Street", 0.85), a flat in a named block
  ("Flat 3, Kingsley House", 0.85), a named street without a number ("down Cable Street", 0.6).
- ``place``: a name on the study's list of local places (1.0; 0.9 in brackets, 0.6 in lower case, 0.5 both);
  an estate ("the Meadowbank estate", "Meadowbank estate", 0.75) or ward ("Eastfield ward", 0.7); a village
  ("the village of Ashby", 0.7); a place after a movement or living word ("up in Thornaby", "moved to Ferryhill",
  0.55); a place the model alone found (0.45). Countries, regions and big cities are not findings.

Professional and public names that look like names are never findings: Early Help, Children's Services,
MASH, CAMHS, Ofsted, the NHS, months, weekdays, role labels ("Child A", "Parent 2"), placeholders
("[NAME]"), brands (Tesco, Snapchat), big places (England, London, the North) and "the school" or "the GP".

How: the candidate words are found once per text (``privacy.entity_candidates``); institutions, addresses
and places with a shape are found by rules (``privacy.entity_rules``); the sentences around the candidates
the rules have not settled go to the language model (``privacy.entity_model``, which says which model it is,
what was checked and how it is loaded); this module scores each candidate on what the rules and the model
say about it, and gathers the findings.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from workbench.privacy.entity_candidates import _AMBIGUOUS, _GIVEN, _NOT_NAMES, _lower, _Text
from workbench.privacy.entity_model import (
    MODEL_FILES,
    MODEL_PACKAGE,
    MODEL_VERSION,
    load_model,
    model_dir,
    verify_model,
)
from workbench.privacy.entity_rules import _rule_hits
from workbench.privacy.names import _BRACKETED, Hit, NameList, listed_hits, read_list
from workbench.privacy.words import AMBIGUOUS_GIVEN

__all__ = ["ENTITY_TYPES", "MODEL_FILES", "MODEL_PACKAGE", "MODEL_VERSION", "PlaceList", "find_entities",
           "listed_places", "load_model", "model_dir", "named_again", "person_words", "read_places", "verify_model"]

ENTITY_TYPES = ("person", "institution", "address", "place")
_BATCH = 256
_NER_REACH = 40  # characters either side of a candidate that the model reads (cut at a space, within its sentence)


# ---- the study's own list of local places ------------------------------------------------------------------

class PlaceList(NameList):
    """Local places the team knows occur in its interviews (estates, villages, wards, streets, schools)."""

    def __repr__(self) -> str:
        return f"PlaceList({len(self.names)} places)"


def read_places(path: Path) -> PlaceList:
    """Read a study's place list: UTF-8, one place a line, ``#`` lines and blank lines skipped (as ``read_names``)."""
    return PlaceList(read_list(path, "place"))


def listed_places(text: str, encoded: bytes, places: PlaceList | None, brackets: list[tuple[int, int]]
                  ) -> list[Hit]:
    if not places:
        return []
    return listed_hits(text, places.spans(text, encoded), brackets, "place", "on the study's list of local places")


# ---- what the words around a candidate say about it (read by the scoring) ----------------------------------
_PLACEHOLDER_BEFORE = re.compile(r"[\]>}][ \u00a0]*(?:,|and|&|or|with|\+)[ \u00a0]*\Z", re.I)
_PLACEHOLDER_AFTER = re.compile(r"(?:['’]s)?[ \u00a0]*(?:,|and|&|or|with|\+)[ \u00a0]*[\[<{]", re.I)
_PLACE_CUE_BEFORE = re.compile(
    r"""(?<![\w'])(?:(?:up|down|over|out|round|around|across|back)[ \u00a0]+(?:in|at|to|near|by|from|towards)
      | (?:lives?|lived|living|moved|moving|move|grew[ \u00a0]+up|brought[ \u00a0]+up|stays?|stayed|staying)
        [ \u00a0]+(?:in|at|near|to|over[ \u00a0]+in|out[ \u00a0]+to|over[ \u00a0]+to|down[ \u00a0]+to|up[ \u00a0]+to)
      | (?:village|town|hamlet|parish|area)[ \u00a0]+of)[ \u00a0]+\Z""", re.I | re.X)
_NAME_OR_COUNTRY = frozenset({"jordan"})  # "about Jordan" is a boy, "moved to Jordan" a country
_VILLAGE_OF = re.compile(r"(?<![\w'])(?:village|hamlet|parish)[ \u00a0]+of[ \u00a0]+\Z", re.I)
_PLACE_PREPOSITION = re.compile(r"(?<![\w'])(?:in|to|from|at|near|of)[ \u00a0]+\Z", re.I)


_WORD = re.compile(r"(?<![\w'’ʼ\-])[^\W\d_][\w'’ʼ\-]*")
_POSSESSIVE = re.compile(r"['’ʼ]s$")


def person_words(names: Iterable[str]) -> frozenset[str]:
    """The words of names found as people that can name them again alone ("Rogoff" after "Ken Rogoff").

    Speakers name someone in full once and by one name after: "Harvard economist Ken Rogoff told
    me ... Rogoff also said". Only capitalised words of three letters or more that are not
    common, service or place words, titles, nor names that are also words (Will, Mark), are kept.
    """
    words = set()
    for name in names:
        for word in name.split():
            word = _POSSESSIVE.sub("", word)
            if len(word) >= 3 and word[0].isupper() and _lower(word) not in _NOT_NAMES | AMBIGUOUS_GIVEN:
                words.add(word)
    return frozenset(words)


def named_again(text: str, words: frozenset[str], taken: list[tuple[int, int]]) -> list[Hit]:
    """Each place ``text`` says a word of ``person_words`` that no finding covers yet, as a person (0.6)."""
    if not words:
        return []
    brackets = [m.span() for m in _BRACKETED.finditer(text)] if "[" in text or "<" in text else []
    found = []
    for m in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", m.group())
        end = m.start() + len(word)
        if word in words and not any(a < end and m.start() < b for a, b in taken + brackets):
            found.append(Hit("person", m.start(), end, 0.6,
                             f"'{word}' is part of a name found as a person elsewhere in the scan"))
    return found


def _ner_chunks(t: _Text, settled: list[Hit]) -> list[tuple[int, int]]:
    """The parts of the text the language model reads: a few words either side of each candidate that the rules
    have not settled already (a relationship word before it, or inside a school's, street's or estate's name),
    within its sentence, merged where they touch. The model's window reaches about four words either side."""
    chunks: list[tuple[int, int]] = []
    for run in t.runs:
        if run.cue or any(h.start <= run.start and run.end <= h.end for h in settled):
            continue
        low, high = t.sentence_span(run.start, run.end, _NER_REACH)
        if chunks and low <= chunks[-1][1]:
            chunks[-1] = (chunks[-1][0], max(high, chunks[-1][1]))
        else:
            chunks.append((low, high))
    return chunks


def _person_hits(t: _Text, ents: list[tuple[int, int, str]]) -> Iterator[Hit]:
    text = t.text
    ent_starts = [s for s, _, _ in ents]
    for run in t.runs:
        labels = set()
        i = bisect.bisect_left(ent_starts, run.end)
        while i > 0:
            i -= 1
            s, e, label = ents[i]
            if e <= run.start:
                if run.start - s > 200:
                    break
                continue
            if s < run.end:
                labels.add(label)
        lowers = [_lower(w) for w in run.words]
        given = any(w in _GIVEN for w in lowers)
        ambiguous = not given and lowers[0] in _AMBIGUOUS
        before = text[max(0, run.start - 60):run.start]
        cue = run.cue
        beside = (_PLACEHOLDER_BEFORE.search(before) is not None
                  or _PLACEHOLDER_AFTER.match(text, run.end) is not None)
        mid = not run.at_sentence_start
        start, end = run.start, run.end
        if cue:
            yield Hit("person", start, end, 0.85, "a capitalised word after a relationship word ('my son', "
                                                  "'her gran'): most likely a person's name")
        elif given and "PERSON" in labels:
            yield Hit("person", start, end, 0.85, "a common given name, and the language model reads it as a person")
        elif beside and (given or mid):
            yield Hit("person", start, end, 0.75, "a name next to a placeholder: de-identification may have "
                                                  "missed this one")
        elif given and not (lowers[0] in _NAME_OR_COUNTRY and "PERSON" not in labels
                            and _PLACE_PREPOSITION.search(before)):
            yield Hit("person", start, end, 0.65 if mid else 0.5,
                      "a common given name" + ("" if mid else ", at a sentence's start"))
        elif "PERSON" in labels and (mid or not ambiguous):
            yield Hit("person", start, end, 0.6 if mid else 0.5, "the language model reads it as a person's name")
        elif not mid:
            continue
        elif ambiguous:
            yield Hit("person", start, end, 0.4, "a given name that is also an ordinary word, capitalised "
                                                 "mid-sentence: possibly a name")
        elif _VILLAGE_OF.search(before):
            yield Hit("place", start, end, 0.7, "a named village")
        elif _PLACE_CUE_BEFORE.search(before):
            yield Hit("place", start, end, 0.55, "a capitalised name after a word about living or going "
                                                 "somewhere ('moved to', 'up in'): possibly a small place")
        elif labels & {"GPE", "LOC"}:
            yield Hit("place", start, end, 0.45, "the language model reads it as a place")
        elif labels & {"ORG", "FAC"}:
            yield Hit("institution", start, end, 0.35, "the language model reads it as an organisation or building: "
                                                       "perhaps a local school or service")
        else:
            yield Hit("person", start, end, 0.3, "a capitalised word mid-sentence that is not a common word, a "
                                                 "service or a big place: possibly a name")


def find_entities(texts: Sequence[str], places: PlaceList | None = None, model_path: Path | None = None
                  ) -> list[list[Hit]]:
    """Each text's people, institutions, addresses and places (overlapping: ``privacy.scan`` settles overlaps).

    Only texts with a candidate word (a capitalised word mid-sentence that is not a common or service word, or
    a given name anywhere) go to the language model, and only the sentences around those words, in batches.
    """
    parsed = [_Text(text) for text in texts]
    ruled = [list(_rule_hits(t)) for t in parsed]
    work = [(i, low, high) for i, t in enumerate(parsed) if t.runs
            for low, high in _ner_chunks(t, [h for h in ruled[i] if h.score >= 0.7])]
    ents: list[list[tuple[int, int, str]]] = [[] for _ in parsed]
    if work:
        nlp = load_model(model_path)
        docs = nlp.pipe((parsed[i].text[low:high] for i, low, high in work), batch_size=_BATCH)
        for (i, low, _), doc in zip(work, docs, strict=True):
            ents[i].extend((low + e.start_char, low + e.end_char, e.label_) for e in doc.ents)
    results = []
    for t, hits, found in zip(parsed, ruled, ents, strict=True):
        hits.extend(_person_hits(t, found))
        hits.extend(listed_places(t.text, t.encoded, places, t.brackets))
        results.append(hits)
    return results
