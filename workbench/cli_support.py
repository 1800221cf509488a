"""What every ``workbench`` command shares: options, error handling, progress and output."""

from __future__ import annotations

import csv
import functools
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from .errors import WorkbenchError

if TYPE_CHECKING:
    from .decisions import Event
    from .study import Study

__all__ = ["ByOpt", "FormatOpt", "StudyOpt", "WhyOpt", "done", "emit", "err", "handled", "open_study", "progress"]

F = TypeVar("F", bound=Callable[..., Any])

StudyOpt = Annotated[str, typer.Option("--study", "-s", envvar="WORKBENCH_STUDY",
                                       help="Study folder, or an SQLAlchemy URL for a team server.")]
ByOpt = Annotated[str | None, typer.Option("--by", help="Researcher name recorded (default: your user name).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]
WhyOpt = Annotated[str, typer.Option("--why", help="Your reason, kept in the decision log (required to reject, merge, split, revert).")]


def err(message: str) -> None:
    typer.echo(message, err=True)


def handled(fn: F) -> F:
    """Turn the project's errors into one line and exit 1; log anything unexpected."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WorkbenchError as exc:
            err(f"error: {exc}")
            raise typer.Exit(1) from None
        except BrokenPipeError:  # the output was piped into something that stopped reading (| head)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err("interrupted: nothing from the interrupted action was saved")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # a bug: keep the details, show one line
            log = Path(tempfile.gettempdir()) / "workbench-error.log"
            log.write_text(traceback.format_exc(), encoding="utf-8")
            err(f"internal error: {type(exc).__name__}: {exc}. Details are in {log}; please report them.")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def progress(label: str, quiet_for: float = 1.0) -> Callable[[int, int, str], None]:
    """Progress of long work on stderr: a bar on a terminal, plain lines in a log.

    Redirected to a file (a batch job, a CI log), a redrawn bar would be one long line of
    carriage returns, so there each new stage gets a line, and a long stage one more at
    every tenth of the way; work done within ``quiet_for`` seconds prints nothing there,
    so a quick command, or one refused at once for bad input, says only what matters.
    """
    interactive = sys.stderr.isatty()
    last: dict[str, object] = {"item": None, "tenth": -1}
    started = time.monotonic()

    def report(done: int, total: int, item: str) -> None:
        if interactive:
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {item[:30]:<30}")
            if done == total:
                sys.stderr.write("\n")
        else:
            if time.monotonic() - started < quiet_for:
                return
            tenth = 10 * done // total if total else 10
            if item == last["item"] and tenth == last["tenth"]:
                return
            last.update(item=item, tenth=tenth)
            sys.stderr.write(f"{label}: {item} ({done}/{total})\n")
        sys.stderr.flush()

    return report


def emit(rows: list[dict[str, Any]], fmt: str, columns: list[str], widths: dict[str, int] | None = None) -> None:
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        from .spreadsheet import safe_cell

        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: safe_cell(v) for k, v in row.items()})
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(show_lines=False)
        for name in columns:
            table.add_column(name, max_width=(widths or {}).get(name), overflow="ellipsis", no_wrap=True)
        for row in rows:
            # Text(...) keeps transcript words literal: rich markup in a quote is not interpreted.
            table.add_row(*[Text("" if row.get(c) is None else str(row.get(c))) for c in columns])
        Console(width=None if sys.stdout.isatty() else 160).print(table)
    else:
        raise WorkbenchError(f"unknown format {fmt!r}: use table, csv or json")


def open_study(study: str) -> Study:
    from .study import Study

    return Study.open(study)


def done(event: Event) -> None:
    """One line saying what a recorded decision did, with its event number (to revert it by)."""
    from .decisions import describe

    typer.echo(f"#{event.seq} {event.kind} by {event.by}: {describe(event)}")
