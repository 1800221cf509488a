"""The ``workbench`` command: every action a researcher can take, scriptable.

Thin by design: parse options, call one facade method, print. Errors the core raises
(``WorkbenchError``) become one line on stderr and exit code 1; anything else is a bug,
logged in full to a file and reported in one line with exit code 2.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench import __version__
from workbench.cli.analyse import analyse_app
from workbench.cli.candidates import candidates, read_phrases
from workbench.cli.decide import decide_app, log_app, propose_split, suggestions, themes
from workbench.cli.exchange import export_app, import_app
from workbench.cli.model import model_app
from workbench.cli.privacy import register as register_pseudonymise
from workbench.cli.review import register as register_findings
from workbench.cli.support import (
    ByOpt,
    FormatOpt,
    StudyOpt,
    emit,
    err,
    handled,
    open_study,
    progress,
)
from workbench.core.names import json_safe, terminal_safe
from workbench.engine.discovery_settings import QUESTION_READINGS, QUESTION_WEIGHT
from workbench.engine.embed import DEFAULT_BACKEND
from workbench.errors import WorkbenchError
from workbench.io.formats import summary

app = typer.Typer(
    name="workbench",
    help="Offline, NLP-assisted theme discovery for qualitative research teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
REPO_ROOT = Path(__file__).resolve().parents[2]


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False) -> None:
    if version:
        typer.echo(f"workbench {__version__}")
        raise typer.Exit()


@app.command()
@handled
def init(
    study: Annotated[str, typer.Argument(help="Folder to create (holds study.sqlite), or an SQLAlchemy URL.")],
    name: Annotated[str | None, typer.Option(help="A name for the study (default: the folder's name).")] = None,
    logic_model: Annotated[Path | None, typer.Option(help="Start with this logic model (YAML), e.g. models/mash-ipe.yaml.")] = None,
    by: ByOpt = None,
) -> None:
    """Create a new, empty study (optionally with a logic model)."""
    from workbench.study import Study

    created = Study.init(study, by=by, name=name, logic_model=logic_model)
    model = created.logic_model()
    if model is not None:
        typer.echo(f"logic model {model.name!r}: {len(model.nodes)} nodes, {len(model.edges)} edges")
    typer.echo(f"created study at {created.location}")
    typer.echo(f"next: workbench ingest FILES... --study {study}")


@app.command()
@handled
def ingest(
    files: Annotated[list[Path], typer.Argument(help=f"Transcripts ({summary('transcript')}) and tables ({summary('table')}).")],
    study: StudyOpt,
    participants: Annotated[Path | None, typer.Option(help="Participants sidecar (.csv/.xlsx): participant_id, site, role, groups...")] = None,
    id_column: Annotated[str, typer.Option(help="Tables: the column holding segment ids.")] = "id",
    text_column: Annotated[str, typer.Option(help="Tables: the column holding the text.")] = "text",
    transcript_column: Annotated[str, typer.Option(help="Tables: rows sharing this column form one document.")] = "transcript",
    participant_column: Annotated[str, typer.Option(help="Tables: the column naming the participant.")] = "participant",
    speaker_column: Annotated[str, typer.Option(help="Tables: the column naming the speaker.")] = "speaker",
    interviewer: Annotated[list[str] | None, typer.Option(help="A speaker label to treat as interviewer (repeatable); Interviewer, Facilitator, Researcher... are known.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding when a file is not UTF-8, e.g. cp1252.")] = None,
    max_file_mb: Annotated[float, typer.Option(help="Refuse files larger than this many megabytes.")] = float(os.environ.get("WORKBENCH_MAX_FILE_MB", "50")),
    check: Annotated[bool, typer.Option("--check", help="Parse and report speakers, turns and warnings; import nothing.")] = False,
    by: ByOpt = None,
) -> None:
    """Import transcripts and tables into a study: all files in one transaction, or none.

    Every import prints what it read: per transcript, its speakers with their turns and
    share of the words, who counts as interviewer, the preamble's length, and warnings
    (a label found inside turns, one speaker holding nearly all the words, a label matching
    no participant). With --check it prints that and writes nothing.
    """
    from workbench.io.ingest import IngestOptions
    from workbench.io.readers import ReadLimits
    from workbench.io.tabular import Columns

    options = IngestOptions(
        columns=Columns(id_column, text_column, transcript_column, participant_column, speaker_column),
        encoding=encoding,
        limits=ReadLimits(max_bytes=int(max_file_mb * 1024 * 1024)),
        interviewer_labels=tuple(interviewer or ()),
    )
    opened = open_study(study)
    if check:
        parsed = opened.check(files, participants=participants, options=options, progress=progress("reading"))
        for line in parsed.report:
            typer.echo(line)
        typer.echo(f"checked {len(parsed.transcripts)} transcript(s), "
                   f"{sum(len(t.segments) for t in parsed.transcripts)} segment(s); nothing was imported")
        return
    report = opened.ingest(files, by=by, participants=participants, options=options, progress=progress("reading"))
    for line in report.report[:len(report.report) - len(report.warnings)]:
        typer.echo(line)
    for warning in report.warnings:
        err(f"warning: {warning}")
    if not report.changed_anything:
        typer.echo(f"nothing changed: {len(report.unchanged)} transcript(s) already in the study with the same text")
        return
    typer.echo(f"imported {len(report.added)} transcript(s), {report.segments_added} segment(s)"
               + (f"; {len(report.unchanged)} unchanged" if report.unchanged else ""))
    if report.participants_added or report.participants_updated:
        typer.echo(f"participants: {report.participants_added} added, {report.participants_updated} updated")


@app.command()
@handled
def segments(
    study: StudyOpt,
    site: Annotated[str | None, typer.Option(help="Only this site.")] = None,
    role: Annotated[str | None, typer.Option(help="Only this role.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Only this speaker label.")] = None,
    transcript: Annotated[str | None, typer.Option(help="Only this transcript id.")] = None,
    participant: Annotated[str | None, typer.Option(help="Only this participant id.")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Only segments whose participant has COLUMN=VALUE (repeatable).")] = None,
    no_interviewer: Annotated[bool, typer.Option("--no-interviewer", help="Leave interviewer turns out.")] = False,
    fmt: FormatOpt = "table",
) -> None:
    """List segments, filtered; as a table, CSV or JSON."""
    from workbench.core.overview import SegmentFilter, role_of, site_of

    groups = {}
    for item in group or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise WorkbenchError(f"--group {item!r}: write it as COLUMN=VALUE, e.g. --group ethnicity_group='White British'")
        groups[key.strip()] = value.strip()
    where = SegmentFilter(site=site, role=role, speaker=speaker, transcript=transcript, participant=participant,
                          include_interviewer=not no_interviewer, groups=groups)
    rows = [
        {"id": r.id, "transcript": r.transcript_id, "participant": r.participant_id, "speaker": r.speaker,
         "interviewer": r.is_interviewer, "role": role_of(r), "site": site_of(r), "turn": r.turn, "part": r.part,
         "start": r.start, "end": r.end, "text": r.text, "metadata": r.metadata, "groups": r.groups}
        for r in open_study(study).segments(where)
    ]
    columns = ["id", "transcript", "participant", "speaker", "site", "role", "turn", "start", "end", "text"]
    if fmt == "csv":
        for row in rows:
            row["metadata"] = json.dumps(row["metadata"], ensure_ascii=False)
            row["groups"] = json.dumps(row["groups"], ensure_ascii=False)
        columns = [*columns[:-1], "interviewer", "part", "text", "metadata", "groups"]
    emit(rows, fmt, columns, {"text": 70, "speaker": 14, "role": 18})


@app.command()
@handled
def info(study: StudyOpt, fmt: FormatOpt = "table") -> None:
    """What the study holds: counts per site, role, participant and transcript."""
    opened = open_study(study)
    view = opened.overview()
    if fmt == "json":
        from dataclasses import asdict

        typer.echo(json_safe(json.dumps({"study": opened.location, **asdict(view)}, ensure_ascii=False, indent=1)))
        return
    if fmt != "table":
        raise WorkbenchError(f"unknown format {fmt!r} for info: use table or json")
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Sites, roles, participants and file names come from imported files: literal text, escapes shown.
    console = Console()
    console.print(Text.assemble(("Study", "bold"), " ", terminal_safe(opened.location)), highlight=False)
    console.print(f"{view.transcripts} transcripts, {view.segments} segments ({view.words:,} words), "
                  f"{view.participants} participants; interviewer turns {view.interviewer_segments} "
                  f"({view.interviewer_share:.0%} of the text)", highlight=False)
    for title, pairs in (("site", view.by_site), ("role", view.by_role),
                         ("participant", view.by_participant), ("transcript", view.by_transcript)):
        table = Table(title=f"Segments by {title}" + (" (participants' turns)" if title != "transcript" else ""))
        table.add_column(title)
        table.add_column("segments", justify="right")
        for key, count in pairs:
            table.add_row(Text(terminal_safe(str(key))), str(count))
        console.print(table)
    if view.unsited_participants:
        console.print(Text(terminal_safe(f"Not in the participants file: {', '.join(view.unsited_participants)}")),
                      highlight=False)


@app.command()
@handled
def scan(
    study: StudyOpt,
    names: Annotated[Path | None, typer.Option(help="Names the team knows occur in the interviews (people, schools, streets), one per line; each is looked for as a whole word.")] = None,
    places: Annotated[Path | None, typer.Option(help="The study's local places (estates, villages, wards, neighbourhoods), one per line: found wherever they occur.")] = None,
    min_score: Annotated[float, typer.Option(min=0.0, max=1.0, help="Only findings at least this sure (0 to 1).")] = 0.0,
    fmt: FormatOpt = "table",
) -> None:
    """Residual-identifier report: names nobody listed, schools and other institutions, addresses, places, phone, NHS and NI numbers, postcodes, emails, dates of birth left in the text."""
    from collections import Counter

    from workbench.privacy.scan import context

    found = [(row, f) for row, f in open_study(study).scan(names, places) if f.score >= min_score]
    rows = [
        {"segment_id": f.segment_id, "transcript": row.transcript_id, "participant": row.participant_id,
         "type": f.type, "start": row.start + f.start, "end": row.start + f.end, "segment_start": f.start,
         "segment_end": f.end, "text": f.text, "score": round(f.score, 2), "why": f.why,
         "context": context(row.text, f.start, f.end)}
        for row, f in found
    ]
    if fmt == "table":
        emit(rows, fmt, ["segment_id", "type", "text", "score", "why", "context"],
             {"text": 30, "why": 40, "context": 60})
        kinds = Counter(r["type"] for r in rows)
        typer.echo(f"{len(rows)} possible identifier(s) in {len({r['segment_id'] for r in rows})} segment(s)"
                   + (": " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) if rows else "")
                   + ". Nothing was changed: correct the transcripts and import them again.")
        return
    emit(rows, fmt, ["segment_id", "transcript", "participant", "type", "start", "end", "segment_start",
                     "segment_end", "text", "score", "why", "context"])


@app.command()
@handled
def discover(
    study: StudyOpt,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed and segments give the same candidates.")] = 42,
    min_size: Annotated[int | None, typer.Option(help="Smallest candidate, in segments (default: grows with the study).")] = None,
    include_interviewer: Annotated[bool, typer.Option("--include-interviewer", help="Cluster interviewer turns too.")] = False,
    min_similarity: Annotated[float, typer.Option(help="Segments less similar than this to their nearest candidate, and far out among its members, stay unassigned, for triage.")] = 0.25,
    question_weight: Annotated[float, typer.Option(min=0.0, max=2.0, help="How much each answer is read with the interviewer's question before it (0: answers alone). The segment's text and quotes are unchanged.")] = QUESTION_WEIGHT,
    question_reading: Annotated[str, typer.Option(help="How an answer is read with its question: added (the question's vector added to the answer's, at --question-weight) or joined (their words embedded as one text; reads half-sentence answers better, self-contained answers less well).")] = QUESTION_READINGS[0],
    small_talk: Annotated[str, typer.Option(help="How turns with no analytic content (greetings, thanks, consent, backchannels) are recognised and kept apart in one group: english (rules and the model) or off.")] = "english",
    small_talk_phrases: Annotated[Path | None, typer.Option(help="A text file of the study's own examples of small talk, one per line (any language).")] = None,
    runs: Annotated[int | None, typer.Option(min=2, max=50, help="Seeded layouts that vote on the candidates; more is steadier and slower; an odd number avoids ties (default: 31 up to 10,000 segments, fewer above as each layout costs more, 5 from 50,000).")] = None,
    backend: Annotated[str, typer.Option(help="Embedding backend: onnx (full precision, the default), torch (the same vectors, slower) or onnx-int8 (about 1.4-2x faster; its candidates differ from full precision's).")] = DEFAULT_BACKEND,
    by: ByOpt = None,
) -> None:
    """Propose candidate themes: embed the segments, cluster them, record the run."""
    from workbench.engine.discover import DiscoveryParams, clusterable

    phrases = read_phrases(small_talk_phrases) if small_talk_phrases else ()
    params = DiscoveryParams(seed=seed, min_size=min_size, include_interviewer=include_interviewer,
                             min_similarity=min_similarity, runs=runs, question_weight=question_weight,
                             question_reading=question_reading, small_talk=small_talk, small_talk_phrases=phrases)
    opened = open_study(study)
    from workbench.core.estimate import describe

    expected = opened.estimate_discovery(params, backend)
    if expected.segments:
        for line in describe(expected):
            typer.echo(line)
    run = opened.discover(params, by=by, backend=backend, progress=progress("discovering"))
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in run.timings.items())
    typer.echo(f"run {run.id}: {run.candidates} candidate themes from {run.segments} segments; "
               f"coverage {run.coverage:.1%} (the rest await triage)")
    if run.params.get("small_talk_segments"):
        typer.echo(f"{run.params['small_talk_segments']} turns of small talk kept apart in one group (listed last "
                   "by 'workbench candidates'; reject it if it holds no theme)")
    smallest = run.params["min_cluster_size"]
    if run.candidates == 0 and not clusterable(run.segments, smallest):
        typer.echo(f"too few segments to cluster: a candidate needs at least {smallest} segments and there must "
                   "be room for two; import more, or lower --min-size")
    elif run.candidates == 0:
        typer.echo(f"no group of at least {smallest} similar segments was found; lower --min-size to look for "
                   "smaller ones")
    typer.echo(f"model {run.model_name} ({run.backend}, weights {run.model_sha256[:12]}); {timings}")
    typer.echo(f"next: workbench candidates --study {study}")


app.command("candidates")(candidates)
app.add_typer(decide_app, name="decide")
app.command("themes")(themes)
app.command("propose-split")(propose_split)
app.command("suggestions")(suggestions)
app.add_typer(log_app, name="log")
app.add_typer(model_app, name="model")
app.add_typer(analyse_app, name="analyse")
app.add_typer(export_app, name="export")
register_pseudonymise(app)
register_findings(app)
app.add_typer(import_app, name="import")


@app.command("app")
@handled
def serve(
    study: StudyOpt,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (or the address in streamlit.toml).")] = 8501,
) -> None:
    """Serve the workbench in your browser, with the settings in streamlit.toml."""
    import subprocess

    from workbench.cli.launcher import command, settings

    opened = open_study(study)
    location = study if "://" in study else str(Path(study).resolve())
    opened.close()
    address = settings()["server"].get("address", "127.0.0.1")
    typer.echo(f"serving {location} at http://{address}:{port}  (open it in your browser; Ctrl+C to stop)")
    argv, env = command(location, port)
    sys.stdout.flush()
    if os.name == "posix":  # become Streamlit: signals (Ctrl+C, a test's terminate) reach the server itself
        os.execve(argv[0], argv, env)
    try:
        raise typer.Exit(subprocess.call(argv, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


@app.command()
@handled
def demo(
    study: Annotated[Path, typer.Option("--study", "-s", help="Where to build the sample study.")] = Path("sample-study"),
    corpus: Annotated[Path, typer.Option(help="The sample corpus folder.")] = REPO_ROOT / "corpus",
    serve_app: Annotated[bool, typer.Option("--app/--no-app", help="End by serving the study in the app.")] = True,
    port: Annotated[int, typer.Option(help="Port for the app.")] = 8501,
) -> None:
    """The sample study end to end: create it from corpus/, import it, discover candidates, open the app."""
    from workbench.study import Study

    files = sorted(p for p in (corpus / "transcripts").iterdir() if p.is_file() and not p.name.startswith("."))
    sample_model = REPO_ROOT / "models" / "mash-ipe.yaml"
    opened = Study.open(study) if (study / "study.sqlite").exists() else Study.init(
        study, name="MASH sample study", logic_model=sample_model if sample_model.is_file() else None)
    typer.echo(f"sample study at {opened.location}: importing {len(files)} files from {corpus / 'transcripts'}")
    report = opened.ingest(files, participants=corpus / "participants.csv", progress=progress("reading"))
    for warning in report.warnings:
        err(f"warning: {warning}")
    typer.echo(f"imported {len(report.added)} transcript(s), {report.segments_added} segment(s); "
               f"{len(report.unchanged)} already there")
    info(study=str(study), fmt="table")
    if not opened.runs():
        discover(study=str(study))
    candidates(study=str(study))
    if serve_app:
        serve(study=str(study), port=port)


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
