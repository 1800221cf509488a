"""Answers read with their questions: each answer's vector leans towards the question it answers.

An interview answer takes its meaning from the question: "Yes, definitely, every time." is
about whatever was asked, and "About four months." is about waiting only because of the
question before it. Work on dialogue represents a turn with the turns before it, either by
embedding the turn's text with its context's text or by combining the two turns' vectors.
The workbench combines vectors: the segment's own vector plus ``weight`` times its
question's, made unit length again. Every text is still embedded on its own, so the
embedding cache serves both, a long answer is not cut short to make room for its question
in the model's window, and the weight is a setting of the run that can be changed without
embedding anything again (benchmarks/bench_themes.py compares weights, and joining the
texts, on every labelled set).

Joining the texts is the other way, an option of the run (``DiscoveryParams.question_reading``
"joined"): the answer and its question are embedded as one text (``joined_text``), the
answer first, so that where the model's window is too short for both, what is cut is the
end of the question, not the answer. Measured by discovery itself, it reads fragmentary
talk better (real counselling sessions whose clients answer in half-sentences), and
self-contained answers less well (benchmarks/RESULTS.md, "Themes, not topics"); adding
vectors stays the default because it is at or above answers alone on every set.

Only what discovery clusters on changes: the segment's text, offsets and quotes are the
segment's own, and small talk is recognised from the turn's own vector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["joined_text", "read_with_questions", "unit_rows"]


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (zero rows stay zero)."""
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


def read_with_questions(answers: np.ndarray, questions: np.ndarray, weight: float) -> np.ndarray:
    """Unit vectors of the answers read with their questions (rows of zeros: no question).

    ``answers`` and ``questions`` are row-aligned; a zero question row leaves its answer as
    it is, and a weight of 0 leaves every answer as it is.
    """
    answers = unit_rows(answers)
    if weight == 0 or questions is None or not len(questions):
        return answers
    return unit_rows(answers + weight * unit_rows(questions))


def joined_text(answer: str, question: str) -> str:
    """What is embedded for an answer read with its question by joining their words: the answer, then the question."""
    return f"{answer}\n\n{question}"
