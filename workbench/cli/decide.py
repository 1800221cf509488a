"""``workbench decide``, ``themes``, ``propose-split`` and ``log``: the decision log from the command line.

Each decision is one call to the study facade, the same the app makes, and prints the
event it recorded. Refusals (a theme merged a moment ago by someone else, a reason
missing) are one line on stderr and exit code 1; nothing is recorded.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.support import (
    ByOpt,
    ClientIdOpt,
    ForceOpt,
    FormatOpt,
    StudyOpt,
    WhyOpt,
    check_out,
    decided,
    emit,
    handled,
    open_study,
    write_out,
)
from workbench.core.decisions import describe_all
from workbench.core.names import terminal_safe
from workbench.core.spreadsheet import unsafe_cell
from workbench.errors import InputError, WorkbenchError

__all__ = ["decide_app", "log_app", "propose_split", "suggestions", "themes"]

decide_app = typer.Typer(help="Record a decision in the study's decision log.", no_args_is_help=True)
log_app = typer.Typer(help="Show, verify or export the decision log.", no_args_is_help=True)
ThemeArg = Annotated[str, typer.Argument(help="Theme id, e.g. T-003.")]
NodeArg = Annotated[str, typer.Argument(help="Logic-model node id.")]
# A validation session's verdicts, as ``vote`` and ``adjudicate`` both take them.
ItemArg = Annotated[str, typer.Argument(help="Theme or candidate id.")]
VerdictArg = Annotated[str, typer.Argument(help="accept, reject or revise.")]
SessionOpt = Annotated[str, typer.Option(help="The validation session's name.")]



@decide_app.command("accept")
@handled
def accept(candidate: Annotated[str, typer.Argument(help="Candidate id, e.g. R1-C03 (or C03: latest run).")],
           study: StudyOpt, name: Annotated[str | None, typer.Option(help="The theme's name (default: the suggested label).")] = None,
           sub_candidates: Annotated[bool, typer.Option("--sub-candidates", help="Accept one theme for each "
                                                        "sub-candidate the run found inside it (see 'workbench "
                                                        "candidates --within'); a reason is required.")] = False,
           by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Accept a candidate as a theme (a new id, T-001..., with the candidate's segments)."""
    if sub_candidates:
        decided(study, client_id, lambda s: s.accept_sub_candidates(candidate, by, why))
        return
    decided(study, client_id, lambda s: s.accept(candidate, name, by, why))


@decide_app.command("reject")
@handled
def reject(candidate: Annotated[str, typer.Argument(help="Candidate id.")], study: StudyOpt, by: ByOpt = None,
           why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Reject a candidate (a reason is required)."""
    decided(study, client_id, lambda s: s.reject(candidate, by, why))


@decide_app.command("create")
@handled
def create(name: Annotated[str, typer.Argument(help="The new theme's name.")], study: StudyOpt,
           segment: Annotated[list[str] | None, typer.Option(help="A segment to code to it (repeatable).")] = None,
           definition: Annotated[str, typer.Option(help="What the theme means.")] = "",
           by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Create a theme of your own (a deductive code), optionally with segments."""
    decided(study, client_id, lambda s: s.create_theme(name, segment or [], definition=definition, by=by, why=why))


@decide_app.command("rename")
@handled
def rename(theme: ThemeArg,
           name: Annotated[str, typer.Argument(help="The new name.")], study: StudyOpt, by: ByOpt = None,
           why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Rename a theme."""
    decided(study, client_id, lambda s: s.rename(theme, name, by, why))


@decide_app.command("merge")
@handled
def merge(sources: Annotated[list[str], typer.Argument(help="Themes or candidates to merge in.")], study: StudyOpt,
          into: Annotated[str, typer.Option(help="The theme (or candidate, accepted by the merge) they join.")],
          name: Annotated[str | None, typer.Option(help="Name, when merging into a candidate.")] = None,
          by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Merge themes or candidates into one theme (a reason is required)."""
    decided(study, client_id, lambda s: s.merge(sources, into, name, by, why))


def _read_parts(path: Path) -> list[tuple[str, list[str]]]:
    """``segment_id,part`` rows (as written by propose-split, perhaps edited) -> [(name, members)]."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"segment_id", "part"} - set(reader.fieldnames or [])
            if missing:
                raise InputError(str(path), f"no {' or '.join(sorted(missing))} column",
                                 "give a CSV with the columns segment_id,part (as propose-split writes)", line=1)
            parts: dict[str, list[str]] = {}
            for line, row in enumerate(reader, start=2):
                seg, part = (unsafe_cell((row.get(c) or "").strip()) for c in ("segment_id", "part"))
                if not seg or not part:
                    raise InputError(str(path), "a row without a segment_id or a part",
                                     "fill both cells, or delete the row", line=line)
                parts.setdefault(part, []).append(seg)
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})", "check the path") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text", "save it as CSV UTF-8") from None
    return list(parts.items())


@decide_app.command("split")
@handled
def split(theme: ThemeArg, study: StudyOpt,
          parts: Annotated[Path, typer.Option(help="CSV of segment_id,part: every segment of the theme in one part "
                                                   "(write a proposal with 'workbench propose-split').")],
          by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Split a theme into parts, each a new theme (a reason is required)."""
    decided(study, client_id, lambda s: s.split(theme, _read_parts(parts), by, why))


@decide_app.command("move")
@handled
def move(segments: Annotated[list[str], typer.Argument(help="Segment ids.")], study: StudyOpt,
         source: Annotated[str, typer.Option("--from", help="The theme they leave.")],
         target: Annotated[str, typer.Option("--to", help="The theme they join.")],
         by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Move segments from one theme to another."""
    decided(study, client_id, lambda s: s.move(segments, source, target, by, why))


@decide_app.command("assign")
@handled
def assign(segments: Annotated[list[str], typer.Argument(help="Segment ids.")], study: StudyOpt,
           theme: Annotated[str, typer.Option(help="The theme to code them to.")], by: ByOpt = None,
           why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Code segments to a theme (a segment may be in several themes)."""
    decided(study, client_id, lambda s: s.assign(segments, theme, by, why))


@decide_app.command("dismiss")
@handled
def dismiss(segments: Annotated[list[str], typer.Argument(help="Segment ids.")], study: StudyOpt, by: ByOpt = None,
            why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Take unassigned segments out of triage: read, and judged to belong to no theme (revert to restore)."""
    decided(study, client_id, lambda s: s.dismiss(segments, by, why))


@decide_app.command("unassign")
@handled
def unassign(segments: Annotated[list[str], typer.Argument(help="Segment ids.")], study: StudyOpt,
             theme: Annotated[str, typer.Option(help="The theme to take them out of.")], by: ByOpt = None,
             why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Take segments out of a theme."""
    decided(study, client_id, lambda s: s.unassign(segments, theme, by, why))


@decide_app.command("define")
@handled
def define(theme: ThemeArg, study: StudyOpt,
           definition: Annotated[str | None, typer.Option(help="What the theme means.")] = None,
           inclusion: Annotated[str | None, typer.Option(help="What belongs in it.")] = None,
           exclusion: Annotated[str | None, typer.Option(help="What does not, and where it goes instead.")] = None,
           exemplar: Annotated[list[str] | None, typer.Option(help="A member segment to quote (repeatable; replaces the list).")] = None,
           by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Write a theme's definition, inclusion and exclusion criteria and exemplar quotes."""
    decided(study, client_id, lambda s: s.define(theme, definition, inclusion, exclusion, exemplar, by, why))


@decide_app.command("map")
@handled
def map_(theme: ThemeArg,
         node: NodeArg, study: StudyOpt,
         note: Annotated[str, typer.Option(help="How the theme evidences the node.")] = "",
         by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Map a theme to a node of the logic model, with a note."""
    decided(study, client_id, lambda s: s.map_theme(theme, node, note, by, why))


@decide_app.command("unmap")
@handled
def unmap(theme: ThemeArg,
          node: NodeArg, study: StudyOpt, by: ByOpt = None,
          why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Remove a theme's mapping to a logic-model node."""
    decided(study, client_id, lambda s: s.unmap_theme(theme, node, by, why))


@decide_app.command("memo")
@handled
def memo(text: Annotated[str, typer.Argument(help="The memo.")], study: StudyOpt,
         theme: Annotated[str | None, typer.Option(help="The theme it is about.")] = None,
         segment: Annotated[str | None, typer.Option(help="The segment it is about.")] = None,
         by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Write an analytic memo, on the study, a theme or a segment."""
    decided(study, client_id, lambda s: s.memo(text, theme, segment, by, why))


@decide_app.command("vote")
@handled
def vote(item: ItemArg, verdict: VerdictArg, study: StudyOpt, session: SessionOpt, by: ByOpt = None,
         why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Your own verdict on a theme or candidate in a validation session."""
    decided(study, client_id, lambda s: s.vote(session, item, verdict, by, why))


@decide_app.command("adjudicate")
@handled
def adjudicate(item: ItemArg, outcome: VerdictArg, study: StudyOpt, session: SessionOpt, by: ByOpt = None,
               why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Record the consensus reached on an item in a validation session (a reason is required)."""
    decided(study, client_id, lambda s: s.adjudicate(session, item, outcome, by, why))


@decide_app.command("revert")
@handled
def revert(event: Annotated[int, typer.Argument(help="The number of the event to undo (see 'workbench log show').")],
           study: StudyOpt, by: ByOpt = None, why: WhyOpt = "", client_id: ClientIdOpt = None) -> None:
    """Undo an earlier decision by a new event (a reason is required); revert a revert to restore."""
    decided(study, client_id, lambda s: s.revert(event, by, why))


@handled
def themes(study: StudyOpt, fmt: FormatOpt = "table") -> None:
    """The codebook as it stands: the themes, their sizes, definitions and mappings."""
    opened = open_study(study)
    book = opened.codebook()
    rows = [{**t.summary(), "nodes": t.summary()["nodes"]} for t in sorted(book.themes.values(), key=lambda t: t.id)]
    if fmt == "json":
        emit(rows, fmt, [])
        return
    for row in rows:
        row["members"] = ";".join(row["members"]) if fmt == "csv" else row["size"]
        row["exemplars"] = ";".join(row["exemplars"])
        row["nodes"] = ";".join(row["nodes"])
        row["history"] = ";".join(map(str, row["history"]))
    columns = ["id", "name", "size", "origin", "nodes", "definition"]
    if fmt == "csv":
        columns = ["id", "name", "size", "origin", "definition", "inclusion", "exclusion", "exemplars", "nodes",
                   "members", "history"]
    emit(rows, fmt, columns, {"name": 40, "definition": 50})
    if fmt == "table":
        coded = len(book.coded)
        typer.echo(f"{len(rows)} theme(s); {coded} segment(s) coded; {len(book.retired)} retired; "
                   f"{sum(1 for v in book.candidates.values() if v.status == 'rejected')} candidate(s) rejected")


@handled
def propose_split(theme: ThemeArg, study: StudyOpt,
                  parts: Annotated[int | None, typer.Option(help="How many parts (default: the best of 2-6).")] = None,
                  out: Annotated[Path | None, typer.Option("--out", "-o", help="Write segment_id,part CSV here, to edit and pass to 'decide split --parts'.")] = None,
                  force: ForceOpt = False) -> None:
    """Propose sub-groups of a theme's segments (re-clustered) for a split; records nothing."""
    from workbench.core.spreadsheet import csv_text

    if out is not None:
        check_out(out, study=study, force=force)
    proposal = open_study(study).propose_split(theme, parts)
    names = [f"{i + 1}: {p.label}" for i, p in enumerate(proposal)]
    for name, part in zip(names, proposal, strict=True):
        typer.echo(terminal_safe(f"part {name} ({len(part.members)} segments)"))
    if out is not None:
        rows = [["segment_id", "part"], *([m, name] for name, part in zip(names, proposal, strict=True)
                                          for m in part.members)]
        write_out(out, csv_text(rows), study=study, force=force)
        typer.echo(f"wrote {out}; edit the part column if you wish, then: workbench decide split {theme} "
                   f"--parts {out} --study {study} --why ...")


@log_app.command("show")
@handled
def log_show(study: StudyOpt, fmt: FormatOpt = "table",
             last: Annotated[int | None, typer.Option(help="Only the last N events.")] = None) -> None:
    """The decision log: who decided what, when and why."""
    opened = open_study(study)
    log = opened.log()
    events = log.events[-last:] if last else log.events
    said = describe_all(log.events, log.undone)  # names, earlier names, what each revert undid
    rows = [{"seq": e.seq, "at": e.at, "by": e.by, "kind": e.kind, "what": said[e.seq], "why": e.rationale,
             "active": log.active(e.seq), "payload": e.payload if fmt == "json" else e.payload_json,
             "hash": e.hash} for e in events]
    if fmt == "table":
        for row in rows:
            row["at"] = row["at"][:19].replace("T", " ")
            row["kind"] = row["kind"] + ("" if row["active"] else " (undone)")
        emit(rows, fmt, ["seq", "at", "by", "kind", "what", "why"], {"what": 60, "why": 40})
        return
    emit(rows, fmt, ["seq", "at", "by", "kind", "what", "why", "active", "payload", "hash"])


@log_app.command("head")
@handled
def log_head(study: StudyOpt) -> None:
    """The log's head (last event and hash) as one line to record outside the study: email, lab notebook."""
    opened = open_study(study)
    problems = opened.verify_log()
    if problems:
        raise WorkbenchError(f"the decision log of {opened.location} FAILED verification ({problems[0]}): a head "
                             f"recorded now would vouch for it; run 'workbench log verify --study {study}'")
    named = opened.log_head_line()
    if named is None:
        typer.echo("the decision log is empty: no head to record yet")
        return
    last, line = named
    typer.echo(f"event #{last.seq}\nsha256 {last.hash}\n{line}")
    typer.echo(f"record the last line outside the study; later, 'workbench log verify --study {study} --head "
               "\"<that line>\"' proves the log still extends it", err=True)


@log_app.command("verify")
@handled
def log_verify(study: StudyOpt,
               head: Annotated[str | None, typer.Option(help="A head recorded earlier ('workbench log head'): "
                                                         "#N:HASH, N:HASH, its one-line form, or the hash.")] = None,
               against: Annotated[Path | None, typer.Option(help="An earlier 'log export' (.jsonl or .csv): every "
                                                                "event in it must still be in the log, unchanged.")] = None) -> None:
    """Check the log's hash chain, and that it still extends a head or export recorded earlier."""
    opened = open_study(study)
    problems = opened.verify_log(head, against)
    if problems:
        for problem in problems:
            typer.echo(f"problem: {problem}", err=True)
        raise WorkbenchError(f"the decision log of {opened.location} FAILED verification: {len(problems)} "
                             "problem(s) above")
    events = opened.store.events()
    now = f"#{events[-1].seq} sha256:{events[-1].hash}" if events else "(empty)"
    extends = "".join(f"; it extends {what}" for what, given in (("the head you gave", head),
                                                                  (str(against), against)) if given)
    typer.echo(f"the decision log is intact: {len(events)} event(s); head {now}{extends}")


@log_app.command("export")
@handled
def log_export(study: StudyOpt,
               out: Annotated[Path, typer.Option("--out", "-o", help="A .csv (for reading) or .jsonl (exact, re-verifiable) file.")],
               force: ForceOpt = False) -> None:
    """Write the decision log to a file."""
    check_out(out, study=study, force=force)
    opened = open_study(study)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise WorkbenchError(f"{out}: name a .csv or .jsonl file")
    log = opened.log()
    write_out(out, opened.log_file(suffix.lstrip(".")), study=study, force=force)
    typer.echo(f"wrote {len(log.events)} event(s) to {out}; head #{log.seq} sha256:{log.head}")




@handled
def suggestions(study: StudyOpt, run: Annotated[int | None, typer.Option(help="Which run (default: the latest).")] = None,
                fmt: FormatOpt = "table") -> None:
    """Accepted themes suggested for segments no theme holds (from a re-run), to confirm with 'decide assign'."""
    opened = open_study(study)
    book = opened.codebook()
    texts = {r.id: r.text for r in opened.segments()}
    rows = [{"segment_id": seg, "theme": theme, "name": book.themes[theme].name if theme in book.themes else "",
             "similarity": sim, "text": texts.get(seg, "")}
            for seg, theme, sim in opened.theme_suggestions(run)
            if theme in book.themes and theme not in book.themes_of(seg)]
    rows.sort(key=lambda r: (-r["similarity"], r["segment_id"], r["theme"]))
    emit(rows, fmt, ["segment_id", "theme", "name", "similarity", "text"], {"name": 30, "text": 70})
    if fmt == "table":
        typer.echo(f"{len(rows)} suggestion(s); confirm one with: workbench decide assign SEGMENT --theme THEME "
                   f"--study {study}")
