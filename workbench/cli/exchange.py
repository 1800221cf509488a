"""``workbench export`` and ``workbench import``: what the study holds, written for other tools, and codebooks
brought in from them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workbench.cli.support import (
    ByOpt,
    ClientIdOpt,
    ForceOpt,
    StudyOpt,
    check_out,
    checked_why,
    handled,
    open_study,
    write_out,
)
from workbench.core.names import terminal_safe
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.decisions import Log
    from workbench.study import Study

__all__ = ["export_app", "import_app"]

export_app = typer.Typer(help="Write what the study holds to files.", no_args_is_help=True)
import_app = typer.Typer(help="Bring a codebook into the study.", no_args_is_help=True)
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="The file to write.")]


def _written(study: str, out: Path, fmt: str | None, force: bool,
             make: Callable[[Study, str], str | bytes]) -> tuple[Study, str]:
    """Check the target first, make the file in the format asked for (or the suffix's), write it whole."""
    check_out(out, study=study, force=force)
    opened, chosen = open_study(study), (fmt or out.suffix.lstrip(".")).lower()
    write_out(out, make(opened, chosen), study=study, force=force)
    return opened, chosen


@export_app.command("assignments")
@handled
def export_assignments(
    study: StudyOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="The CSV file to write.")],
    run: Annotated[int | None, typer.Option(help="Which run (default: the latest).")] = None,
    force: ForceOpt = False,
) -> None:
    """Every clustered segment with its candidate (-1: unassigned), similarity and themes, as CSV."""
    check_out(out, study=study, force=force)
    opened = open_study(study)
    record, assigned = opened.assignments(run)
    write_out(out, opened.assignments_file(record.id), study=study, force=force)
    typer.echo(f"wrote {len(assigned)} assignments from run {record.id} to {out}")


@export_app.command("codebook")
@handled
def export_codebook(
    study: StudyOpt,
    out: OutOpt,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="csv, qdc or qdpx (REFI-QDA), xlsx, md or docx; default: from the file's suffix.")] = None,
    force: ForceOpt = False,
) -> None:
    """The codebook as it stands: CSV, REFI-QDA (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder, XLSX, Markdown or DOCX."""
    _, chosen = _written(study, out, fmt, force, lambda opened, chosen: opened.codebook_file(chosen))
    typer.echo(f"wrote the codebook ({chosen}) to {out}")


@export_app.command("log")
@handled
def export_log(
    study: StudyOpt,
    out: OutOpt,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="jsonl (exact, re-verifiable) or csv; default: from the suffix.")] = None,
    force: ForceOpt = False,
) -> None:
    """The decision log: every event with its hash; the last one's hash is the head it was made from."""
    written: list[Log] = []

    def log_file(opened: Study, chosen: str) -> str:
        if chosen not in ("jsonl", "csv"):
            raise WorkbenchError(f"{out}: the log can be written as jsonl or csv, not {chosen!r}")
        written.append(opened.log())  # the log the file is made from, for the line naming its head
        return opened.log_file(chosen)

    _written(study, out, fmt, force, log_file)
    log = written[0]
    typer.echo(f"wrote {log.seq} event(s) to {out}; head #{log.seq} sha256:{log.head}")


@import_app.command("codebook")
@handled
def import_codebook(
    file: Annotated[Path, typer.Argument(help="A REFI-QDA codebook (.qdc) or a CSV with name[, definition, inclusion, exclusion].")],
    study: StudyOpt,
    by: ByOpt = None,
    why: Annotated[str, typer.Option("--why", help="Your reason, kept in the decision log.", callback=checked_why)] = "",
    client_id: ClientIdOpt = None,
) -> None:
    """Seed themes from a codebook (deductive codes): researcher-defined themes, members suggested by discovery."""
    opened = open_study(study)
    with opened.once(client_id) as once:
        created, skipped = opened.import_codebook(file, by, why)
    if once.repeated:
        typer.echo(f"already recorded as #{created[0].seq}-#{created[-1].seq} ({len(created)} theme(s)); "
                   "nothing new recorded")
        return
    typer.echo(f"created {len(created)} theme(s) from {file}" + (f" (events #{created[0].seq}-#{created[-1].seq})"
                                                                  if created else ""))
    if skipped:
        typer.echo(terminal_safe(f"skipped {len(skipped)} already in the codebook: {', '.join(skipped)}"))
    typer.echo(f"next: workbench discover --study {study}, then workbench suggestions --study {study}")
