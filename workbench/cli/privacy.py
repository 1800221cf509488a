"""``workbench pseudonymise``: de-identified copies of transcripts, made in two steps before they are imported.

Without ``--review`` it scans and writes a findings file for a researcher to check; with ``--review`` it
writes the copies. Thin by design: the work and every check are in ``pseudonymise``.
"""

from __future__ import annotations

import shlex
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.support import ForceOpt, err, handled, write_out

__all__ = ["privacy_app", "pseudonymise", "register"]

privacy_app = typer.Typer(help="De-identified copies of transcripts, before they are imported.", no_args_is_help=True)


@privacy_app.callback()
def _group() -> None:
    """De-identified copies of transcripts, before they are imported."""


@handled
def pseudonymise(
    files: Annotated[list[Path], typer.Argument(help="Transcripts and tables to copy: .txt .docx .vtt .srt .csv .tsv "
                                                     ".xlsx.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the de-identified copies (same file names).")],
    names: Annotated[Path | None, typer.Option(help="Names the team knows occur (people, schools, streets), one "
                                                     "per line.")] = None,
    places: Annotated[Path | None, typer.Option(help="Places the team knows occur, one per line (where the "
                                                      "scanner reads such a list).")] = None,
    review: Annotated[Path | None, typer.Option(help="The findings file, checked and edited: write the copies "
                                                      "with its kept findings replaced.")] = None,
    findings: Annotated[Path | None, typer.Option(help="Where to write the findings (default: beside the folder, "
                                                        "FOLDER-findings.csv).")] = None,
    key: Annotated[Path | None, typer.Option(help="Key file (placeholder,original,type): read first so placeholders "
                                                  "match earlier batches, updated with --review. Keep it apart from "
                                                  "the copies.")] = None,
    min_score: Annotated[float, typer.Option(min=0.0, max=1.0, help="Findings at least this sure are marked keep, "
                                                                    "the rest ignore.")] = 0.5,
    force: ForceOpt = False,
    encoding: Annotated[str | None, typer.Option(help="Text encoding when a file is not UTF-8, e.g. cp1252; the copy "
                                                      "keeps it.")] = None,
) -> None:
    """De-identified copies of transcripts: scan and list findings to check, then (--review) write the copies.

    Step 1 writes a findings file (one row a likely identifier: where it is, a proposed placeholder, and
    keep or ignore) and copies nothing. Check it in a spreadsheet: set each action, edit placeholders if you
    like (one original, one placeholder). Step 2, with --review, checks every row against the files and
    writes a copy of each in its own format, kept findings replaced; a problem writes nothing. The findings
    file and the key hold the real identifiers: keep them with the originals, never with the copies.
    """
    from workbench.privacy import scan as privacy
    from workbench.privacy.pseudonymise import (
        check_paths,
        default_findings_path,
        findings_csv,
        read_key,
        scan_files,
        write_copies,
    )

    if review is not None:
        outcome = write_copies(files, review, out, key_path=key, force=force, encoding=encoding)
        for path in outcome.written:
            count = outcome.replaced.get(path.name, 0)
            typer.echo(f"wrote {path} ({count} replacement{'s' if count != 1 else ''})")
        for warning in outcome.warnings:
            err(f"warning: {warning}")
        if key is not None:
            typer.echo(f"key {key}: {outcome.key_added} new placeholder(s)" if outcome.key_added
                       else f"key {key}: nothing new")
        typer.echo(f"{len(outcome.written)} de-identified cop{'y' if len(outcome.written) == 1 else 'ies'} in {out}; "
                   "check them before importing with 'workbench ingest'")
        return

    target = findings or default_findings_path(out)
    check_paths(files, out, findings=target, key=key)
    if target.exists() and not force:
        from workbench.errors import InputError

        raise InputError(str(target), "already exists, and may hold a review you have done",
                         "give it to --review, move it away, or overwrite it with --force")
    listed = privacy.read_names(names) if names is not None else None
    place_list = None
    if places is not None:
        reader = getattr(privacy, "read_places", None)
        if reader is None:
            from workbench.errors import WorkbenchError

            raise WorkbenchError("this version of the scanner reads no list of places: leave out --places")
        place_list = reader(places)
    found = scan_files(files, names=listed, places=place_list, key=read_key(key) if key is not None else None,
                       min_score=min_score, encoding=encoding)
    write_out(target, "\ufeff" + findings_csv(found), study=None, force=force)  # the BOM: Excel reads it as UTF-8
    kinds = Counter(f.type for f in found)
    kept = sum(f.action == "keep" for f in found)
    typer.echo(f"{len(found)} finding(s) in {len(files)} file(s)"
               + (": " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) if found else ""))
    typer.echo(f"{kept} marked keep (score at least {min_score:g}), {len(found) - kept} marked ignore")
    typer.echo(f"wrote {target}: it holds the identifiers themselves, so keep it as safe as the originals. "
               "No copies were written.")
    command = ["workbench", "pseudonymise", *map(str, files), "--out", str(out), "--review", str(target)]
    if key is not None:
        command += ["--key", str(key)]
    if encoding:
        command += ["--encoding", encoding]
    typer.echo("next: check each row's action (keep or ignore) and placeholder, then run")
    typer.echo("  " + shlex.join(command))


privacy_app.command("pseudonymise")(pseudonymise)


def register(app: typer.Typer) -> None:
    """Add ``pseudonymise`` to the main ``workbench`` app."""
    app.command("pseudonymise")(pseudonymise)
