"""The codebook as documents people read: a spreadsheet (XLSX), Markdown and Word (DOCX).

Each theme with its definition, criteria, exemplar quotes attributed to pseudonymised
participants (with role and site), its prevalence, its logic-model nodes and where it
came from (the candidate and run, who accepted it and when). Every file also says which
decision-log head it was made from, so a figure in a report can be traced to the
decisions behind it. Every spreadsheet cell goes through ``spreadsheet.safe_cell``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.core.decisions import Log
from workbench.core.markup import markdown_literal
from workbench.core.segments import SegmentRow
from workbench.core.spreadsheet import csv_text, safe_row

__all__ = ["COLUMNS", "ThemeEntry", "entries", "to_csv", "to_docx", "to_markdown", "to_xlsx"]

COLUMNS = ["id", "name", "definition", "inclusion", "exclusion", "exemplar quotes", "segments", "participants",
           "sites", "logic-model nodes", "origin", "created by", "created at", "created in event"]


@dataclass(frozen=True)
class ThemeEntry:
    id: str
    name: str
    definition: str
    inclusion: str
    exclusion: str
    quotes: list[tuple[str, str]]  # (text, attribution)
    segments: int
    participants: int
    sites: int
    nodes: list[str]
    origin: str
    created_by: str
    created_at: str
    created_seq: int

    def cells(self) -> list[object]:
        quotes = "\n".join(f"\u201c{text}\u201d ({who})" for text, who in self.quotes)
        return [self.id, self.name, self.definition, self.inclusion, self.exclusion, quotes, self.segments,
                self.participants, self.sites, "; ".join(self.nodes), self.origin, self.created_by,
                self.created_at, self.created_seq]


def _who(row: SegmentRow) -> str:
    parts = [row.participant_id or row.speaker or "unknown", row.role or "", row.site or ""]
    return ", ".join(p for p in parts if p) + f"; {row.id}"


def entries(log: Log, index: Mapping[str, SegmentRow], node_labels: Mapping[str, str] | None = None,
            quotes: int = 3, chosen: Mapping[str, Sequence[str]] | None = None) -> list[ThemeEntry]:
    """One entry per active theme, in id order: what every codebook document shows.

    ``chosen`` holds each theme's quotes (segment ids) as ``Study.quotes`` picks them: its
    exemplars, then the members nearest its centre, from different participants. That
    needs the study's embeddings, so the facade chooses and this stays pure. A theme not
    in it is quoted by its exemplars, then its members in transcript order (``index``'s
    order): never the first members by id, which are whatever numbering put first.
    """
    labels = node_labels or {}
    picked = chosen or {}
    order = {s: n for n, s in enumerate(index)}
    found = []
    for theme in sorted(log.codebook.themes.values(), key=lambda t: t.id):
        rows = [index[s] for s in sorted(theme.members, key=lambda s: order.get(s, len(order))) if s in index]
        if theme.id in picked:
            said = [index[s] for s in picked[theme.id] if s in index]
        else:
            said = [index[s] for s in theme.exemplars if s in index]
            exemplars = set(theme.exemplars)
            said += [r for r in rows if r.id not in exemplars][:max(0, quotes - len(said))]
        created = log.event(theme.created_seq)
        found.append(ThemeEntry(
            id=theme.id, name=theme.name, definition=theme.definition, inclusion=theme.inclusion,
            exclusion=theme.exclusion, quotes=[(r.text, _who(r)) for r in said],
            segments=len(theme.members), participants=len({r.participant_id for r in rows if r.participant_id}),
            sites=len({r.site for r in rows if r.site}),
            nodes=[f"{labels.get(n, n)} [{n}]" for n in sorted(theme.nodes)], origin=theme.origin,
            created_by=created.by, created_at=created.at, created_seq=created.seq))
    return found


def _made_from(log: Log, study: str) -> str:
    return (f"Study {study}; made from the decision log at event #{log.seq}, head {log.head} "
            "(check it with 'workbench log verify').")


def to_csv(items: list[ThemeEntry], log: Log, members: Mapping[str, list[str]]) -> str:
    """The codebook as CSV: the spreadsheet's columns, then members and the log head on every row
    (so a row copied elsewhere still says where it came from). Text cells are formula-safe."""
    from workbench.io.refi import xml_text

    return csv_text([[*COLUMNS, "members", "log head"],
                     *([*(xml_text(v) if isinstance(v, str) else v for v in item.cells()),
                        ";".join(members.get(item.id, [])), f"#{log.seq} {log.head}"] for item in items)])


def to_xlsx(items: list[ThemeEntry], log: Log, study: str) -> bytes:
    """A workbook: the codebook sheet, and a sheet saying what it was made from."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Codebook"
    sheet.append(safe_row(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    from workbench.io.refi import xml_text

    for item in items:
        sheet.append(safe_row(xml_text(v) if isinstance(v, str) else v for v in item.cells()))
    widths = {"A": 8, "B": 30, "C": 50, "D": 35, "E": 35, "F": 70}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    about = book.create_sheet("Made from")
    for row in (["study", study], ["decision log event", log.seq], ["decision log head (sha256)", log.head]):
        about.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_md = markdown_literal


def to_markdown(items: list[ThemeEntry], log: Log, study: str, title: str = "Codebook") -> str:
    """The codebook a team takes into a meeting, as Markdown."""
    lines = [f"# {_md(title)}", "", f"_{_md(_made_from(log, study))}_", ""]
    for item in items:
        lines += [f"## {item.id} {_md(item.name)}", "",
                  f"**Prevalence:** {item.segments} segments, {item.participants} participants, {item.sites} sites.  ",
                  f"**Origin:** {_md(item.origin)}, accepted by {_md(item.created_by)} on {item.created_at[:10]} "
                  f"(event #{item.created_seq}).", ""]
        for label, text in (("Definition", item.definition), ("Include when", item.inclusion),
                            ("Exclude when", item.exclusion)):
            if text:
                lines += [f"**{label}:** {_md(text)}", ""]
        if item.nodes:
            lines += ["**Logic model:** " + "; ".join(_md(n) for n in item.nodes), ""]
        for text, who in item.quotes:
            lines += [f"> {_md(text)}  ", f"> — {_md(who)}", ""]
    return "\n".join(lines)


def to_docx(items: list[ThemeEntry], log: Log, study: str, title: str = "Codebook") -> bytes:
    """The same document as Word, for teams who edit it there."""
    from dataclasses import replace

    from docx import Document

    from workbench.io.refi import xml_text

    items = [replace(i, name=xml_text(i.name), definition=xml_text(i.definition), inclusion=xml_text(i.inclusion),
                     exclusion=xml_text(i.exclusion), quotes=[(xml_text(t), xml_text(w)) for t, w in i.quotes])
             for i in items]
    document = Document()
    document.add_heading(title, 0)
    document.add_paragraph().add_run(_made_from(log, study)).italic = True
    for item in items:
        document.add_heading(f"{item.id} {item.name}", level=1)
        document.add_paragraph(f"Prevalence: {item.segments} segments, {item.participants} participants, "
                               f"{item.sites} sites. Origin: {item.origin}, accepted by {item.created_by} on "
                               f"{item.created_at[:10]} (event #{item.created_seq}).")
        for label, text in (("Definition", item.definition), ("Include when", item.inclusion),
                            ("Exclude when", item.exclusion)):
            if text:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{label}: ").bold = True
                paragraph.add_run(text)
        if item.nodes:
            paragraph = document.add_paragraph()
            paragraph.add_run("Logic model: ").bold = True
            paragraph.add_run("; ".join(item.nodes))
        for text, who in item.quotes:
            document.add_paragraph(f"\u201c{text}\u201d \u2014 {who}", style="Quote")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
