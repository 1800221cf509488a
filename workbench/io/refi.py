"""REFI-QDA codebook exchange (.qdc): the codebook as NVivo, ATLAS.ti, MAXQDA and QualCoder read it.

Pure: the codebook and logic model in, XML bytes out. Every guid is a uuid5 of the study
and the theme's (or node's) stable id, so exporting again gives the same guids and a tool
that imports twice updates its codes rather than duplicating them. Logic-model nodes
become Sets holding the themes mapped to them; with no mappings the Sets element is left
out (an empty one is invalid).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from lxml import etree

from workbench.core.codebook_state import THEME_NAME_LIMIT  # what a theme's name is checked against
from workbench.core.decisions import SPECS, Codebook, Log, apply_event
from workbench.core.logic_model import LogicModel

__all__ = [
    "CODEBOOK_NS",
    "MAX_CODE_DEPTH",
    "PALETTE",
    "PROJECT_NS",
    "THEME_NAME_LIMIT",
    "CaseInfo",
    "ImportedCode",
    "SourceText",
    "brief",
    "codebook_qdc",
    "coding_provenance",
    "guid",
    "project_qdpx",
    "read_qdc",
    "split_description",
    "xml_text",
]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# How deep codes may nest: real codebooks rarely pass 10, and a limit keeps a hostile file
# (nested thousands deep) from being read at all.
MAX_CODE_DEPTH = 50
PROJECT_NS = "urn:QDA-XML:project:1.0"
# Distinct, print-safe colours, given to themes in id order.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354"]


def guid(study: str, item: str) -> str:
    """A stable guid for a theme or node of a study."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"theme-workbench:{study}/{item}"))


def _description(definition: str, inclusion: str, exclusion: str) -> str:
    parts = [definition.strip()]
    if inclusion.strip():
        parts.append(f"Include: {inclusion.strip()}")
    if exclusion.strip():
        parts.append(f"Exclude: {exclusion.strip()}")
    return "\n\n".join(p for p in parts if p)


def xml_text(text: str) -> str:
    """XML 1.0 cannot carry most control characters: drop them (transcripts rarely hold any)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _add_codes(parent: etree._Element, ns: str, book: Codebook, study: str,
               notes: Mapping[str, list[str]] | None = None) -> None:
    """A Code per active theme (id order): stable guid, name, colour, description, note links."""
    for i, theme in enumerate(sorted(book.themes.values(), key=lambda t: t.id)):
        code = etree.SubElement(parent, f"{ns}Code", guid=guid(study, theme.id), name=xml_text(theme.name),
                                isCodable="true", color=PALETTE[i % len(PALETTE)])
        text = _description(theme.definition, theme.inclusion, theme.exclusion)
        if text:
            etree.SubElement(code, f"{ns}Description").text = xml_text(text)
        for note in (notes or {}).get(theme.id, []):
            etree.SubElement(code, f"{ns}NoteRef", targetGUID=note)


def _add_sets(root: etree._Element, ns: str, book: Codebook, study: str, model: LogicModel | None,
              member_attribute: str) -> None:
    """A Set per logic-model node with themes mapped to it; none at all when nothing is mapped
    (an empty Sets element is invalid). The codebook schema names members by ``guid``, the
    project schema by ``targetGUID``."""
    mapped = book.mapped()
    if not mapped:
        return
    nodes = {n.id: (n.label, n.description) for n in model.nodes} if model else {}
    sets = etree.SubElement(root, f"{ns}Sets")
    for node_id in sorted(mapped):
        label, description = nodes.get(node_id, (node_id, ""))
        node_set = etree.SubElement(sets, f"{ns}Set", guid=guid(study, f"node/{node_id}"),
                                    name=xml_text(f"{label} [{node_id}]"))
        if description:
            etree.SubElement(node_set, f"{ns}Description").text = xml_text(description)
        for theme_id in mapped[node_id]:
            etree.SubElement(node_set, f"{ns}MemberCode", {member_attribute: guid(study, theme_id)})


def codebook_qdc(book: Codebook, study: str, model: LogicModel | None = None,
                 origin: str = "Theme Workbench") -> bytes:
    """The codebook as a REFI-QDA CodeBook document (UTF-8 XML bytes); ``origin`` says what made it."""
    ns = f"{{{CODEBOOK_NS}}}"
    root = etree.Element(f"{ns}CodeBook", nsmap={None: CODEBOOK_NS}, origin=origin)
    _add_codes(etree.SubElement(root, f"{ns}Codes"), ns, book, study)
    _add_sets(root, ns, book, study, model, "guid")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass(frozen=True)
class ImportedCode:
    name: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""


def split_description(text: str) -> tuple[str, str, str]:
    """(definition, inclusion, exclusion) from a description written as ``codebook_qdc`` writes it."""
    definition, inclusion, exclusion = [], "", ""
    for block in text.strip().split("\n\n"):
        if block.startswith("Include: "):
            inclusion = block.removeprefix("Include: ").strip()
        elif block.startswith("Exclude: "):
            exclusion = block.removeprefix("Exclude: ").strip()
        elif block.strip():
            definition.append(block.strip())
    return "\n\n".join(definition), inclusion, exclusion


def brief(text: str, limit: int = 40) -> str:
    """Text from a file, safe and short enough for a one-line message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "\u2026"


def _code_where(names: list[str], code_guid: str) -> str:
    """'code 'A > B > … > Z' (guid …)': which code a message is about, as the QDA tool shows it."""
    shown = [brief(n) or "(no name)" for n in names]
    if len(shown) > 4:
        shown = [*shown[:2], "\u2026", *shown[-2:]]
    where = "code '" + " > ".join(shown) + "'"
    return where + (f" (guid {brief(code_guid)})" if code_guid.strip() else "")


def read_qdc(data: bytes, source: str) -> list[ImportedCode]:
    """The codes of a REFI-QDA codebook (nested codes flattened as 'Parent / Child').

    Parsed with defusedxml: entity expansion (billion laughs), external entities and DTDs
    are refused, so a hostile file cannot exhaust memory or read local files. Read as a
    stream with no recursion: a code nested deeper than ``MAX_CODE_DEPTH`` is refused as
    soon as it opens (expat itself has no depth limit, so a file nested a million deep
    would otherwise be built whole), and every error names the code and its parents.
    """
    import io
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    from workbench.errors import InputError

    found: list[ImportedCode | None] = []
    # Per open code: (its place in ``found``, its name, guid, full name, its description's text).
    open_codes: list[tuple[int, str, str, str, list[str]]] = []
    tags: list[str] = []  # the open elements, the root first
    roles: list[str] = []  # per open element: "codes", "code" or "" (anything else)
    codes_path: list[str] = []  # the tags from the root to the list of codes
    ns = root_tag = ""
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end")):
            tag = element.tag
            if event == "end":
                tags.pop()
                role = roles.pop()
                if role == "code":
                    _check_length(open_codes, source)  # when it closes: a file too deep is told so first
                    index, _, _, full, described = open_codes.pop()
                    found[index] = ImportedCode(full, *split_description(described[0] if described else ""))
                elif tag == f"{ns}Description" and roles and roles[-1] == "code":
                    described = open_codes[-1][4]
                    if not described:
                        described.append(element.text or "")
                element.clear()  # nothing is kept but the codes: a large project stays small
                continue
            if not roles:  # the root says what the file is
                if tag == f"{{{PROJECT_NS}}}Project":  # project.qde from a .qdpx: its CodeBook
                    ns = f"{{{PROJECT_NS}}}"
                    codes_path = [tag, f"{ns}CodeBook", f"{ns}Codes"]
                elif tag == f"{{{CODEBOOK_NS}}}CodeBook":
                    ns = f"{{{CODEBOOK_NS}}}"
                    codes_path = [tag, f"{ns}Codes"]
                else:  # said once the whole file is read: a broken file is called broken first
                    root_tag = str(tag)
            if len(tags) >= MAX_CODE_DEPTH + 10:
                raise InputError(source, f"nests its XML elements more than {MAX_CODE_DEPTH + 10} deep, deeper than "
                                 "any codebook", "export the codebook again from your QDA program")
            parent = roles[-1] if roles else ""
            if ns and len(tags) == len(codes_path) - 1 and [*tags, tag] == codes_path:
                roles.append("codes")
            elif ns and tag == f"{ns}Code" and parent in ("codes", "code"):
                roles.append("code")
                _open_code(element, open_codes, found, source)
            else:
                roles.append("")
            tags.append(tag)
    except DefusedXmlException:
        raise InputError(source, "uses XML entities or a DTD, which a codebook never needs (refused for safety)",
                         "export the codebook again from your QDA program") from None
    except ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise InputError(source, f"is not well-formed XML ({exc})", "check it is a .qdc file", line=line) from None
    if root_tag:
        raise InputError(source, f"is XML but not a REFI-QDA codebook (its root is {brief(root_tag, 80)!r}, not "
                         f"CodeBook in {CODEBOOK_NS})", "export a codebook (.qdc) from your QDA program")
    if not found:
        raise InputError(source, "holds no codes", "export a codebook with at least one code")
    codes = [code for code in found if code is not None]
    seen: set[str] = set()
    for code in codes:  # two themes may not share a name: say which, not 'T-001 already exists'
        if code.name.casefold() in seen:
            raise InputError(source, f"{_code_where(code.name.split(' / '), '')} is there twice (theme names "
                             "must differ, ignoring case)", "rename or merge one of them and export again")
        seen.add(code.name.casefold())
    return codes


def _open_code(element: Element, open_codes: list[tuple[int, str, str, str, list[str]]],
               found: list[ImportedCode | None], source: str) -> None:
    """Check a code as it opens (its name, how deep it is) and hold its place in the list."""
    from workbench.errors import InputError

    name = (element.get("name") or "").strip()
    code_guid = element.get("guid") or ""
    names = [entry[1] for entry in open_codes] + [name]
    if not name:
        raise InputError(source, f"{_code_where(names, code_guid)} has no name",
                         "give every code a name in your QDA program and export again")
    if len(names) > MAX_CODE_DEPTH:
        raise InputError(source, f"{_code_where(names, code_guid)} is nested {len(names)} levels deep; the "
                         f"workbench reads up to {MAX_CODE_DEPTH}",
                         "flatten the deepest codes in your QDA program and export again")
    full = f"{open_codes[-1][3]} / {name}" if open_codes else name
    found.append(None)
    open_codes.append((len(found) - 1, name, code_guid, full, []))


def _check_length(open_codes: list[tuple[int, str, str, str, list[str]]], source: str) -> None:
    """The innermost open code's full name ('Parent / Child') must fit a theme's name."""
    from workbench.errors import InputError

    full, code_guid = open_codes[-1][3], open_codes[-1][2]
    if len(full) > THEME_NAME_LIMIT:
        raise InputError(source, f"{_code_where([e[1] for e in open_codes], code_guid)} has a full name (with its "
                         f"parents' names) of {len(full)} characters; a theme's name may have up to "
                         f"{THEME_NAME_LIMIT}", "shorten its name or its parents' names, or nest it less deeply, "
                         "and export again")


@dataclass(frozen=True)
class SourceText:
    id: str
    text: str
    segments: list[tuple[str, int, int]]  # (segment id, start, end) into ``text``
    imported_at: str


@dataclass(frozen=True)
class CaseInfo:
    id: str
    variables: dict[str, str]
    sources: list[str]


def _normalised(text: str) -> tuple[str, list[int]]:
    """Text with CR LF and CR made LF (and characters XML cannot carry dropped), and where
    each old position lands in the new text, so selections still cover the same words."""
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(text):
        where.append(len(out))
        if text[i] == "\r":
            if i + 1 < len(text) and text[i + 1] == "\n":
                where.append(len(out))
                i += 1
            out.append("\n")
        elif text[i] in "\t\n" or ord(text[i]) >= 0x20:
            out.append(text[i])
        i += 1
    where.append(len(out))
    return "".join(out), where


def coding_provenance(log: Log) -> dict[tuple[str, str], tuple[str, str]]:
    """(segment, theme) -> (who, when) of the active event that put the segment in the theme.

    The active events are replayed once more, and each one's touched themes (as its kind's
    row in the table of kinds names them) compared before and after it.
    """
    book = Codebook()
    issued: set[str] = set()
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for event in log.events:
        if event.kind == "revert" or not log.active(event.seq):
            continue
        spec, payload = SPECS[event.kind], event.payload
        touched = spec.touches(payload)
        before = {t: set(book.themes[t].members) for t in touched if t in book.themes}
        apply_event(book, event, issued)
        issued.update(spec.creates(payload))
        for theme_id in touched:
            if theme_id in book.themes:
                for seg in book.themes[theme_id].members - before.get(theme_id, set()):
                    found[(seg, theme_id)] = (event.by, event.at)
    return found


def project_qdpx(log: Log, study: str, name: str, sources: list[SourceText], cases: list[CaseInfo],
                 model: LogicModel | None = None, created_at: str = "") -> bytes:
    """A REFI-QDA project (.qdpx): project.qde and every transcript's text under Sources/.

    Each coded segment is a PlainTextSelection with exact character offsets into its
    source's text (line endings normalised to LF), carrying a Coding per theme with the
    researcher and time of the decision that coded it. Memos and decision rationales are
    Notes. Participants are Cases with their variables.
    """
    import io
    import zipfile

    from workbench.core.decisions import describe

    ns = f"{{{PROJECT_NS}}}"
    book = log.codebook
    researchers = sorted({e.by for e in log.events})
    user = {r: guid(study, f"user/{r}") for r in researchers}
    first = log.events[0] if log.events else None
    root = etree.Element(f"{ns}Project", nsmap={None: PROJECT_NS}, name=xml_text(name),
                         origin="Theme Workbench")
    if first is not None:
        root.set("creatingUserGUID", user[first.by])
        root.set("creationDateTime", created_at or first.at)
    users = etree.SubElement(root, f"{ns}Users")
    for researcher in researchers:
        etree.SubElement(users, f"{ns}User", guid=user[researcher], name=xml_text(researcher))
    memo_notes: dict[str, list[str]] = {}
    for memo in book.memos:
        if memo.theme:
            memo_notes.setdefault(memo.theme, []).append(guid(study, f"note/{memo.seq}"))
    if book.themes:
        _add_codes(etree.SubElement(etree.SubElement(root, f"{ns}CodeBook"), f"{ns}Codes"), ns, book, study,
                   memo_notes)
    names = sorted({k for c in cases for k in c.variables})
    if names and cases:
        variables = etree.SubElement(root, f"{ns}Variables")
        for variable in names:
            etree.SubElement(variables, f"{ns}Variable", guid=guid(study, f"variable/{variable}"),
                             name=xml_text(variable), typeOfVariable="Text")
    if cases:
        holder = etree.SubElement(root, f"{ns}Cases")
        for case in cases:
            element = etree.SubElement(holder, f"{ns}Case", guid=guid(study, f"case/{case.id}"), name=xml_text(case.id))
            for variable in names:
                if case.variables.get(variable):
                    value = etree.SubElement(element, f"{ns}VariableValue")
                    etree.SubElement(value, f"{ns}VariableRef", targetGUID=guid(study, f"variable/{variable}"))
                    etree.SubElement(value, f"{ns}TextValue").text = xml_text(case.variables[variable])
            for source in case.sources:
                etree.SubElement(element, f"{ns}SourceRef", targetGUID=guid(study, f"source/{source}"))
    provenance = coding_provenance(log)
    files: dict[str, str] = {}
    if sources:
        holder = etree.SubElement(root, f"{ns}Sources")
        for source in sources:
            source_guid = guid(study, f"source/{source.id}")
            text, where = _normalised(source.text)
            files[f"Sources/{source_guid}.txt"] = text
            element = etree.SubElement(holder, f"{ns}TextSource", guid=source_guid, name=xml_text(source.id),
                                       plainTextPath=f"internal://{source_guid}.txt")
            if first is not None:
                element.set("creatingUser", user[first.by])
            if source.imported_at:
                element.set("creationDateTime", source.imported_at)
            for seg, start, end in source.segments:
                holders = sorted(book.themes_of(seg))
                if not holders:
                    continue
                selection = etree.SubElement(element, f"{ns}PlainTextSelection", guid=guid(study, f"selection/{seg}"),
                                             name=xml_text(seg), startPosition=str(where[start]),
                                             endPosition=str(where[end]))
                for theme_id in holders:
                    who, when = provenance.get((seg, theme_id), (first.by if first else "", first.at if first else ""))
                    coding = etree.SubElement(selection, f"{ns}Coding", guid=guid(study, f"coding/{seg}/{theme_id}"),
                                              creationDateTime=when)
                    if who in user:
                        coding.set("creatingUser", user[who])
                    etree.SubElement(coding, f"{ns}CodeRef", targetGUID=guid(study, theme_id))
    notes = [e for e in log.events if log.active(e.seq) and (e.kind == "memo" or e.rationale)]
    if notes:
        holder = etree.SubElement(root, f"{ns}Notes")
        for event in notes:
            # A note's name is a title in the client's list of notes: the kind and what it was
            # about; the full description (a definition's whole text, say) is the note's body.
            title = f"Memo #{event.seq}" if event.kind == "memo" else f"Decision #{event.seq}: {event.kind}"
            body = (event.payload.get("text", "") if event.kind == "memo"
                    else f"{describe(event)}\nWhy: {event.rationale}")
            note = etree.SubElement(holder, f"{ns}Note", guid=guid(study, f"note/{event.seq}"), name=xml_text(title),
                                    creatingUser=user[event.by], creationDateTime=event.at)
            etree.SubElement(note, f"{ns}PlainTextContent").text = xml_text(body)
    _add_sets(root, ns, book, study, model, "targetGUID")
    # What it was made from (Description comes after Sets in the schema's order).
    etree.SubElement(root, f"{ns}Description").text = f"Made from decision log event #{log.seq}, head {log.head}."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                       pretty_print=True))
        for path, text in sorted(files.items()):
            archive.writestr(path, text.encode("utf-8"))
    return buffer.getvalue()
