"""Which interviewer turn each answer answers: the question read with it in discovery.

Pure: segments in, a mapping out. The question of a participant's segment is the nearest
interviewer segment before it in the same transcript, no more than three turns back, so the
parts of one long answer and the second and third voices of a focus group still answer the
question put to them, while a turn far from any question has none.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.core.segments import Segment

__all__ = ["QUESTION_REACH", "questions_before"]

# Turns back from an answer that its question may be; parts of one turn count as one turn.
QUESTION_REACH = 3


def questions_before(segments: Iterable[Segment]) -> dict[str, str]:
    """Each participant segment's question (the interviewer's text), for those that have one.

    ``segments`` may come in any order and from many transcripts; they are read by
    transcript, turn and part.
    """
    by_transcript: dict[str, list[Segment]] = {}
    for segment in segments:
        by_transcript.setdefault(segment.transcript_id, []).append(segment)
    found: dict[str, str] = {}
    for turns in by_transcript.values():
        turns.sort(key=lambda s: (s.turn, s.part))
        asked: tuple[int, list[str]] | None = None  # (its turn, the texts of its parts)
        for segment in turns:
            if segment.is_interviewer:
                if asked is not None and asked[0] == segment.turn:
                    asked[1].append(segment.text)
                else:
                    asked = (segment.turn, [segment.text])
            elif asked is not None and segment.turn - asked[0] <= QUESTION_REACH:
                found[segment.id] = " ".join(asked[1])
    return found
