"""``workbench findings``: the identifier scan's findings with their verdicts, and marking them.

``workbench scan`` stays what it was, the scanner's report. Reviewing is a command group of
its own, so that listing never writes and marking always names one finding:

    workbench findings list --study S [--min-score 0.7] [--unreviewed] [--names FILE] [--format table|csv|json]
    workbench findings mark F-3eb046e072 --verdict false-alarm --study S [--why TEXT] [--by NAME] [--names FILE]
    workbench findings history --study S [--format table|csv|json]

A finding's id is ``F-`` and 10 hex digits of a hash of its segment, type, offsets and text
(``Study.finding_id``): the same words in the same place keep their id from scan to scan,
and words that changed get a new one, so a verdict never lands on words nobody reviewed.
``mark`` finds the id by scanning again, so a finding that came from a list of names (or
places) is marked with the same ``--names`` (``--places``) it was listed with. Each verdict is
one transaction, recorded with who gave it and when; a later verdict on the same finding
supersedes an earlier one, and both stay on record (``history``). Nothing in the
transcripts is changed: correcting them is the researcher's call.

``register(app)`` adds the group to the ``workbench`` command.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.support import ByOpt, FormatOpt, StudyOpt, checked_why, emit, handled, open_study

__all__ = ["findings_app", "register"]

findings_app = typer.Typer(help="Review the identifier scan's findings: list them with their verdicts, mark them.",
                           no_args_is_help=True)

NamesOpt = Annotated[Path | None, typer.Option(help="The list of names the findings were listed with (one per line), so that name findings are found again.")]
PlacesOpt = Annotated[Path | None, typer.Option(help="The list of local places the findings were listed with (one per line), where the scanner takes one.")]
VERDICT_WORDS = {"identifier": "identifier", "false_alarm": "false alarm"}


def register(app: typer.Typer) -> None:
    """Add ``workbench findings`` (list, mark, history) to ``app``."""
    app.add_typer(findings_app, name="findings")


@findings_app.command("list")
@handled
def list_findings(
    study: StudyOpt,
    min_score: Annotated[float, typer.Option(min=0.0, max=1.0, help="Only findings at least this sure (0 to 1).")] = 0.0,
    unreviewed: Annotated[bool, typer.Option("--unreviewed", help="Only findings nobody has given a verdict on.")] = False,
    names: NamesOpt = None,
    places: PlacesOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """List the scan's findings, each with its id and its latest verdict (identifier, false alarm, or none yet)."""
    from workbench.privacy.scan import context

    opened = open_study(study)
    reviews = opened.reviews()
    found = opened.findings(names, places)
    rows = []
    for row, f, verdict in found:
        if f.score < min_score or (unreviewed and verdict is not None):
            continue
        review = reviews.get(opened.finding_key(f)) if verdict else None
        rows.append({
            "id": opened.finding_id(f), "segment_id": f.segment_id, "transcript": row.transcript_id,
            "participant": row.participant_id, "type": f.type, "segment_start": f.start, "segment_end": f.end,
            "text": f.text, "score": round(f.score, 2), "why": f.why, "verdict": verdict or "",
            "by": review.by if review else "", "at": review.at if review else "", "note": review.note if review else "",
            "context": context(row.text, f.start, f.end)})
    if fmt != "table":
        emit(rows, fmt, ["id", "segment_id", "transcript", "participant", "type", "segment_start", "segment_end",
                         "text", "score", "why", "verdict", "by", "at", "note", "context"])
        return
    emit([{**r, "verdict": VERDICT_WORDS.get(r["verdict"], "")} for r in rows], fmt,
         ["id", "segment_id", "type", "text", "score", "verdict", "context"], {"text": 30, "context": 60})
    verdicts = Counter(v for _, _, v in found)
    high = sum(1 for _, f, v in found if v is None and f.score >= opened.HIGH_SCORE)
    typer.echo(f"{len(rows)} finding(s) shown of {len(found)}: {verdicts[None]} unreviewed ({high} scored "
               f"{opened.HIGH_SCORE} or more), {verdicts['false_alarm']} false alarm(s), "
               f"{verdicts['identifier']} identifier(s).")
    if verdicts[None]:
        typer.echo(f"Mark one: workbench findings mark ID --verdict false-alarm|identifier --study {study}")


@findings_app.command("mark")
@handled
def mark(
    finding: Annotated[str, typer.Argument(help="The finding's id, as 'workbench findings list' shows it (F-...).")],
    study: StudyOpt,
    verdict: Annotated[str, typer.Option(help="identifier (it identifies someone: correct the transcript) or false-alarm.")],
    why: Annotated[str, typer.Option("--why", help="Your reason, kept with the verdict.", callback=checked_why)] = "",
    by: ByOpt = None,
    names: NamesOpt = None,
    places: PlacesOpt = None,
) -> None:
    """Give a verdict on a finding: identifier or false-alarm (a later verdict supersedes an earlier one)."""
    found, review = open_study(study).mark_finding(finding, verdict, by, why, names, places)
    typer.echo(f"{finding.strip()}: {found.type} {found.text!r} in {found.segment_id} marked "
               f"{VERDICT_WORDS[review.verdict]} by {review.by} at {review.at}")


@findings_app.command("history")
@handled
def history(study: StudyOpt, fmt: FormatOpt = "table") -> None:
    """Every verdict ever given on a finding, superseded ones too, oldest first."""
    rows = [{"review": r.id, "segment_id": r.segment_id, "type": r.type, "segment_start": r.start,
             "segment_end": r.end, "text_sha256": r.text_sha256, "verdict": r.verdict, "by": r.by, "at": r.at,
             "note": r.note} for r in open_study(study).review_history()]
    columns = ["review", "segment_id", "type", "segment_start", "segment_end", "verdict", "by", "at", "note"]
    if fmt == "table":
        emit([{**r, "verdict": VERDICT_WORDS.get(r["verdict"], r["verdict"])} for r in rows], fmt, columns,
             {"note": 40})
    else:
        emit(rows, fmt, [*columns[:5], "text_sha256", *columns[5:]])
