"""Discovery runs as they are kept: immutable machine output the researchers' decisions refer to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["AssignmentRecord", "CandidateRecord", "RunRecord", "candidate_id", "linkage_matrix", "parse_candidate_id"]


def candidate_id(run_id: int, number: int) -> str:
    """The stable, human-typable id of a candidate: run and number, e.g. R3-C07."""
    return f"R{run_id}-C{number:02d}"


def parse_candidate_id(text: str, latest_run: int | None) -> tuple[int, int] | None:
    """(run, number) from 'R3-C07', or from 'C07' / '7' meaning the latest run."""
    import re

    match = re.fullmatch(r"(?:R(\d+)-)?C?(\d+)", text.strip(), re.IGNORECASE)
    if not match:
        return None
    run = int(match.group(1)) if match.group(1) else latest_run
    return None if run is None else (run, int(match.group(2)))


@dataclass(frozen=True)
class CandidateRecord:
    number: int
    label: str
    keywords: list[tuple[str, float]]
    representatives: list[str]
    size: int
    participants: int
    sites: int
    stability: float
    centroid: bytes = field(repr=False)
    kind: str = "theme"  # or "small_talk": the run's group of turns with no analytic content
    # Sub-candidates to drill into: each {"label", "keywords", "members", "representatives", "stability"}.
    children: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_small_talk(self) -> bool:
        return self.kind == "small_talk"


@dataclass(frozen=True)
class AssignmentRecord:
    segment_id: str
    candidate: int  # -1: left unassigned, for the researcher's triage
    similarity: float
    nearest: int
    nearest_similarity: float


@dataclass(frozen=True)
class RunRecord:
    id: int | None
    created_at: str
    by: str
    params: dict[str, Any]
    model_name: str
    model_sha256: str
    backend: str
    seed: int
    input_sha256: str
    versions: dict[str, str]
    timings: dict[str, float]
    segments: int
    candidates: int
    coverage: float
    merge_suggestions: list[tuple[int, int, float]]
    hierarchy: list[dict[str, Any]]


def linkage_matrix(hierarchy: list[dict[str, Any]]) -> list[list[float]]:
    """A run's candidate tree as SciPy's linkage rows: two children, their distance, the size.

    The run keeps its tree (average linkage of the candidates' centres, cosine distance) as
    named fields so that it reads in the database; drawing it needs SciPy's row form back.
    """
    return [[float(h["children"][0]), float(h["children"][1]), float(h["distance"]), float(h["size"])]
            for h in hierarchy]
