"""The turn an answer answers: shown beside each segment, and read with it in discovery.

Pure: segments in, mappings out, one reading of turns for both. A turn cut into parts is
one turn, its parts' words joined. The app shows each segment with the whole turn before
it (``turns_before``); discovery reads a participant's segment with its question, the
nearest interviewer turn before it in the same transcript, no more than QUESTION_REACH
turns back (``questions_before``), so the parts of one long answer and the second and
third voices of a focus group still answer the question put to them, while a turn far
from any question has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TypeVar

from workbench.core.segments import Segment

__all__ = ["QUESTION_REACH", "questions_before", "turns_before", "whole_turns"]

# Turns back from an answer that its question may be; parts of one turn count as one turn.
QUESTION_REACH = 3

S = TypeVar("S", bound=Segment)


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
            asked = (first.transcript_id, first.turn, _whole(turn).text)
        elif asked is not None and first.turn - asked[1] <= QUESTION_REACH:
            found.update((part.id, asked[2]) for part in turn)
    return found
