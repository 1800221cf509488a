"""What a discovery run is asked to do: its parameters, the sizes that follow from them, one layout's settings.

Kept apart from the pipeline (``discover``) so that what only reads or checks parameters
(the command line, the study, the layout workers) need not import the stages.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.progress import Progress
from workbench.errors import WorkbenchError

if TYPE_CHECKING:  # clusterers are imported where one is made or read: commands that never cluster skip them
    from workbench.engine.clustering import Clusterer

__all__ = ["LAYOUT_BUDGET", "QUESTION_READINGS", "QUESTION_WEIGHT", "DiscoveryParams", "LayoutSettings", "Progress",
           "auto_min_size", "auto_runs", "auto_sub_size", "clusterable"]

# Told each stage of a long computation: (step, of how many, what is being done).


def auto_min_size(n: int) -> int:
    """Smallest candidate size for ``n`` segments: grows with the square root of the corpus.

    A fixed minimum (BERTopic's 10) yields hundreds of candidates on a large study; half
    the square root gives tens (about 16 at 1,000 segments, 50 at 10,000, 158 at 100,000).
    """
    return max(5, round(math.sqrt(max(n, 1)) / 2))


# How much of its question an answer is read with, by default: chosen by benchmarks/bench_themes.py.
QUESTION_WEIGHT = 1.0
# The ways an answer can be read with its question (``context``); the first is the default.
QUESTION_READINGS = ("added", "joined")


def auto_sub_size(min_size: int) -> int:
    """Smallest sub-candidate inside a candidate: half the candidate minimum, at least 5."""
    return max(5, min_size // 2)


# Segment-layouts one run may spend on its vote: see auto_runs.
LAYOUT_BUDGET = 300_000


def auto_runs(n: int) -> int:
    """How many seeded layouts vote for ``n`` segments: 31 up to about 10,000, then a fixed budget, at least 5.

    Always an odd number. Where neighbouring themes are weakly separated, some layouts lump
    them into one cluster and others split them in two; with an even count the two choices
    can tie, and a tie left none of the three themes with a majority, so a whole region of
    the corpus lost its candidates. On StackOverflow titles, ten layouts with seed 7 gave
    an ARI of 0.835 to seed 42's run and eleven 0.973 (benchmarks/bench_seed_consensus.py);
    a session diagnosis, not scripted, found the ten tied five to five over the Scala and
    Haskell questions.

    A layout's cost grows in proportion to the number of segments, so the count is a fixed
    budget of LAYOUT_BUDGET segment-layouts, capped at 31 and floored at 5: from 10,000
    segments up, the layouts take about the same time whatever the size (on two cores, a
    whole run with embeddings given took 158 s with 29 layouts on 10,334 NHS answers, and
    15 layouts took 134 s on 20,000 interview segments). The cap is where small studies
    settle: one layout alone agrees with another seed's at an ARI of 0.62-0.71 on the
    1,024-segment sample corpus, 31 layouts at 0.935-0.958. The budget is set by the layout
    scan (benchmarks/bench_layout_scan.py): on 10,334 NHS answers two seeds' worst pair
    stays at 0.84-0.91 up to 25 layouts and reaches 0.93-0.94 from 27, while on 20,000
    StackOverflow titles 5 layouts already give 0.957 or more. So: 31 up to 10,000
    segments (29 for those NHS answers), 21 at 15,000, 15 at 20,000, 7 at 50,000 and 5
    from just over 50,000, where a layout costs a minute or more and its clusters hold
    thousands of segments each.
    """
    share = LAYOUT_BUDGET / max(n, 1)
    return max(5, min(31, 2 * math.floor(share / 2) + 1))


def clusterable(n: int, min_size: int) -> bool:
    """Whether ``n`` segments leave room for two candidates of ``min_size`` (and at least six in all)."""
    return n >= max(2 * min_size, 6)


@dataclass(frozen=True)
class DiscoveryParams:
    seed: int = 42
    min_size: int | None = None  # None: auto_min_size(number of segments)
    include_interviewer: bool = False
    min_similarity: float = 0.25  # under this, and far out among its candidate's members: unassigned
    n_neighbors: int = 15
    n_components: int = 5
    runs: int | None = None  # seeded UMAP layouts that vote (at least 2; odd avoids ties); None: auto_runs(n)
    same_theme: float = 0.1  # cosine distance under which two runs' clusters are one theme
    min_samples: int | None = None  # HDBSCAN's smoothing; None: the square root of the minimum size
    # How much of the interviewer's question each answer is read with (``context``); 0 reads answers alone.
    question_weight: float = QUESTION_WEIGHT
    # How: "added" (the question's vector added to the answer's, at question_weight) or "joined"
    # (the question's words and the answer's embedded as one text; ``context``).
    question_reading: str = "added"
    small_talk: str = "english"  # how small talk is recognised: "english" (rules and model) or "off"
    small_talk_phrases: tuple[str, ...] = ()  # a study's own examples of small talk, in any language

    def __post_init__(self) -> None:
        if self.runs is not None and self.runs < 2:
            raise WorkbenchError(f"runs must be at least 2 (got {self.runs}): candidates are what a majority of "
                                 "seeded layouts agree on, and stability is measured across them")
        if self.min_samples is not None and self.min_samples < 1:
            raise WorkbenchError(f"min_samples must be at least 1 (got {self.min_samples})")
        if not 0.0 <= self.question_weight <= 2.0:
            raise WorkbenchError(f"question_weight must be between 0 and 2 (got {self.question_weight}): 0 reads "
                                 "answers alone, 1 gives the question as much weight as the answer")
        if self.question_reading not in QUESTION_READINGS:
            raise WorkbenchError(f"question_reading must be 'added' or 'joined' (got {self.question_reading!r}): "
                                 "'added' adds the question's vector to the answer's, 'joined' embeds their words "
                                 "together")
        if self.small_talk not in ("english", "off"):
            raise WorkbenchError(f"small_talk must be 'english' or 'off' (got {self.small_talk!r}); for another "
                                 "language give the study's own examples of small talk as phrases")
        if not 0.0 < self.same_theme < 1.0:
            raise WorkbenchError(f"same_theme must be a cosine distance between 0 and 1 (got {self.same_theme})")

    def min_cluster_size(self, n: int) -> int:
        return self.min_size or auto_min_size(n)

    def cluster_min_samples(self, min_size: int) -> int:
        """HDBSCAN's ``min_samples`` for a minimum candidate size (see ``HdbscanClusterer`` for why the root)."""
        return self.min_samples or max(2, round(math.sqrt(min_size)))

    def layout_count(self, n: int) -> int:
        return self.runs or auto_runs(n)

    def run_seeds(self, n: int) -> list[int]:
        """The seeds of the layouts for ``n`` segments, drawn from ``seed``: runs with nearby seeds share no layout.

        The first seeds are the same whatever the count, so more layouts add to fewer.
        """
        import numpy as np

        return [int(s) for s in np.random.SeedSequence(self.seed).generate_state(self.layout_count(n))]

    def layout_settings(self, n: int, clusterer: Clusterer | None = None) -> LayoutSettings:
        """What each layout of a run on ``n`` segments needs: HDBSCAN with this run's sizes unless ``clusterer``."""
        min_size = self.min_cluster_size(n)
        from workbench.engine.clustering import HdbscanClusterer

        chosen = clusterer or HdbscanClusterer(min_size, self.cluster_min_samples(min_size))
        sub = auto_sub_size(min_size)
        finer = None if clusterer else HdbscanClusterer(sub, self.cluster_min_samples(sub))
        return LayoutSettings(self.n_components, chosen, finer)


@dataclass(frozen=True)
class LayoutSettings:
    """What one seeded layout needs besides the vectors, their neighbours and its seed.

    Typed, and written with named fields: the parent hands it to the layout workers as JSON
    (``layout_processes``), and fields by position would let a reordering on one side pass
    unnoticed.
    """

    components: int  # UMAP's dimensions
    clusterer: Clusterer  # what clusters each layout's points
    # What clusters the same points again at a finer grain, for the candidates' sub-candidates (None: nothing).
    finer: Clusterer | None = None

    def to_json(self) -> str:
        from workbench.engine.clustering import clusterer_to_json

        return json.dumps({"components": self.components, "clusterer": clusterer_to_json(self.clusterer),
                           "finer": clusterer_to_json(self.finer) if self.finer else None})

    @classmethod
    def from_json(cls, text: str) -> LayoutSettings:
        data = json.loads(text)
        from workbench.engine.clustering import clusterer_from_json

        finer = data.get("finer")
        return cls(components=int(data["components"]), clusterer=clusterer_from_json(data["clusterer"]),
                   finer=clusterer_from_json(finer) if finer else None)
