"""Agreement: in a validation session, did the reviewers' verdicts on the themes agree beyond chance?

Cohen's kappa for every pair of reviewers, Krippendorff's alpha for the whole group (any
number of reviewers, items some reviewers skipped), the plain share of agreeing pairs
beside them, and the items they disagree on, for adjudication.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from workbench.errors import WorkbenchError

__all__ = ["Agreement", "ItemVotes", "PairAgreement", "agreement", "cohen_kappa", "kappa_strength", "sessions"]


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa for two raters' labels on the same items; None where it is undefined.

    Undefined when chance agreement is already complete (both raters gave one and the same
    label throughout): agreement beyond chance has no room to show. Written out rather
    than taken from scikit-learn, whose import costs seconds in a page; a test checks it
    against scikit-learn's.
    """
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    left, right = Counter(first), Counter(second)
    expected = sum(left[label] * right[label] for label in left) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def kappa_strength(value: float | None) -> str:
    """Landis & Koch's (1977) words for a kappa, the scale researchers report against."""
    if value is None:
        return "not defined"
    if value < 0:
        return "poor"
    for limit, words in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
                         (0.80, "substantial")):
        if value <= limit:
            return words
    return "almost perfect"


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    items: int  # rated by both
    agreed: int
    kappa: float | None

    @property
    def percent(self) -> float | None:
        return self.agreed / self.items if self.items else None


@dataclass(frozen=True)
class ItemVotes:
    item: str
    votes: dict[str, str]  # reviewer -> verdict
    adjudicated: str | None = None
    retired: bool = False  # the theme was merged or split away since: it can no longer be adjudicated

    @property
    def compared(self) -> bool:
        """Whether two or more reviewers voted on it: only then can they agree or disagree."""
        return len(self.votes) >= 2

    @property
    def agreed(self) -> bool:
        return self.compared and len(set(self.votes.values())) == 1

    @property
    def state(self) -> str:
        if not self.compared:
            return "one vote"
        return "agreed" if self.agreed else "disagreed"

    @property
    def tally(self) -> dict[str, int]:
        return dict(sorted(Counter(self.votes.values()).items()))


@dataclass(frozen=True)
class Agreement:
    session: str
    reviewers: list[str]
    items: list[ItemVotes]
    pairs: list[PairAgreement]
    alpha: float | None  # Krippendorff's alpha, nominal, over every item at least two reviewers rated
    alpha_note: str = ""

    @property
    def compared(self) -> int:
        """Items two or more reviewers voted on."""
        return sum(i.compared for i in self.items)

    @property
    def disagreements(self) -> list[ItemVotes]:
        return [i for i in self.items if i.compared and not i.agreed]

    @property
    def to_discuss(self) -> list[ItemVotes]:
        """Disagreements not yet adjudicated, on items that still exist."""
        return [i for i in self.disagreements if i.adjudicated is None and not i.retired]

    @property
    def percent(self) -> float | None:
        """The share of agreeing pairs of votes over all items (pairwise percent agreement)."""
        pairs = agreed = 0
        for item in self.items:
            verdicts = list(item.votes.values())
            for a, b in combinations(verdicts, 2):
                pairs += 1
                agreed += a == b
        return agreed / pairs if pairs else None


def sessions(votes: Mapping[tuple[str, str, str], str]) -> list[tuple[str, int, int]]:
    """Each validation session with its number of reviewers and of items voted on."""
    reviewers: dict[str, set[str]] = defaultdict(set)
    items: dict[str, set[str]] = defaultdict(set)
    for session, item, reviewer in votes:
        reviewers[session].add(reviewer)
        items[session].add(item)
    return [(s, len(reviewers[s]), len(items[s])) for s in sorted(reviewers)]


def agreement(session: str, votes: Mapping[tuple[str, str, str], str],
              adjudications: Mapping[tuple[str, str], str] | None = None, retired: Iterable[str] = ()) -> Agreement:
    """Agreement among a session's reviewers, from ``votes`` keyed (session, item, reviewer).

    Each reviewer's latest vote on an item counts (the codebook keeps only that one).
    ``retired`` names items (themes merged or split away since) that can no longer be
    adjudicated; their votes still count towards agreement, as they were cast.
    """
    mine = {(item, who): verdict for (s, item, who), verdict in votes.items() if s == session}
    if not mine:
        known = sorted({s for s, _, _ in votes})
        raise WorkbenchError(f"no votes in session {session!r}"
                             + (f"; sessions with votes: {', '.join(known)}" if known else
                                "; record votes with 'workbench decide vote' or on the Validation page"))
    reviewers = sorted({who for _, who in mine})
    by_item: dict[str, dict[str, str]] = defaultdict(dict)
    for (item, who), verdict in mine.items():
        by_item[item][who] = verdict
    judged = adjudications or {}
    gone = set(retired)
    items = [ItemVotes(item, dict(sorted(v.items())), judged.get((session, item)), item in gone)
             for item, v in sorted(by_item.items())]
    pairs = []
    for a, b in combinations(reviewers, 2):
        shared = [i for i in items if a in i.votes and b in i.votes]
        left = [i.votes[a] for i in shared]
        right = [i.votes[b] for i in shared]
        pairs.append(PairAgreement(a, b, len(shared), sum(x == y for x, y in zip(left, right, strict=True)),
                                   cohen_kappa(left, right)))
    alpha, note = _alpha(items, reviewers)
    return Agreement(session, reviewers, items, pairs, alpha, note)


def _alpha(items: Sequence[ItemVotes], reviewers: Sequence[str]) -> tuple[float | None, str]:
    """Krippendorff's alpha (nominal) over the items at least two reviewers rated."""
    pairable = [i for i in items if len(i.votes) >= 2]
    if len(reviewers) < 2 or not pairable:
        return None, "needs at least two reviewers voting on the same item"
    verdicts = sorted({v for i in pairable for v in i.votes.values()})
    if len(verdicts) < 2:
        return None, f"every vote was {verdicts[0]!r}: no variation, so agreement beyond chance is not defined"
    import krippendorff
    import numpy as np

    code = {v: n for n, v in enumerate(verdicts)}
    data = np.full((len(reviewers), len(pairable)), np.nan)
    for col, item in enumerate(pairable):
        for row, who in enumerate(reviewers):
            if who in item.votes:
                data[row, col] = code[item.votes[who]]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")), ""
