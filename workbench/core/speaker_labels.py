"""Speaker labels as people write them, read off the start of one line.

A transcript marks each turn with a label: ``P03:``, ``Interviewer:``, ``Hon. Jane Okoro
(Riverside, Lab.):``, ``[00:01:32] Dr Patel (GP):``, ``Speaker 1 (00:00:05):``, or a label on a
line of its own above the words (``Jane Smith   0:09``, ``[Jane Smith] 10:01:22``). This module
says whether a line *could* open a turn and splits the label into the speaker, the
description in parentheses (a role or an affiliation, nested parentheses allowed) and the
timestamp. Whether it *does* open a turn is the transcript's layout's call
(``transcripts.parse_transcript``): the same words may be a label in one file and speech
in another.

Labels are judged by their shape, not by a list of names, so a participant who speaks
once is found as surely as one who speaks a hundred times. Shapes that look like a label
but are speech or document furniture (``Mum said:``, ``So basically:``, ``Date:``) are
graded so the layout can tell them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["TIMESTAMP", "Label", "Written", "as_written", "is_strong_label", "read_label", "split_timestamp_prefix"]

TIMESTAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS_RANGE = rf"{TIMESTAMP}(?:\s*(?:-->|[-–—])\s*{TIMESTAMP})?"
# A timestamp (or a range) opening a line: "[00:01:32] ", "(0:09) ", "00:01:32 - ", "0:00:05.0 - 0:00:10.4 ".
_LEAD = re.compile(rf"^\s*(?:\[(?P<b>{_TS_RANGE})\]|\((?P<p>{_TS_RANGE})\)|(?P<n>{_TS_RANGE})(?=\s))\s*(?:[-–—|]\s*)?")
# A timestamp closing a label: "Name (00:01:23)", "Name [0:09]", "Name   0:09", "Name - 00:01:23".
_TRAIL = re.compile(rf"(?:\s*[\[(](?P<b>{TIMESTAMP})[\])]|(?:\s+[-–—|]?\s*|\s*[-–—|]\s*)(?P<n>{TIMESTAMP}))\s*$")
_ONLY_TS = re.compile(rf"^\s*{_TS_RANGE}\s*$")

# Words that open sentences, not names: a label never starts with one.
_NOT_FIRST = frozenset("""
i i'm i've we we're you he she they it it's its this that these those there here then so and but or nor if
when whenever while because as since though although yes yeah yep no nope well also my our your his her their
what why how who whom where which whatever one some all any just like okay ok right um uh er erm hmm oh ah
sure maybe perhaps actually basically obviously anyway anyhow again still now today yesterday tomorrow
mum's dad's let's don't didn't can't won't not never always sometimes usually even only plus
""".split())
# Field names of a transcript's header and of minutes: "Date: 3 May" is not a speaker.
_FURNITURE = frozenset("""
note notes nb n.b. ps p.s. date time location venue place duration length present attendees attendance apologies
absent subject title re page source tags tag summary agenda item minutes keywords example examples transcript
transcription recording recorded file filename audio video setting site study project interview meeting
session topic topics action actions outcome outcomes decision decisions resolved agreed
key legend format version language tel telephone phone email fax web website url http https www ref reference
total comments comment chapter section part appendix figure table
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december morning afternoon evening lunch
""".split())
_TITLES = frozenset("""
mr mrs ms miss mx dr prof professor hon rt sir dame lord lady baroness baron cllr councillor coun clr
dc pc ds di dci dsi sgt sergeant insp inspector det rev revd fr father sister br brother judge justice
mp msp am ms. st capt col maj gen lt cpl
""".split())
_SPEECH = frozenset("""
said says say saying asked asks ask told tells tell replied replies reply goes went go thought thinks think wrote
writes shouted yelled explained explains added adds was is were are be been did does do had has have will would
could should can may might must said, put puts
""".split())
# Transcribers' annotations, which open lines in brackets or alone: never speakers.
_ANNOTATIONS = frozenset("""
laughter laughs laughing inaudible crosstalk cross-talk pause pauses silence overlapping overlap unclear
indistinct music applause break end start redacted name location school address noise interruption interrupted
coughs cough sighs sigh background phone
""".split())
_PARTICLES = frozenset("de da das do dos di del della van von der den ter ten bin binti bint ibn al el la le du y ap"
                       .split())
_STRONG = re.compile(
    r"^(?:interviewer|int|iv|i|q|a|r|resp|researcher|facilitator|co-facilitator|moderator|evaluator|respondent|"
    r"interviewee|participant|parent|carer|young person|child|practitioner|speaker|manager|mother|father|mum|dad|"
    r"grandparent|host|chair|chairperson|note-taker|observer|unknown speaker|unidentified speaker|"
    r"unidentified|male|female|man|woman|audience|audience member)(?:\s*\d+)?$"
    r"|^[A-Z]{1,4}\d{1,4}[a-z]?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"^(?:[^\W_][\w'’.\-&/]*|\d+[a-z]?)$")
_ID = re.compile(r"^(?:[A-Z]{1,4}[-_]?\d{1,4}[a-z]?|\d{1,4})$")

Grade = Literal["name", "role", "weak"]


class Written:
    """A speaker and their label's description, shown as the transcript writes them (``P03 (Social Worker)``)."""

    speaker: str
    description: str | None

    @property
    def written(self) -> str:
        return as_written(self.speaker, self.description)


@dataclass(frozen=True)
class Label(Written):
    """What the start of one line says about a speaker.

    ``text`` is what follows the label on the line ("" for a label alone on its line);
    ``colon`` says whether the label was closed by a colon (``P03: ...``) rather than
    standing alone; ``grade`` is how name-like it is: ``name`` (capitalised words, titles,
    ids), ``role`` (lower-case words that end in a number: ``Young person 1``) or ``weak``
    (lower-case words: ``Social worker`` or ``Mum said``; a label only where the file
    proves it).
    """

    speaker: str
    description: str | None
    timestamp: str | None
    text: str
    colon: bool
    grade: Grade


def as_written(speaker: str, description: str | None) -> str:
    """A speaker with their label's description, as transcripts write it: ``P03 (Social Worker)``."""
    return f"{speaker} ({description})" if description else speaker


def is_strong_label(speaker: str) -> bool:
    """Labels that are speaker labels wherever they stand: Interviewer, P03, Respondent 2, IV, R..."""
    return bool(_STRONG.match(speaker.strip()))


def split_timestamp_prefix(line: str) -> tuple[str | None, str]:
    """Split a leading timestamp ("[00:01:32] ", "0:00:05.0 - 0:00:10.4 ") off a line."""
    match = _LEAD.match(line)
    if not match:
        return None, line
    stamp = match["b"] or match["p"] or match["n"]
    first = re.split(r"\s*(?:-->|[-–—])\s*", stamp)[0]
    return first, line[match.end():]


def _close_paren(text: str, start: int) -> int:
    """Index just past the parenthesis opened at ``start`` (balanced), or -1."""
    depth = 0
    for index in range(start, min(len(text), start + 120)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    return -1


def _label_end(text: str) -> int:
    """Where a ``Label:`` ends (the colon's index), skipping parentheses and clock times; -1 if none."""
    index = 0
    limit = min(len(text), 160)
    while index < limit:
        char = text[index]
        if char == "(":
            after = _close_paren(text, index)
            if after < 0:
                return -1
            index = after
            continue
        if char == "[" and index > 0:
            close = text.find("]", index)
            if close < 0:
                return -1
            index = close + 1
            continue
        if char in ":：":  # the full-width colon closes labels in Chinese and Japanese transcripts
            if index + 1 < len(text) and text[index + 1].isdigit() and index > 0 and text[index - 1].isdigit():
                index += 1  # a clock time inside the label ("Name 00:01:23:")
                continue
            return index
        if char in "\"“”?!;":
            return -1
        index += 1
    return -1


def _grade(speaker: str) -> Grade | None:
    """How name-like a speaker label is, or None when it cannot be one."""
    if not speaker or len(speaker) > 48 or speaker[0] in "-–—'’." or speaker.endswith((",", "-", "...", "…")):
        return None
    words = speaker.split()
    if not 1 <= len(words) <= 6 or any(not _WORD.match(w) for w in words):
        return None
    first = words[0].casefold().rstrip(".")
    if first in _NOT_FIRST or first in _FURNITURE or first.strip("[]") in _ANNOTATIONS:
        return None
    if speaker.endswith(".") and len(words[-1]) > 4 and words[-1].rstrip(".").casefold() not in _TITLES:
        return None  # a sentence's end, not an initial ("J.") or a title ("Hon.")
    if any(w.casefold() in _SPEECH for w in words[1:]):
        return None  # "Mum said", "The problem is"
    lower = [w for w in words if w[0].islower() and w.casefold().rstrip(".") not in _PARTICLES | _TITLES]
    if not lower:
        if first == "the" and (len(words) == 1 or not words[1][0].isupper()):
            return None
        return "name"
    if _ID.match(words[-1]) and not words[0][0].islower():
        return "role"  # "Young person 1", "Social worker 2"
    return "weak"


def read_label(line: str) -> Label | None:
    """The speaker label opening ``line``, if its shape is a label's; None otherwise.

    Recognised: an optional leading timestamp or range, then ``[Name]`` or a name of one to
    six words (titles, initials, ids, hyphens, apostrophes and non-ASCII letters allowed),
    an optional description in balanced parentheses, an optional timestamp, then either a
    colon and the words, or the end of the line (a label alone above its words).
    """
    if "\t" in line.strip():
        tabbed = _tabbed([f.strip() for f in line.strip().split("\t") if f.strip()])
        if tabbed is not None:
            return tabbed
    stamp, rest = split_timestamp_prefix(line)
    rest = rest.strip()
    if not rest or _ONLY_TS.match(rest):
        return None
    text = ""
    colon = False
    if rest.startswith("["):
        close = rest.find("]")
        if close <= 1:
            return None
        head, after = rest[1:close].strip(), rest[close + 1:]
        if _ONLY_TS.match(head):
            return None
        trail = _TRAIL.match(after) if after.strip() else None
        if trail and trail.start() == 0:
            stamp = stamp or trail["b"] or trail["n"]
        elif after.strip().startswith((":", "：")):
            text, colon = after.strip()[1:].strip(), True
        else:
            return None  # "[laughter] words", "[Name] said": an annotation or a placeholder, not a label
    else:
        end = _label_end(rest)
        if end >= 0:
            head, text, colon = rest[:end].strip(), rest[end + 1:].strip(), True
        elif len(rest) > 120:
            return None  # a label alone on its line is short; a long line is speech
        else:
            head = rest
    trail = _TRAIL.search(head)
    if trail and trail.start() > 0:
        stamp = stamp or trail["b"] or trail["n"]
        head = head[:trail.start()].rstrip()
    description = None
    if "," in _outside_parentheses(head):
        # Broadcast and hearing transcripts: "MAX FOSTER, CNN CORRESPONDENT:". A comma in a
        # label is a role after the name only where the label is in capitals, as they write
        # it; elsewhere a comma before a colon is a sentence's ("Well, basically: ...").
        name, _, role = head.partition(",")
        if "(" in name or not head.replace(",", "").replace(".", "").strip().isupper() or not colon:
            return None
        head, description = name.strip(), role.strip()
    if head.endswith(")"):
        opening = _matching_open(head)
        if opening <= 0:
            return None
        inner = head[opening + 1:-1].strip()
        head = head[:opening].rstrip()
        if _ONLY_TS.match(inner):
            stamp = stamp or inner
        elif inner:
            description = inner
        if head.endswith(")"):  # "Name (Role) (00:01:23)"
            opening = _matching_open(head)
            if opening <= 0:
                return None
            description, head = head[opening + 1:-1].strip() or description, head[:opening].rstrip()
    head = head.strip().rstrip("-–—|").strip()
    if "(" in head or ")" in head or ":" in head or "：" in head or "\t" in head:
        return None
    grade: Grade | None = "name" if is_strong_label(head) else _grade(head)
    if grade is None:
        return None
    if not colon and (head in ("I", "A", "a") or (len(head) == 1 and not stamp) or grade == "weak"
                      or (not stamp and grade != "name")):
        return None  # "I 10:30" is speech; "I" and "A" are labels only with a colon
    return Label(speaker=head, description=description, timestamp=stamp, text=text, colon=colon, grade=grade)


def _tabbed(fields: list[str]) -> Label | None:
    """A tab-separated row: time, speaker and words in any order (NVivo's transcript rows).

    NVivo imports and exports transcripts as tab-separated ``timespan, content, speaker``
    rows, columns in any order; spreadsheets pasted into text look the same.
    """
    stamps = [f for f in fields if _ONLY_TS.match(f)]
    rest = [f for f in fields if not _ONLY_TS.match(f)]
    if len(rest) != 2 or len(stamps) > 1:
        return None
    for who, words in (rest, rest[::-1]):
        label = read_label(who + ":")
        if label is not None and not label.text and label.grade != "weak":
            stamp = split_timestamp_prefix(stamps[0] + " x")[0] if stamps else None
            return Label(label.speaker, label.description, stamp, words, True, label.grade)
        if not stamps:
            return None  # without a time, only "speaker<TAB>words" reads as a row
    return None


def _outside_parentheses(text: str) -> str:
    """``text`` with its parenthesised parts (nested ones too) taken out."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\([^()]*\)", "", text)
    return text


def _matching_open(text: str) -> int:
    """Index of the ``(`` matching the ``)`` that ends ``text``, or -1."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return index
    return -1
