"""How long a discovery run will take, told before it starts: from the study's size and measured rates.

A run's time is nearly all two stages, each proportional to something known before it
starts: embedding, to the word pieces of the texts not yet in the study's cache; drawing
layouts, to the segments times the layouts to draw (none where an earlier run on the same
segments and settings left them), shared among the worker processes. The rest (neighbours,
naming, sub-candidates) grows with the segments. Each rate is measured by this machine's
own runs (``rates_from_runs``); before the first, a two-core machine's figures stand in,
and the estimate says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.core.runs import RunRecord

__all__ = ["FIRST_RATES", "MEASURES_FROM", "Estimate", "Rates", "describe", "estimate", "kept_rates", "rates_from_runs",
           "run_rates"]


@dataclass(frozen=True)
class Rates:
    """Seconds per unit of work, each measured on some machine (``basis`` says which)."""

    embed_per_piece: float  # seconds per word piece embedded, both cores
    layout_per_segment: float  # seconds per segment for one layout, one core (the neighbour graph's share in it)
    other_per_segment: float  # small talk, consensus, naming, sub-candidates: seconds per segment
    fixed: float  # loading the model and libraries, recording the run
    basis: str  # where the rates come from, for the researcher
    layout_start: float = 4.0  # a layout worker's start: importing UMAP and HDBSCAN, their compiled code


# Before any run on this machine: bench_speed.py's 1,000-10,000-segment rows on a two-core
# AMD EPYC (benchmarks/RESULTS.md): about 36 interview segments of 140 word pieces a second,
# a layout of 1,000 segments in about 1.7 s on one core, the rest about 4 ms a segment.
FIRST_RATES = Rates(embed_per_piece=1 / 5000, layout_per_segment=0.0017, other_per_segment=0.003, fixed=1.5,
                    basis="a two-core computer's rates: no run on this computer has measured its own yet")


@dataclass(frozen=True)
class Estimate:
    """A run's expected seconds by stage, and what they rest on."""

    embedding: float
    layouts: float
    rest: float
    segments: int
    layouts_to_draw: int
    pieces_to_embed: int
    basis: str

    @property
    def seconds(self) -> float:
        return self.embedding + self.layouts + self.rest


def estimate(segments: int, pieces_to_embed: int, layouts_to_draw: int, workers: int, rates: Rates) -> Estimate:
    """The expected time of a run on ``segments``, embedding ``pieces_to_embed`` word pieces and drawing layouts.

    Layouts are drawn ``workers`` at a time, whole layouts to a worker, so the slowest
    worker draws the ceiling of their share.
    """
    workers = max(1, workers)
    rounds = -(-layouts_to_draw // workers) if layouts_to_draw else 0
    return Estimate(
        embedding=pieces_to_embed * rates.embed_per_piece,
        layouts=(rates.layout_start + rounds * segments * rates.layout_per_segment * _epochs_share(segments))
        if rounds else 0.0,
        rest=rates.fixed + segments * rates.other_per_segment, segments=segments,
        layouts_to_draw=layouts_to_draw, pieces_to_embed=pieces_to_embed, basis=rates.basis)


# UMAP optimises a layout for 500 epochs up to 10,000 points and 200 above (its documented
# default); a layout of more segments then costs this share of one at 500 epochs, segment for
# segment: 0.475 ms a segment-layout at 10,045 short answers against 1.05-1.12 ms at 1,000-5,000
# (bench_speed.py --sizes, benchmarks/RESULTS.md). Rates are kept as 500-epoch rates.
FEWER_EPOCHS_FROM = 10_000
FEWER_EPOCHS_SHARE = 0.45


def _epochs_share(segments: int) -> float:
    return FEWER_EPOCHS_SHARE if segments > FEWER_EPOCHS_FROM else 1.0


# Runs smaller than this measure their fixed costs (imports, a worker's start) more than their rates.
MEASURES_FROM = 500


def run_rates(run: RunRecord) -> tuple[float | None, float | None, float | None]:
    """One recorded run's rates: (embedding per word piece, layout per segment on one core, the rest per segment).

    None where the run did not measure it: it embedded nothing, drew no layout, was
    recorded before runs noted their word pieces and workers, or was too small
    (MEASURES_FROM segments) for its fixed costs not to swamp the rates.
    """
    params, timings = run.params, run.timings
    if run.segments < MEASURES_FROM:
        return None, None, None
    pieces, workers = params.get("pieces_embedded"), params.get("layout_workers")
    drawn = int(params.get("runs") or 0) - int(params.get("layouts_kept") or 0)
    embed = timings["embedding"] / pieces if pieces and timings.get("embedding") else None
    layout = None
    if workers and drawn > 0 and run.segments and timings.get("layouts"):
        rounds = -(-drawn // int(workers))
        drawing = timings["layouts"] + timings.get("neighbours", 0.0) - FIRST_RATES.layout_start
        layout = max(0.0, drawing) / (rounds * run.segments * _epochs_share(run.segments))
    # The neighbour graph is made only for layouts to draw: counted with them, not with the rest.
    rest = sum(v for k, v in timings.items() if k not in ("embedding", "layouts", "neighbours"))
    other = rest / run.segments if run.segments else None
    return embed, layout, other


def rates_from_runs(runs: Iterable[RunRecord], processor: str, fallback: Rates = FIRST_RATES) -> Rates:
    """This processor's rates from its latest runs that measured each (the fallback's where none did).

    Runs recorded on another processor (a team's server opened from another computer) are
    not this machine's speed and are left out.
    """
    embed = layout = other = None
    for run in sorted(runs, key=lambda r: r.id or 0, reverse=True):
        if run.versions.get("processor") != processor:
            continue
        e, lay, o = run_rates(run)
        embed = embed if embed is not None else e
        layout = layout if layout is not None else lay
        other = other if other is not None else o
        if None not in (embed, layout, other):
            break
    if embed is None and layout is None:
        return fallback
    return Rates(embed_per_piece=embed if embed is not None else fallback.embed_per_piece,
                 layout_per_segment=layout if layout is not None else fallback.layout_per_segment,
                 other_per_segment=other if other is not None else fallback.other_per_segment,
                 fixed=fallback.fixed, basis="this computer's earlier runs")


def kept_rates(kept: dict[str, float], basis: str, fallback: Rates = FIRST_RATES) -> Rates:
    """Rates kept as numbers (``run_rates``'s names), the fallback's where one is missing or not a number."""
    def rate(name: str) -> float:
        value = kept.get(name)
        return float(value) if isinstance(value, int | float) else getattr(fallback, name)

    if not kept:
        return fallback
    return Rates(embed_per_piece=rate("embed_per_piece"), layout_per_segment=rate("layout_per_segment"),
                 other_per_segment=rate("other_per_segment"), fixed=fallback.fixed, basis=basis)


def _span(seconds: float) -> str:
    """Seconds as a researcher reads a wait: "under a minute", "about 4 minutes", "about 1 hour 20 minutes"."""
    if seconds < 45:
        return "under a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours, left = divmod(minutes, 60)
    left = round(left / 10) * 10
    return f"about {hours} hour{'s' if hours != 1 else ''}" + (f" {left} minutes" if left else "")


def describe(found: Estimate) -> list[str]:
    """The estimate in a researcher's words: the total, then what it is made of."""
    parts: Sequence[str] = [
        f"embedding {found.pieces_to_embed:,} word pieces not embedded before: {_span(found.embedding)}"
        if found.pieces_to_embed else "every text already embedded",
        f"drawing {found.layouts_to_draw} layouts of {found.segments:,} segments: {_span(found.layouts)}"
        if found.layouts_to_draw else "every layout kept from an earlier run on the same segments",
        f"naming and the rest: {_span(found.rest)}",
    ]
    return [f"This discovery should take {_span(found.seconds)}: {'; '.join(parts)}.",
            f"Estimated from {found.basis}."]
