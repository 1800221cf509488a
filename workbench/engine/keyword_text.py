"""Talk as keywords count it: fillers, contractions, hyphenated compounds and real two-word phrases.

The part of naming candidates that needs no candidates: which words of a transcript can
name a theme at all. Conversation is full of words that carry no topic ("yeah", "you
know", "I mean"), of contractions written with or without their apostrophe, and of
stutters; c-TF-IDF would rank them high. ``naming`` counts what ``term_analyzer`` finds in the
texts ``keyword_texts`` has cleaned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = ["AUXILIARIES", "CONTRACTIONS", "FILLERS", "FILLER_PHRASES", "keyword_stop", "keyword_texts", "term_analyzer",
           "tokens", "vectorizer_docs"]

# Conversational fillers and transcript furniture that c-TF-IDF would otherwise rank high:
# words that carry no topic in talk. Words that are fillers only in some phrases ("kind
# of", "I mean", "of course") are not here: "kind staff", "a good start" and "the right
# support" are what a theme can be about, so those phrases are removed instead.
FILLERS = frozenset("""
yeah yes yep yup no nope um umm uh uhm er erm ah eh oh ooh mm mmm mhm hmm huh okay ok alright
like just really actually basically literally honestly obviously probably maybe quite pretty know
think thought thing things stuff lot lots bit got gonna wanna gotta get gets getting kinda sorta
go goes going went said say says saying tell told well sure fine guess suppose cos coz cuz
dunno want wanted laughs laughter inaudible crosstalk pause interviewer facilitator
don didn doesn isn wasn weren aren couldn wouldn shouldn haven hasn hadn won ve ll re im ive youre
""".split())
# Filler phrases, removed whole before counting words (see FILLERS).
FILLER_PHRASES = re.compile(
    r"\b(?:you know|you see|i mean|kind of|sort of|of course|i think|i guess|i suppose|to be honest"
    r"|if that makes sense|at the end of the day|or something|and stuff|and things like that|pretty much"
    r"|all right|right now|that['\u2019]?s right)\b|\bright\s*[?,]",
    re.IGNORECASE)
_BRACKETED = re.compile(r"\[[^\]]{0,60}\]")
_COMPOUND = re.compile(r"\b[a-zA-Z]+(?:-[a-zA-Z]+)+\b")
# Contractions written without their apostrophe, as transcripts often have them: stop words
# like the words they stand for. Forms that are also words ("ill", "well", "were", "shed",
# "hell", "shell", "wed") are not here; written with an apostrophe, ``tokens`` drops them.
CONTRACTIONS = frozenset("""
thats dont doesnt didnt isnt wasnt werent arent cant couldnt wouldnt shouldnt wont aint havent hasnt hadnt
mustnt neednt im ive id youre youve youd youll hes shes theyre theyve theyd theyll weve itll itd
theres heres whats whos wheres hows whens whys lets thatll wouldve couldve shouldve mightve yall yknow
""".split())
# Auxiliaries scikit-learn's English stop words lack ("do", "has", "being" are there): a
# sub-group of sign-offs was named "sorry / read / did / ask".
AUXILIARIES = frozenset("does did doing having shall".split())
# A word for keywords: letters, and hyphenated compounds kept whole ("multi-agency",
# "well-being", "follow-up"), which split apart would lose their sense or their first half;
# with what follows an apostrophe, so that ``tokens`` can tell contractions from possessives.
_TOKEN = re.compile(r"\b[a-z]+(?:-[a-z]+)*(?:'[a-z]+)?\b")
# Curly and other apostrophes, read as the straight one.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u00b4\uff07`", "'"))
# What follows the apostrophe of a contraction of a pronoun or an auxiliary: the word goes whole.
_CLITICS = frozenset({"t", "m", "re", "ve", "ll", "d"})
# Words whose "'s" is "is" or "us", never a possessive: "that's", "it's", "let's".
_WITH_IS = frozenset("that it he she there here what who where how when why let".split())


def vectorizer_docs(texts: Sequence[str], stop: frozenset[str] = FILLERS) -> list[str]:
    """Text for keywords: pseudonyms and annotations in [brackets], and filler phrases, are not topic words.

    A hyphenated word is kept whole (WORD_PATTERN) unless every part of it is in ``stop``:
    "mm-hmm", "uh-huh" and stutters such as "we-we" are taken apart, so the stop list
    removes their parts as it would have removed them written apart.
    """
    def unless_empty(match: re.Match[str]) -> str:
        word = match.group(0)
        return word.replace("-", " ") if all(part.lower() in stop for part in word.split("-")) else word

    return [_COMPOUND.sub(unless_empty, FILLER_PHRASES.sub(" ", _BRACKETED.sub(" ", t))) for t in texts]


def keyword_stop() -> frozenset[str]:
    """Words never counted as keywords: scikit-learn's English stop words, conversational fillers,
    contractions written without their apostrophe and the auxiliaries scikit-learn lacks."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | FILLERS | CONTRACTIONS | AUXILIARIES)


def tokens(text: str) -> list[str | None]:
    """The words of a text as keywords count them: lower case, compounds whole, contractions resolved.

    People's talk is full of contractions, and transcripts write them with ' or ’. Their
    apostrophe used to be stripped before counting (BERTopic's English clean-up did it), so
    "that's" became the keyword "thats" and "don't" "dont", and sub-groups were named
    "thats / dont". Here a contraction of a pronoun or an auxiliary ("don't", "I’m",
    "they're", "we've", "it'll", "I'd") goes whole; "'s" goes whole after the words it
    contracts ("that's", "it’s", "let's") and otherwise is a possessive, counted as its word
    ("the school's office" counts "school"). Anything else with an apostrophe ("o'clock")
    is kept as written. One-letter words are not keywords. A word that goes leaves None in
    its place, so that no phrase joins the words on either side of it.
    """
    found: list[str | None] = []
    for match in _TOKEN.finditer(text.translate(_APOSTROPHES).lower()):
        word = match.group(0)
        stem, _, after = word.partition("'")
        if after in _CLITICS or (after == "s" and stem in _WITH_IS) or stem + after in CONTRACTIONS:
            found.append(None)
            continue
        if after == "s":
            word = stem
        found.append(word if len(word) > 1 else None)
    return found


# Where a phrase cannot run on: punctuation between clauses, brackets, quotes, dashes.
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"\u201c\u201d\u2026\u2013\u2014/]+|\s-+\s")


def term_analyzer(stop: frozenset[str]) -> Callable[[str], list[str]]:
    """What c-TF-IDF counts in a text: its words, and the two-word phrases said as such.

    A phrase is two words side by side in one clause, neither a stop word: "waiting list",
    "police desk", "good luck". scikit-learn's n-grams are made after stop words are taken
    out, so "crying, my mum" gave the phrase "crying mum" and "live with my mum" "live mum",
    and those named proposed parts.
    """
    from itertools import pairwise

    def terms(text: str) -> list[str]:
        found: list[str] = []
        for clause in _CLAUSE.split(text):
            words = [w if w is not None and w not in stop else None for w in tokens(clause)]
            found.extend(w for w in words if w is not None)
            found.extend(f"{a} {b}" for a, b in pairwise(words) if a is not None and b is not None)
        return found

    return terms


def keyword_texts(texts: Sequence[str]) -> list[str]:
    """The texts as keywords count them: the part of naming that needs no candidates.

    Cleaning 20,000 texts takes about two seconds; ``discover`` starts this on the core the
    layouts leave idle at their end (see ``discover._Ahead``), when there is one.
    """
    return vectorizer_docs(texts, keyword_stop())
