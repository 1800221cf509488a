"""What leaves the study, and the checks that what left still matches it.

One place for each file the command line and the Export page both write (assignments,
the decision log, the codebook in its six forms, the logic model), so the two never
differ; and the log's anchoring: the line a team records outside the database, and the
check that the log still extends it or an earlier export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.decisions import DecisionError, Event, Log, chain_problems
from workbench.core.segments import SegmentRow
from workbench.errors import InputError, StudyError

if TYPE_CHECKING:
    from workbench.study import Study

__all__ = ["assignments_file", "codebook_file", "export_logic_model", "log_file", "log_head_line", "project", "uid",
           "verify_log"]


def uid(study: Study) -> str:
    """A stable identifier for the study (its name and creation time), for export guids."""
    meta = study.store.meta()
    return f"{meta.get('name', '')}@{meta.get('created_at', '')}"


def assignments_file(study: Study, run_id: int | None = None) -> str:
    """A run's assignments as CSV, each segment with the themes that hold it now.

    One place for what the command line and the Export page both write.
    """
    from workbench.io.export import assignments_csv

    return assignments_csv(study.assignments(run_id)[1], study.codebook().coded)


def log_file(study: Study, fmt: str) -> str:
    """The decision log as ``csv`` (for reading) or ``jsonl`` (exact, re-verifiable)."""
    from workbench.io.export import log_csv, log_jsonl

    if fmt not in ("csv", "jsonl"):
        raise StudyError(f"the decision log can be written as csv or jsonl, not {fmt!r}")
    events = study.log().events
    return log_csv(events) if fmt == "csv" else log_jsonl(events)


def codebook_file(study: Study, fmt: str) -> bytes:
    """The codebook as it stands: csv, qdc or qdpx (REFI-QDA), xlsx, md or docx bytes."""
    from workbench.io.refi import codebook_qdc

    book = study.codebook()
    if fmt == "csv":
        from workbench.io.codebook_docs import entries, to_csv

        log = study.log()
        labels = {n.id: n.label for n in book.model.nodes} if book.model else {}
        members = {t.id: sorted(t.members) for t in book.themes.values()}
        said = {t: study.quotes(t) for t in book.themes}
        return to_csv(entries(log, study.segment_index(), labels, chosen=said), log, members).encode("utf-8")
    if fmt == "qdc":
        if not book.themes:
            raise StudyError(f"{study.location}: no themes yet: a REFI-QDA codebook needs at least one")
        log = study.log()
        return codebook_qdc(book, uid(study), book.model,
                            origin=f"Theme Workbench; decision log event #{log.seq}, head {log.head}")
    if fmt == "qdpx":
        return project(study)
    if fmt in ("xlsx", "md", "docx"):
        from workbench.io.codebook_docs import entries, to_docx, to_markdown, to_xlsx

        log = study.log()
        labels = {n.id: n.label for n in book.model.nodes} if book.model else {}
        items = entries(log, study.segment_index(), labels, chosen={t: study.quotes(t) for t in book.themes})
        title = f"Codebook: {study.store.meta().get('name', 'study')}"
        if fmt == "xlsx":
            return to_xlsx(items, log, uid(study))
        if fmt == "md":
            return to_markdown(items, log, uid(study), title).encode("utf-8")
        return to_docx(items, log, uid(study), title)
    raise StudyError(f"the codebook can be written as csv, qdc, qdpx, xlsx, md or docx, not {fmt!r}")


def project(study: Study) -> bytes:
    """The study as a REFI-QDA project: transcripts, participants, themes and every coding."""
    from workbench.io.refi import CaseInfo, SourceText, project_qdpx

    rows = study.rows()
    infos = {t.id: t for t in study.store.transcripts()}
    texts = study.store.transcript_texts(infos)
    by_transcript: dict[str, list[SegmentRow]] = {}
    for row in rows:
        by_transcript.setdefault(row.transcript_id, []).append(row)
    sources = [SourceText(t, texts[t], [(r.id, r.start, r.end) for r in by_transcript.get(t, [])],
                          infos[t].imported_at) for t in sorted(infos)]
    speakers = study.speaking()
    cases = [CaseInfo(p.id, {"site": p.site or "", "role": p.role or "",
                             **{k: str(v) for k, v in p.attributes.items() if v not in (None, "")}},
                      sorted(speakers.get(p.id, set()))) for p in study.store.participants()]
    log = study.log()
    return project_qdpx(log, uid(study), study.store.meta().get("name", "study"), sources, cases,
                        log.codebook.model)


def export_logic_model(study: Study) -> str:
    """The study's logic model as YAML, to edit and load again; refused before there is one."""
    from workbench.core.logic_model import dump_yaml

    model = study.logic_model()
    if model is None:
        raise StudyError(f"{study.location}: no logic model yet; load one with 'workbench model load FILE'")
    return dump_yaml(model, "Exported from the Theme Workbench: the study's logic model as it stands.")


def verify_log(study: Study, head: str | None = None, against: Path | None = None) -> list[str]:
    """Problems with the log's hash chain (empty when intact), then with its replay.

    The chain alone is checked against the head the database records beside it, which
    whoever can rewrite the log can rewrite too. ``head`` (as ``log_head_line`` printed
    it, recorded elsewhere) and ``against`` (an earlier log export) add the check that
    the log still extends what the team holds outside the database.
    """
    from workbench.io.log_anchor import export_problems, head_problems, parse_head, read_export

    recorded = parse_head(head) if head is not None else None
    earlier = None
    if against is not None:
        try:
            earlier = read_export(against.read_text(encoding="utf-8"), str(against))
        except OSError as exc:
            raise InputError(str(against), f"cannot be read ({exc.strerror})", "check the path") from None
        except UnicodeDecodeError:
            raise InputError(str(against), "is not UTF-8 text",
                             "give the unedited file 'workbench log export' wrote") from None
    found = study.store.events()
    problems = chain_problems(found, study.store.log_head())
    if not problems:
        try:
            Log.replay(found)
        except DecisionError as exc:
            problems.append(f"the chain is intact but does not replay: {exc}")
    if recorded is not None:
        problems += head_problems(found, recorded)
    if earlier is not None:
        problems += export_problems(found, earlier[1], earlier[0], str(against))
    return problems


def log_head_line(study: Study) -> tuple[Event, str] | None:
    """The last event and the one line naming it, for a team to record outside the database (None: no events)."""
    from workbench.io.log_anchor import head_line

    found = study.store.events()
    if not found:
        return None
    return found[-1], head_line(study.store.meta().get("name", "study"), found[-1].seq, found[-1].hash)
