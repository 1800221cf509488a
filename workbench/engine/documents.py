"""What discovery reads: one document per segment, its text and who said it where.

Its own module, so the stages (naming, split proposals) and the pipeline can all name it
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Doc"]


@dataclass(frozen=True)
class Doc:
    id: str
    text: str
    participant: str | None = None
    site: str | None = None
    # The interviewer's turn this one answers (the one before it in the same transcript), or
    # None: read with the answer where discovery is asked to (``context``), never quoted.
    question: str | None = None
