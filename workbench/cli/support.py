"""What every ``workbench`` command shares: options, error handling, progress and output."""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from workbench.core.decision_kinds import reason_help
from workbench.core.names import check_name, check_reason, json_safe, terminal_safe
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.decisions import Event
    from workbench.study import Study

__all__ = ["ByOpt", "ClientIdOpt", "ForceOpt", "FormatOpt", "StudyOpt", "WhyOpt", "check_out", "checked_by", "checked_why", "decided", "done",
           "emit", "err", "handled", "open_study", "progress", "write_out"]

F = TypeVar("F", bound=Callable[..., Any])

StudyOpt = Annotated[str, typer.Option("--study", "-s", envvar="WORKBENCH_STUDY",
                                       help="Study folder, or an SQLAlchemy URL for a team server.")]


def _refused(message: str) -> typer.Exit:
    err(f"error: {message}")
    return typer.Exit(1)


def checked_by(value: str | None) -> str | None:
    """``--by`` as it will be recorded; absent stays None (your user name), but empty is an error.

    Checked as the option is read, so ``--by ""`` is not taken for "not given" by the
    ``by or default_researcher()`` further in, and a refused name is one line, exit 1.
    """
    if value is None:
        return None
    if not value.strip():
        raise _refused("--by is empty: give the researcher's name, or leave --by out to use your user name")
    try:
        return check_name(value, "--by")
    except WorkbenchError as exc:
        raise _refused(str(exc)) from None


def checked_why(value: str) -> str:
    """``--why`` as it will be recorded (control and bidirectional characters refused), checked as it is read."""
    try:
        return check_reason(value, "--why")
    except WorkbenchError as exc:
        raise _refused(str(exc)) from None


ByOpt = Annotated[str | None, typer.Option("--by", help="Researcher name recorded (default: your user name).",
                                           callback=checked_by)]
ClientIdOpt = Annotated[str | None, typer.Option(
    "--client-id", help="An id you choose for this action (a uuid): run again with it, it is recorded once.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]
# The kinds that need a reason are read from the table of decision kinds, so the help cannot drift from the rule.
WhyOpt = Annotated[str, typer.Option("--why", help=reason_help(), callback=checked_why)]


def err(message: str) -> None:
    typer.echo(terminal_safe(message), err=True)


class Stopped(KeyboardInterrupt):
    """A request to stop (SIGTERM, SIGHUP) raised like Ctrl+C, so clean-up code runs.

    By default Python dies on these signals at once, skipping every ``finally``: an open
    transaction is rolled back by the database anyway, but layout workers would run on
    and the temporary folder holding the study's vectors would stay behind. A batch
    system's time limit, a closed terminal or ``kill`` all send one of them.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _stop(signum: int, _frame: object) -> None:
    # Clean-up runs next; a repeated signal (a batch system's second notice, a terminal's
    # hang-up after a kill) must not cut it short. _signals_stop puts the handlers back.
    for number in _STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    raise Stopped(signum)


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise ``Stopped``.

    Only in the main thread (elsewhere Python refuses), and never for a signal already
    ignored: under ``nohup`` a closed terminal must not stop the command.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {number: signal.signal(number, _stop) for number in _STOP_SIGNALS
              if signal.getsignal(number) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def handled(fn: F) -> F:
    """Turn the project's errors into one line and exit 1; log anything unexpected.

    Ctrl+C and a request to stop (``Stopped``) end the command the same way: what was not
    yet saved is rolled back, workers stop, and the exit code is 128 plus the signal's
    number, as a shell reports a command a signal ended.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _signals_stop():
                return fn(*args, **kwargs)
        except WorkbenchError as exc:
            err(f"error: {exc}" + (f" (give it with {exc.flag})" if exc.flag else ""))
            raise typer.Exit(1) from None
        except BrokenPipeError:  # the output was piped into something that stopped reading (| head)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(1) from None
        except KeyboardInterrupt as exc:
            signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
            how = "interrupted" if signum == signal.SIGINT else f"stopped ({signal.Signals(signum).name})"
            err(f"{how}: what was not yet saved was discarded; nothing is left half-saved")
            raise typer.Exit(128 + int(signum)) from None
        except (typer.Exit, typer.Abort):
            raise
        except MemoryError:  # the machine's limit, not a bug: the transaction was rolled back
            err("error: the computer ran out of memory: what was not yet saved was discarded; nothing is left "
                "half-saved (split the largest files into smaller ones, or close other programs, and try again)")
            raise typer.Exit(1) from None
        except Exception as exc:  # a bug: keep the details, show one line
            log = Path(tempfile.gettempdir()) / "workbench-error.log"
            log.write_text(traceback.format_exc(), encoding="utf-8")
            err(f"internal error: {type(exc).__name__}: {exc}. Details are in {log}; please report them.")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def progress(label: str, quiet_for: float = 1.0, every: float = 5.0) -> Callable[[int, int, str], None]:
    """Progress of long work on stderr: a bar on a terminal, plain lines in a log.

    Redirected to a file (a batch job, a CI log), a redrawn bar would be one long line of
    carriage returns, so there the latest state is written as a line at most every
    ``every`` seconds: a line that has to wait is held and written when its turn comes,
    so a stage that starts and then runs for minutes is in the log while it runs, and
    thousands of files read in a minute are a dozen lines, not thousands. Work finished
    within ``quiet_for`` seconds writes nothing there, so a quick command, or one refused
    at once for bad input, says only what matters.
    """
    if sys.stderr.isatty():
        def bar(done: int, total: int, item: str) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {item[:30]:<30}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        return bar

    import threading

    lock = threading.Lock()
    started = time.monotonic()
    state: dict[str, Any] = {"held": None, "last": float("-inf"), "timer": None}

    def write(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
        state["last"], state["held"] = time.monotonic(), None

    def release() -> None:
        with lock:
            if state["held"] is not None:
                write(state["held"])

    def report(done: int, total: int, item: str) -> None:
        line, now = f"{label}: {item} ({done}/{total})", time.monotonic()
        with lock:
            if state["timer"] is not None:
                state["timer"].cancel()
                state["timer"] = None
            if total and done >= total:  # the end of a stage: said at once, unless it was quick
                state["held"] = None
                if now - started >= quiet_for:
                    write(line)
                return
            due = max(started + quiet_for, state["last"] + every)
            if now >= due:
                write(line)
                return
            state["held"] = line
            timer = threading.Timer(due - now, release)
            timer.daemon = True
            timer.start()
            state["timer"] = timer

    return report


TABLE_ROWS = 1_000


def emit(rows: list[dict[str, Any]], fmt: str, columns: list[str], widths: dict[str, int] | None = None) -> None:
    if fmt == "json":
        typer.echo(json_safe(json.dumps(rows, ensure_ascii=False, indent=1)))
    elif fmt == "csv":
        from workbench.core.spreadsheet import safe_cell

        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: terminal_safe(safe_cell(v)) if isinstance(v, str) else safe_cell(v)
                             for k, v in row.items()})
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        console = Console(width=None if sys.stdout.isatty() else 160)
        # In tables of TABLE_ROWS rows: rich lays a whole table out in memory before printing
        # it, and a scan of a 15 MB one-turn file (a hundred thousand findings) took 495 MB.
        for start in range(0, max(len(rows), 1), TABLE_ROWS):
            table = Table(show_lines=False)
            for name in columns:
                # Headers can be data too (a site's or a reviewer's name): Text keeps "[pilot]" literal.
                table.add_column(Text(name), max_width=(widths or {}).get(name), overflow="ellipsis", no_wrap=True)
            for row in rows[start:start + TABLE_ROWS]:
                # Text(...) keeps transcript words literal: rich markup in a quote is not interpreted.
                # terminal_safe: a recorded escape code or bidi override is shown, never obeyed.
                table.add_row(*[Text("" if row.get(c) is None else terminal_safe(str(row.get(c)))) for c in columns])
            console.print(table)
    else:
        raise WorkbenchError(f"unknown format {fmt!r}: use table, csv or json")


ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an output file already there (a study's own files "
                                                     "are never replaced).")]


def write_out(out: Path, data: str | bytes | list[str], *, study: str | None, force: bool) -> Path:
    """A command's ``--out`` file, through ``export.write_output``: never one of the study's files, never over
    an existing file without ``--force``, always whole (written beside and renamed)."""
    from workbench.io.export import write_output
    from workbench.store.database import study_url

    return write_output(out, data, force=force, study_folder=study_url(study)[1] if study else None)


def check_out(out: Path, *, study: str | None, force: bool) -> None:
    """``write_out``'s refusals before any work: a command refused for its ``--out`` wastes no minutes first."""
    from workbench.io.export import check_output
    from workbench.store.database import study_url

    check_output(out, force=force, study_folder=study_url(study)[1] if study else None)


def open_study(study: str) -> Study:
    """The study, whose writes say on stderr, once each, when they wait for another writer."""
    from workbench.study import Study

    opened = Study.open(study)
    opened.store.on_wait = err
    return opened


def done(event: Event, again: bool = False) -> None:
    """One line saying what a recorded decision did, with its event number (to revert it by).

    ``again``: a retry (same ``--client-id``) of a decision recorded before; nothing new was.
    """
    from workbench.core.decisions import describe

    said = f"#{event.seq} {event.kind} by {event.by}: {describe(event)}"
    typer.echo(terminal_safe(f"already recorded as {said}; nothing new recorded" if again else said))


def decided(study: str, client_id: str | None, action: Callable[[Study], Event | list[Event]]) -> None:
    """Open the study, make one decision (recorded once per ``--client-id``) and say what was recorded.

    An action that records several events at once (an accept with its split) says each.
    """
    opened = open_study(study)
    with opened.once(client_id) as once:
        made = action(opened)
    for event in made if isinstance(made, list) else [made]:
        done(event, again=bool(once.repeated))
