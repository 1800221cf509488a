"""Discovery runs seen from the study: running one, reading runs back, candidates, splits and the map.

A run never changes once recorded, so each is read from the store once per facade and
held for its life (``StudyCache.lasting``; the app keeps one facade per session). The map's
layout is held only while the segments stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.decisions import DecisionError, is_theme_id
from workbench.core.names import check_name, default_researcher
from workbench.core.overview import SegmentFilter
from workbench.core.progress import Progress
from workbench.core.runs import AssignmentRecord, CandidateRecord, RunRecord, candidate_id, parse_candidate_id
from workbench.engine.discovery_settings import DiscoveryParams
from workbench.engine.embed import DEFAULT_BACKEND
from workbench.errors import StudyError

if TYPE_CHECKING:
    from workbench.core.estimate import Estimate
    from workbench.engine.split_proposal import ProposedPart
    from workbench.study import Study

__all__ = ["RunData", "candidate", "candidate_members", "discover", "discovery_estimate", "latest_run", "projection",
           "propose_split", "run_data", "sub_candidates", "theme_suggestions"]


@dataclass(frozen=True)
class RunData:
    """A run with its candidates, assignments and suggestions: everything a page or a decision reads of it."""

    run: RunRecord
    candidates: list[CandidateRecord]
    assignments: list[AssignmentRecord]
    suggestions: list[tuple[str, str, float]]


def _no_run_yet(study: Study) -> StudyError:
    return StudyError(f"{study.location}: no discovery run yet; run 'workbench discover --study ...' first")


def discover(study: Study, params: DiscoveryParams = DiscoveryParams(), by: str | None = None,
             backend: str = DEFAULT_BACKEND, progress: Progress | None = None) -> RunRecord:
    """Propose candidate themes among the segments no accepted theme holds, and record the run.

    Accepted themes are the researchers' and are never touched by a run: their segments
    are left out of clustering, and the rest are scored against them as suggestions.
    """
    from workbench.services.discovery_runs import run_discovery

    book = study.codebook()
    themes = {t.id: set(t.members) for t in book.themes.values()}
    # A theme without members yet (imported, or created by hand) is described by its words.
    described = {t.id: ". ".join(x for x in (t.name, t.definition, t.inclusion) if x)
                 for t in book.themes.values() if not t.members}
    run_id, _ = run_discovery(study.store, check_name(by or default_researcher()), params, study.store.segment_rows(),
                              backend, progress, themes, described)
    run = study.store.run(run_id)
    assert run is not None
    return run


def discovery_estimate(study: Study, params: DiscoveryParams = DiscoveryParams(),
                       backend: str = DEFAULT_BACKEND) -> Estimate:
    """How long ``discover`` with these settings should take, from the study's size and this machine's rates."""
    from workbench.services.discovery_runs import estimate_run

    held = frozenset().union(*(t.members for t in study.codebook().themes.values()))
    # Held while the data version (last import, last run) and the accepted themes' members stand:
    # before a study's first run, counting the word pieces of every text takes a second or two.
    return study.cache.data(("estimate", params, backend),
                            lambda: estimate_run(study.store, params, study.store.segment_rows(), backend, set(held)),
                            key=held)


def latest_run(study: Study) -> RunRecord:
    """The latest run's record; refused, saying what to do, before the first run."""
    run_id = study.latest_run_id()
    if run_id is None:
        raise _no_run_yet(study)
    run = study.store.run(run_id)
    assert run is not None
    return run


def run_data(study: Study, run_id: int | None) -> RunData:
    """A run (the latest with None) with its candidates, assignments and suggestions, read once per facade."""
    if run_id is None:
        run_id = study.latest_run_id()
        if run_id is None:
            raise _no_run_yet(study)
    wanted: int = run_id

    def read() -> RunData:
        run = study.store.run(wanted)
        if run is None:
            raise StudyError(f"{study.location}: no discovery run {wanted}")
        return RunData(run, study.store.candidates(wanted), study.store.assignments(wanted),
                       study.store.theme_suggestions(wanted))

    return study.cache.lasting(("run", wanted), read)


def candidate(study: Study, text: str) -> tuple[str, int, int]:
    """(id, run, number) of a candidate named as R1-C03, or C03 in the latest run; refused if there is none."""
    parsed = parse_candidate_id(text, study.latest_run_id())
    if parsed is None:
        raise DecisionError(f"{text!r} is not a candidate (R1-C03, or C03 in the latest run)")
    run_id, number = parsed
    try:
        known = run_data(study, run_id).candidates
    except StudyError:
        known = []
    if not any(c.number == number for c in known):
        raise DecisionError(f"there is no candidate {candidate_id(run_id, number)}")
    return candidate_id(run_id, number), run_id, number


def candidate_label(study: Study, run_id: int, number: int) -> str:
    """The label discovery gave a candidate (one ``candidate`` has found)."""
    return next(c.label for c in run_data(study, run_id).candidates if c.number == number)


def sub_candidates(study: Study, text: str) -> list[dict[str, object]]:
    """A candidate's sub-candidates, as its run found them (empty when the layouts found none inside it)."""
    _, run_id, number = candidate(study, text)
    found = next(c for c in run_data(study, run_id).candidates if c.number == number)
    return list(found.children)


def candidate_members(study: Study, text: str) -> list[str]:
    """The segments a run assigned to a candidate (the unassigned are not members)."""
    _, run_id, number = candidate(study, text)
    return [a.segment_id for a in run_data(study, run_id).assignments if a.candidate == number]


def theme_suggestions(study: Study, run_id: int | None = None) -> list[tuple[str, str, float]]:
    """(segment, theme, similarity) for the run's unassigned segments, leaving out those dismissed from triage."""
    dismissed = study.codebook().dismissed
    return [s for s in run_data(study, run_id).suggestions if s[0] not in dismissed]


def propose_split(study: Study, item: str, parts: int | None = None,
                  progress: Progress | None = None) -> list[ProposedPart]:
    """Sub-groups of a theme's (or candidate's) members, re-clustered, to confirm or edit.

    The members' vectors are those their run stored: a candidate's run's backend, or for a
    theme the latest run's. With the default backend always, a quick-look (int8) run's
    candidate was embedded again at full precision before it could be split (14 s instead
    of 6.5 s for 161 segments). ``progress`` hears each stage, then the clustering's.
    """
    from workbench.engine.discover import propose_split as split_into
    from workbench.engine.documents import Doc
    from workbench.engine.embed import Encoder, load_model
    from workbench.services.discovery_runs import embed_segments

    if progress:
        progress(0, 1, "looking up stored embeddings")
    if is_theme_id(item):
        members = set(study.codebook().theme(item).members)
        run_id = study.latest_run_id()
    else:
        members = set(candidate_members(study, item))
        run_id = candidate(study, item)[1]
    backend = run_data(study, run_id).run.backend if run_id is not None else DEFAULT_BACKEND
    rows = [r for r in study.rows() if r.id in members]

    def embedding(done: int, total: int, what: str) -> None:
        if progress:
            progress(0, 1, f"embedding {total} segments not embedded before ({done} done)")

    encoder = Encoder(load_model(), backend)  # type: ignore[arg-type]
    vectors, _ = embed_segments(study.store, encoder, rows, embedding)
    # The parts' phrase labels are embedded by the model and backend of their vectors.
    return split_into([Doc(r.id, r.text) for r in rows], vectors, parts, progress, encoder.encode)


def projection(study: Study, progress: Progress | None = None,
               compute: bool = True) -> dict[str, tuple[float, float]]:
    """Every participant segment's place on a 2-D map (computed once, then kept; with
    ``compute`` False, only a layout already kept, or nothing).

    Finding the kept layout hashes every segment's text and reads every point: holding
    it took switching to the map on 20,000 segments from 368 to 157 ms
    (benchmarks/bench_app.py). So a layout found is held until the segments change;
    "none yet" is not held, since another session may lay the map out meanwhile.
    """
    from workbench.services.discovery_runs import projection as laid_out

    return study.cache.data("projection", lambda: laid_out(
        study.store, SegmentFilter(include_interviewer=False).apply(study.rows()), progress, compute), keep=bool)


def triage(study: Study, run_id: int | None = None) -> list[tuple[AssignmentRecord, list[tuple[str, float]]]]:
    """The run's unassigned segments no theme holds, each with the themes it is nearest.

    Nearest themes come from the run's suggestions and from what became of the nearest
    candidate (accepted as, or merged into, a theme), best first.
    """
    run, assigned = study.assignments(run_id)
    book = study.codebook()
    suggested: dict[str, list[tuple[str, float]]] = {}
    for seg, theme, sim in run_data(study, run.id).suggestions:
        if theme in book.themes:
            suggested.setdefault(seg, []).append((theme, sim))
    queue = []
    for a in assigned:
        if a.candidate != -1 or book.themes_of(a.segment_id) or a.segment_id in book.dismissed:
            continue
        near = dict(suggested.get(a.segment_id, []))
        fate = book.candidates.get(candidate_id(run.id or 0, a.nearest))
        theme = (fate.theme or "") if fate is not None else ""  # the theme it was accepted as, or merged into
        if theme in book.themes:
            near[theme] = max(near.get(theme, 0.0), a.nearest_similarity)
        queue.append((a, sorted(near.items(), key=lambda kv: -kv[1])))
    return queue
