"""``workbench candidates``: a run's candidate themes, its small-talk group, and a candidate's sub-candidates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from workbench.cli.support import FormatOpt, StudyOpt, emit, handled, open_study
from workbench.errors import WorkbenchError

__all__ = ["candidates", "read_phrases"]


def read_phrases(path: Path) -> tuple[str, ...]:
    """A study's examples of small talk: one per line of a UTF-8 text file, blank lines and # comments skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: no such file; give a text file of small-talk phrases, one per line") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise WorkbenchError(f"{path}, line {line}: not UTF-8 text; save the phrases as UTF-8 and try again") from None
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot be read ({exc.strerror}); check the path and permissions") from None
    return tuple(s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#"))


@handled
def candidates(
    study: StudyOpt,
    run: Annotated[int | None, typer.Option(help="Which run (default: the latest).")] = None,
    within: Annotated[str | None, typer.Option(help="List the sub-candidates the run found inside this candidate "
                                                    "(e.g. R1-C03), to drill into a broad one.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """List the candidate themes of the latest (or a named) discovery run.

    Each has a phrase label with its keywords beside it. The run's small talk (greetings,
    thanks, consent, backchannels) is one group of its own, listed last with kind
    "small_talk": reject it (``workbench decide reject ID --why ...``) if it holds no theme.
    """
    from workbench.core.runs import candidate_id

    opened = open_study(study)
    texts: dict[str, str] = {}
    if fmt != "table":
        texts = {r.id: r.text for r in opened.segments()}
    if within is not None:
        _sub_candidates(opened, within, texts, fmt)
        return
    record, found = opened.candidates(run)
    rows = [
        {"id": candidate_id(record.id or 0, c.number), "number": c.number, "kind": c.kind, "label": c.label,
         "keywords": [w for w, _ in c.keywords] if fmt != "json" else [[w, s] for w, s in c.keywords],
         "size": c.size, "participants": c.participants, "sites": c.sites, "stability": c.stability,
         "sub_candidates": len(c.children), "representatives": c.representatives,
         "quotes": [texts.get(s, "") for s in c.representatives] if texts else []}
        for c in found
    ]
    if fmt == "table":
        for row in rows:
            row["keywords"] = ", ".join(row["keywords"][:6])
            if row["kind"] == "small_talk":
                row["label"] = f"{row['label']} (not clustered)"
        emit(rows, fmt, ["id", "label", "size", "participants", "sites", "stability", "sub_candidates", "keywords"],
             {"label": 40, "keywords": 40})
        themes = sum(1 for c in found if not c.is_small_talk)
        apart = sum(c.size for c in found if c.is_small_talk)
        typer.echo(f"run {record.id}: {themes} candidates, coverage {record.coverage:.1%}"
                   + (f"; {apart} turns of small talk in one group" if apart else ""))
        return
    _emit_rows(rows, fmt, ["id", "number", "kind", "label", "keywords", "size", "participants", "sites",
                           "stability", "sub_candidates", "representatives", "quotes"])


def _sub_candidates(opened: Any, within: str, texts: dict[str, str], fmt: str) -> None:
    found = opened.sub_candidates(within)
    rows = [
        {"part": i + 1, "label": s["label"],
         "keywords": [k[0] for k in s["keywords"]] if fmt != "json" else s["keywords"],
         "size": len(s["members"]), "stability": s["stability"], "members": [m[0] for m in s["members"]],
         "representatives": s["representatives"],
         "quotes": [texts.get(r, "") for r in s["representatives"]] if texts else []}
        for i, s in enumerate(found)
    ]
    if fmt == "table":
        if not rows:
            typer.echo(f"the run found no sub-candidates inside {within}; 'workbench propose-split' proposes parts")
            return
        for row in rows:
            row["keywords"] = ", ".join(row["keywords"][:6])
        emit(rows, fmt, ["part", "label", "size", "stability", "keywords"], {"label": 40, "keywords": 50})
        typer.echo(f"{len(rows)} sub-candidates inside {within}; accept one theme for each with "
                   f"'workbench decide accept {within} --sub-candidates --why ...'")
        return
    _emit_rows(rows, fmt, ["part", "label", "keywords", "size", "stability", "members", "representatives",
                           "quotes"])


def _emit_rows(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    if fmt == "csv":
        for row in rows:
            for key, joiner in (("keywords", "; "), ("representatives", "; "), ("members", "; "), ("quotes", " | ")):
                if key in row:
                    row[key] = joiner.join(row[key])
    emit(rows, fmt, columns)
