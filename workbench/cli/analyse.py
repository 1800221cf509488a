"""``workbench analyse``: prevalence, saturation and agreement, as tables, CSV or JSON."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from workbench.cli.support import FormatOpt, StudyOpt, emit, handled, open_study
from workbench.errors import WorkbenchError

__all__ = ["analyse_app"]

analyse_app = typer.Typer(help="Prevalence by group, saturation across interviews, agreement in validation sessions.",
                          no_args_is_help=True)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _figure(value: float | None) -> str:
    return "not defined" if value is None else f"{value:.3f}"


def _check(fmt: str) -> None:
    """Refuse an unknown format before anything is printed."""
    if fmt not in ("table", "csv", "json"):
        raise WorkbenchError(f"unknown format {fmt!r}: use table, csv or json")


def _column(group: str, taken: set[str]) -> str:
    """A group's column name that cannot overwrite a fixed column (a site called 'name')."""
    return f"{group} (group)" if group in taken else group


@analyse_app.command("prevalence")
@handled
def prevalence(
    study: StudyOpt,
    by: Annotated[str, typer.Option(help="Group by site, role, participant, transcript, or a participant group or metadata column (e.g. ethnicity_group).")] = "site",
    fmt: FormatOpt = "table",
) -> None:
    """Each theme's participants (and segments) in each group: who voiced it, where."""
    _check(fmt)
    found = open_study(study).prevalence(by)
    if not found.themes:
        raise WorkbenchError("the codebook has no themes yet: accept candidates first (workbench decide accept ...)")
    if fmt == "table":
        rows: list[dict[str, Any]] = []
        columns = {g: _column(g, {"theme", "name"}) for g, _ in found.groups}
        for theme, name in found.themes:
            row: dict[str, Any] = {"theme": theme, "name": name}
            for group, _ in found.groups:
                cell = found.cell(theme, group)
                row[columns[group]] = f"{cell.participants}/{cell.group_participants} ({cell.segments} seg)"
            rows.append(row)
        emit(rows, fmt, ["theme", "name", *columns.values()], {"name": 36})
        typer.echo(f"participants who voiced each theme / participants heard in each {by} (segments); "
                   "interviewer turns not counted"
                   + (f"; {found.uncounted} member(s) not counted (interviewer turns, or segments no longer in "
                      "the study)" if found.uncounted else ""))
        return
    if fmt == "csv":
        from workbench.io.export import prevalence_csv

        typer.echo(prevalence_csv(found), nl=False)
        return
    rows = [{"theme": c.theme, "name": c.name, "group": c.group, "segments": c.segments,
             "participants": c.participants, "group_participants": c.group_participants,
             "share": None if c.share is None else round(c.share, 4)} for c in found.cells]
    emit(rows, fmt, ["theme", "name", "group", "segments", "participants", "group_participants", "share"])


@analyse_app.command("saturation")
@handled
def saturation(
    study: StudyOpt,
    order_by: Annotated[str | None, typer.Option(help="Order the interviews by this column (e.g. an interview date); default: the order they were imported.")] = None,
    base: Annotated[int, typer.Option(min=1, help="Interviews in the base the runs are compared with.")] = 4,
    run: Annotated[int, typer.Option(min=1, help="Consecutive interviews in a run.")] = 2,
    threshold: Annotated[float, typer.Option(help="New-information share at or under which saturation is reached (0.05: 5%).")] = 0.05,
    fmt: FormatOpt = "table",
) -> None:
    """When new interviews stopped adding themes (base, run and threshold as Guest, Namey & Chen 2020)."""
    _check(fmt)
    found = open_study(study).saturation(order_by, base, run, threshold)
    share = dict(found.new_information)
    rows = [{"position": s.position, "transcript": s.transcript, "themes": s.themes, "new": len(s.new),
             "new_themes": s.new, "total": s.total,
             "new_information": None if s.position not in share else round(share[s.position], 4)}
            for s in found.steps]
    reached = found.steps[found.reached_at - 1].transcript if found.reached_at else None
    if fmt == "json":
        typer.echo(json.dumps({"base": found.base, "run": found.run, "threshold": found.threshold,
                               "assessed": found.assessed, "note": found.note, "reached_at": found.reached_at,
                               "reached_after": reached, "steps": rows},
                              ensure_ascii=False, indent=1))
        return
    for row in rows:
        row["new_themes"] = "; ".join(row["new_themes"])
    if fmt == "table":
        for row in rows:
            row["new_information"] = _percent(row["new_information"])
    emit(rows, fmt, ["position", "transcript", "themes", "new", "total", "new_information", "new_themes"],
         {"new_themes": 50})
    if fmt == "table":
        typer.echo(found.verdict())


@analyse_app.command("agreement")
@handled
def agreement(
    study: StudyOpt,
    session: Annotated[str | None, typer.Option(help="The validation session (default: the only one).")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Reviewers' agreement in a validation session: Cohen's kappa per pair, Krippendorff's alpha, disagreements."""
    _check(fmt)
    opened = open_study(study)
    if session is None:
        known = opened.sessions()
        if len(known) != 1:
            raise WorkbenchError("no validation session has votes yet; record votes with 'workbench decide vote'"
                                 if not known else
                                 f"{len(known)} sessions have votes ({', '.join(s for s, _, _ in known)}): "
                                 "choose one with --session")
        session = known[0][0]
    found = opened.agreement(session)
    items = [{"item": i.item, "name": opened.item_name(i.item), **{f"vote:{r}": i.votes.get(r, "")
                                                                    for r in found.reviewers},
              "state": i.state, "adjudicated": i.adjudicated or ""} for i in found.items]
    pairs = [{"first": p.first, "second": p.second, "items": p.items, "agreed": p.agreed,
              "percent": p.percent, "kappa": p.kappa} for p in found.pairs]
    if fmt == "json":
        typer.echo(json.dumps({"session": found.session, "reviewers": found.reviewers, "alpha": found.alpha,
                               "alpha_note": found.alpha_note, "percent": found.percent, "pairs": pairs,
                               "compared": found.compared,
                               "items": [{"item": i["item"], "name": i["name"], "votes": v.votes,
                                          "state": v.state, "agreed": v.agreed, "adjudicated": v.adjudicated,
                                          "retired": v.retired}
                                         for i, v in zip(items, found.items, strict=True)]},
                              ensure_ascii=False, indent=1))
        return
    columns = ["item", "name", *[f"vote:{r}" for r in found.reviewers], "state", "adjudicated"]
    if fmt == "csv":
        emit(items, fmt, columns)
        return
    from workbench.core.analysis import kappa_strength

    typer.echo(f"session {found.session!r}: {len(found.reviewers)} reviewers, {len(found.items)} items, "
               f"{found.compared} voted on by two or more; Krippendorff's alpha {_figure(found.alpha)}"
               + (f" ({found.alpha_note})" if found.alpha_note else "")
               + (f"; pairwise agreement {_percent(found.percent)}" if found.percent is not None else ""))
    for row in pairs:
        row["kappa"] = _figure(row["kappa"]) + (f" ({kappa_strength(row['kappa'])})" if row["kappa"] is not None
                                                else "")
        row["percent"] = _percent(row["percent"])
    if pairs:
        emit(pairs, fmt, ["first", "second", "items", "agreed", "percent", "kappa"])
    if not found.compared:
        typer.echo("no item has votes from two reviewers yet: nothing to compare")
        return
    shown = {v.item for v in found.disagreements}
    open_items = {v.item for v in found.to_discuss}
    if shown:
        typer.echo(f"{len(shown)} item(s) disagreed on, {len(open_items)} not yet adjudicated "
                   "(adjudicate with 'workbench decide adjudicate'; a theme merged or split since cannot be):")
        emit([row for row in items if row["item"] in shown], fmt, columns, {"name": 36})
    else:
        typer.echo("the reviewers agreed on every item two or more of them voted on")
