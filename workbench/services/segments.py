"""Segments in their setting: the turn before each, the turns around one, and the quotes that stand for a theme.

Each value here is made from every segment in transcript order (``Study.rows``) and held
in the facade's cache until the segments change, so a page of quotes shows their context
without searching the study for each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.core.questions import turns_before as core_turns_before
from workbench.core.runs import parse_candidate_id
from workbench.core.segments import SegmentRow
from workbench.errors import StudyError
from workbench.services.runs import run_data

if TYPE_CHECKING:
    from workbench.study import Study

__all__ = ["context", "position", "quotes", "turns_before"]


def position(study: Study) -> dict[str, int]:
    """Each segment's place in transcript order, kept until the segments change."""
    return study.cache.data("positions", lambda: {r.id: n for n, r in enumerate(study.rows())})


def turns_before(study: Study) -> dict[str, SegmentRow]:
    """Each segment's preceding turn in its transcript: the question an answer answers.

    A turn cut into parts is given whole (its parts' words joined, as the last part's row),
    and the parts of a long answer share one turn before. Kept until the segments change,
    so a page of quotes shows their context without searching the study for each.
    """
    return study.cache.data("turns_before", lambda: core_turns_before(study.rows()))


def context(study: Study, segment_id: str, around: int = 2) -> list[SegmentRow]:
    """The turns before and after a segment in its transcript, the segment included."""
    rows = study.rows()
    at = next((i for i, r in enumerate(rows) if r.id == segment_id), None)
    if at is None:
        raise StudyError(f"no segment {segment_id!r} in the study")
    transcript = rows[at].transcript_id
    start, end = max(0, at - around), min(len(rows), at + around + 1)
    return [r for r in rows[start:end] if r.transcript_id == transcript]


def quotes(study: Study, theme_id: str, n: int = 3) -> list[str]:
    """The segments that stand for a theme: every exemplar, then representative members up to ``n``.

    Representative members are those nearest the theme's centre (the mean of its members'
    unit embeddings, by cosine), each from a new participant (and site) where possible,
    as discovery picks a candidate's quotes. Never the first members by id: those are
    whatever the numbering put first, and may be the theme's strays. The vectors are the
    ones the study's runs cached (no model is loaded); members without one come after,
    in transcript order. With no vectors at all, the theme's candidate's representatives
    still in it come first, then the members in transcript order. Kept until the theme's
    members or exemplars, the segments or the runs change.
    """
    theme = study.codebook().theme(theme_id)

    def make() -> list[str]:
        at = position(study)
        exemplars = [s for s in theme.exemplars if s in at]
        members = sorted((s for s in theme.members if s in at), key=at.__getitem__)
        picked = set(exemplars)
        rest = [s for s in members if s not in picked]
        wanted = max(0, n - len(exemplars))
        chosen = _central(study, members, rest, wanted) if wanted else []
        if chosen is None:  # no vectors: the candidate's own representatives, then transcript order
            parsed = parse_candidate_id(theme.origin, None)  # "R1-C03"; None for "created", "split of ..."
            found: list[str] = []
            if parsed is not None:
                try:
                    found = next((c.representatives for c in run_data(study, parsed[0]).candidates
                                  if c.number == parsed[1]), [])
                except StudyError:  # the run is gone from the store: transcript order alone
                    found = []
            kept = [s for s in found if s in rest]
            chosen = [*kept, *(s for s in rest if s not in kept)][:wanted]
        return [*exemplars, *chosen]

    key = (tuple(theme.exemplars), frozenset(theme.members), n)
    return list(study.cache.data(("quotes", theme_id), make, key))


def _central(study: Study, members: Sequence[str], rest: Sequence[str], wanted: int) -> list[str] | None:
    """Up to ``wanted`` of ``rest`` nearest the centre of ``members``, new participants first.

    Participants are varied only among the nearer half of the members: one person's
    quote near the centre says more about the theme than a stray's that happens to be
    another person's. None when no run's cached vectors cover any member. Each run's
    model, weights and backend name the cache its vectors are under; the one covering
    most members is used.
    """
    import numpy as np

    from workbench.core.segments import sha256_text
    from workbench.engine.discover import Doc, representatives
    from workbench.engine.embed import cache_key

    index = study.segment_index()
    hashes = {s: sha256_text(index[s].text) for s in members}
    vectors: dict[str, bytes] = {}
    for run_key in dict.fromkeys(cache_key(r.model_name, r.model_sha256, r.backend)
                                 for r in reversed(study.runs())):
        found = study.store.cached_vectors(run_key, hashes.values())
        if len(found) > len(vectors):
            vectors = found
    have = [s for s in members if hashes[s] in vectors]
    if not have:
        return None
    unit = np.stack([np.frombuffer(vectors[hashes[s]], dtype=np.float32) for s in have])
    unit = unit / np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    centre = unit.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-12)
    similarity = dict(zip(have, (unit @ centre).tolist(), strict=True))
    ranked = sorted((s for s in rest if s in similarity), key=lambda s: -similarity[s])  # stable: ties in order
    nearer = ranked[:max(wanted, (len(ranked) + 1) // 2)]
    docs = {s: Doc(s, index[s].text, index[s].participant_id, index[s].site) for s in nearer}
    # Discovery's choice of a candidate's quotes (new participants, then new sites), among the nearer half.
    chosen = representatives([(s, similarity[s]) for s in nearer], docs, limit=wanted)[:wanted]
    taken = set(chosen)
    spare = [s for s in ranked if s not in taken] + [s for s in rest if s not in similarity]
    return [*chosen, *spare][:wanted]
