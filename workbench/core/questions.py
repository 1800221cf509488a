"""The turn an answer answers: shown beside each segment, and read with it in discovery.

Pure: segments in, mappings out, one reading of turns for both. A turn cut into parts is
one turn, its parts' words joined. The app shows each segment with the whole turn before
it (``turns_before``); discovery reads a participant's segment with its question, the
nearest interviewer turn before it in the same transcript, no more than QUESTION_REACH
turns back (``questions_before``), so the parts of one long answer and the second and
third voices of a focus group still answer the question put to them, while a turn far
from any question has none.

An interviewer's continuer ("Mm.", "Yeah.", "Right, go on.") does not take the floor: the
participant who goes on after it is still answering the question before it, so a
continuer never becomes the question (``is_continuer``). Read with "Mm." instead, "A paper
log. In 2026." is about nothing; read with "How are referrals recorded?", it is an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TypeVar

from workbench.core.segments import Segment

__all__ = ["QUESTION_REACH", "is_continuer", "questions_before", "turns_before", "whole_turns"]

# Turns back from an answer that its question may be; parts of one turn count as one turn.
QUESTION_REACH = 3

S = TypeVar("S", bound=Segment)

# What a listener says to keep the speaker going, and nothing else (English; transcribers' marks too).
_CONTINUER = re.compile(
    r"(?<!\w)(?:mm+(?:-?hmm+)?|m+hm+|hmm+|uh-?huh|ah+|oh|yeah|yep|yes|ok(?:ay)?|all ?right|right|sure|good|great|"
    r"i see|go on|carry on|and|so|wow|gosh|really|of course|absolutely|exactly|true|"
    r"\[(?:laughs?|laughter|pause|inaudible|crosstalk)\])(?!\w)",
    re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,.;:!?…–—-]+")


def is_continuer(text: str) -> bool:
    """Whether a turn only keeps the other speaker going ("Mm.", "Yeah, yeah.", "Right. Go on.").

    A continuer with a question mark still asks ("Really?" "Mm?"): it is a question.
    """
    if "?" in text:
        return False
    words = [w for w in _SEPARATORS.split(_CONTINUER.sub(" ", text)) if w]
    return not words and bool(text.strip())


def whole_turns(segments: Iterable[S]) -> Iterator[list[S]]:
    """Each transcript's turns in order, a turn being the list of its parts (one transcript after another).

    ``segments`` may come in any order: they are read by transcript, turn and part.
    """
    by_transcript: dict[str, list[S]] = {}
    for segment in segments:
        by_transcript.setdefault(segment.transcript_id, []).append(segment)
    for parts in by_transcript.values():
        parts.sort(key=lambda s: (s.turn, s.part))
        turn: list[S] = []
        for segment in parts:
            if turn and segment.turn != turn[-1].turn:
                yield turn
                turn = []
            turn.append(segment)
        if turn:
            yield turn


def _whole(turn: list[S]) -> S:
    """A turn as one segment: its last part's row with every part's words."""
    return turn[-1] if len(turn) == 1 else replace(turn[-1], text=" ".join(p.text for p in turn))


def turns_before(segments: Iterable[S]) -> dict[str, S]:
    """Each segment's preceding turn in its transcript, whole (the first turn of a transcript has none)."""
    before: dict[str, S] = {}
    previous: tuple[str, S] | None = None  # (transcript, the turn before, whole)
    for turn in whole_turns(segments):
        here = turn[0].transcript_id
        if previous is not None and previous[0] == here:
            before.update((part.id, previous[1]) for part in turn)
        previous = (here, _whole(turn))
    return before


def questions_before(segments: Iterable[Segment]) -> dict[str, str]:
    """Each participant segment's question (the interviewer's words), for those that have one."""
    found: dict[str, str] = {}
    asked: tuple[str, int, str] | None = None  # (transcript, its turn, its words)
    for turn in whole_turns(segments):
        first = turn[0]
        if asked is not None and asked[0] != first.transcript_id:
            asked = None
        if first.is_interviewer:
            said = _whole(turn).text
            if asked is not None and is_continuer(said):  # still the question before, still in reach
                asked = (asked[0], first.turn, asked[2])
            else:
                asked = (first.transcript_id, first.turn, said)
        elif asked is not None and first.turn - asked[1] <= QUESTION_REACH:
            found.update((part.id, asked[2]) for part in turn)
    return found
