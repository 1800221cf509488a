"""The analyses a study's codebook is read through: logic-model coverage, prevalence, saturation, agreement.

Each gathers what its pure function in ``analysis`` or ``logic_model`` needs from the
codebook and the segments; those modules (and what they import) load only when asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.runs import parse_candidate_id
from workbench.errors import StudyError
from workbench.services.runs import run_data

if TYPE_CHECKING:
    from workbench.core.analysis import Agreement, Prevalence, Saturation
    from workbench.core.logic_model import Coverage
    from workbench.study import Study

__all__ = ["agreement", "coverage", "prevalence", "saturation", "sessions"]


def coverage(study: Study) -> Coverage:
    """For each node, the themes, segments, participants, sites and roles that evidence it."""
    from workbench.core import logic_model

    model = study.logic_model()
    if model is None:
        raise StudyError(f"{study.location}: no logic model yet; load one with 'workbench model load FILE'")
    book = study.codebook()
    index = study.segment_index()
    who = {s: (r.participant_id, r.site, r.role) for s, r in index.items()}
    return logic_model.coverage(model, {t.id: (t.nodes, t.members) for t in book.themes.values()}, who)


def prevalence(study: Study, by: str = "site") -> Prevalence:
    """Each theme's segments and participants per site, role or participant group."""
    from workbench.core import analysis

    themes = study.codebook().themes
    return analysis.prevalence({t: (themes[t].name, themes[t].members) for t in sorted(themes)}, study.rows(), by)


def saturation(study: Study, order_by: str | None = None, base: int = 4, run: int = 2,
               threshold: float = 0.05) -> Saturation:
    """Whether later interviews still added themes; interviews in import order or by a column."""
    from workbench.core import analysis

    rows = study.rows()
    order = analysis.transcript_order(rows, order_by) if order_by else study.store.import_order()
    themes = study.codebook().themes
    return analysis.saturation({t: themes[t].members for t in sorted(themes)}, rows, order, base, run, threshold)


def sessions(study: Study) -> list[tuple[str, int, int]]:
    """Validation sessions with votes: (name, reviewers, items)."""
    from workbench.core import analysis

    return analysis.sessions(study.codebook().votes)


def agreement(study: Study, session: str) -> Agreement:
    """Agreement among a validation session's reviewers, and the items they disagree on."""
    from workbench.core import analysis

    book = study.codebook()
    return analysis.agreement(session, {k: v for k, (v, _) in book.votes.items()},
                              {k: v for k, (v, _) in book.adjudications.items()}, book.retired)


def item_name(study: Study, item: str) -> str:
    """What a theme or candidate id stands for: the theme's name or the candidate's label."""
    book = study.codebook()
    if item in book.themes:
        return book.themes[item].name
    if item in book.retired:
        return f"({book.retired[item].reason})"
    fate = book.candidates.get(item)
    parsed = parse_candidate_id(item, None)
    if parsed is None:
        return ""
    try:
        found = {c.number: c.label for c in run_data(study, parsed[0]).candidates}
    except StudyError:
        return ""
    return found.get(parsed[1], "") + (f" ({fate})" if fate is not None else "")
