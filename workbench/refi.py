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

from lxml import etree

from .decisions import Codebook
from .logic_model import LogicModel

__all__ = ["CODEBOOK_NS", "PALETTE", "ImportedCode", "codebook_qdc", "guid", "read_qdc", "split_description",
           "xml_text"]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
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


def codebook_qdc(book: Codebook, study: str, model: LogicModel | None = None,
                 origin: str = "Theme Workbench") -> bytes:
    """The codebook as a REFI-QDA CodeBook document (UTF-8 XML bytes)."""
    ns = f"{{{CODEBOOK_NS}}}"
    root = etree.Element(f"{ns}CodeBook", nsmap={None: CODEBOOK_NS}, origin=origin)
    codes = etree.SubElement(root, f"{ns}Codes")
    themes = sorted(book.themes.values(), key=lambda t: t.id)
    for i, theme in enumerate(themes):
        code = etree.SubElement(codes, f"{ns}Code", guid=guid(study, theme.id), name=xml_text(theme.name),
                                isCodable="true", color=PALETTE[i % len(PALETTE)])
        text = _description(theme.definition, theme.inclusion, theme.exclusion)
        if text:
            etree.SubElement(code, f"{ns}Description").text = xml_text(text)
    mapped = book.mapped()
    labels: Mapping[str, tuple[str, str]] = {n.id: (n.label, n.description) for n in model.nodes} if model else {}
    if mapped:
        sets = etree.SubElement(root, f"{ns}Sets")
        for node_id in sorted(mapped):
            label, description = labels.get(node_id, (node_id, ""))
            node_set = etree.SubElement(sets, f"{ns}Set", guid=guid(study, f"node/{node_id}"),
                                        name=xml_text(f"{label} [{node_id}]"))
            if description:
                etree.SubElement(node_set, f"{ns}Description").text = xml_text(description)
            for theme_id in mapped[node_id]:
                etree.SubElement(node_set, f"{ns}MemberCode", guid=guid(study, theme_id))
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


def read_qdc(data: bytes, source: str) -> list[ImportedCode]:
    """The codes of a REFI-QDA codebook (nested codes flattened as 'Parent / Child').

    Parsed with defusedxml: entity expansion (billion laughs), external entities and DTDs
    are refused, so a hostile file cannot exhaust memory or read local files.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    from .errors import InputError

    try:
        root = fromstring(data)
    except DefusedXmlException:
        raise InputError(source, "uses XML entities or a DTD, which a codebook never needs (refused for safety)",
                         "export the codebook again from your QDA program") from None
    except ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise InputError(source, f"is not well-formed XML ({exc})", "check it is a .qdc file", line=line) from None
    ns = f"{{{CODEBOOK_NS}}}"
    if root.tag != f"{ns}CodeBook":
        raise InputError(source, f"is XML but not a REFI-QDA codebook (its root is {root.tag!r}, not CodeBook in "
                         f"{CODEBOOK_NS})", "export a codebook (.qdc) from your QDA program")
    codes = root.find(f"{ns}Codes")
    found: list[ImportedCode] = []

    def walk(element, prefix: str) -> None:
        for code in element.findall(f"{ns}Code"):
            name = (code.get("name") or "").strip()
            if not name:
                raise InputError(source, "a Code has no name", "give every code a name")
            description = code.find(f"{ns}Description")
            definition, inclusion, exclusion = split_description(description.text or "" if description is not None
                                                                 else "")
            full = f"{prefix} / {name}" if prefix else name
            found.append(ImportedCode(full, definition, inclusion, exclusion))
            walk(code, full)

    if codes is not None:
        walk(codes, "")
    if not found:
        raise InputError(source, "holds no codes", "export a codebook with at least one code")
    return found
