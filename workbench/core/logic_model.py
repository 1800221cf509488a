"""Logic models (programme theories): the schema, YAML in and out, and evidence coverage.

Pure. A logic model is nodes (contexts, inputs, components, mechanisms, outputs,
outcomes, feedback loops) and edges between them. A study's current model is not a
file: it is the replay of the decision log's model events (a loaded model, then nodes
and edges added, edited or removed), like the codebook. Files are how models travel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workbench.errors import InputError

__all__ = ["NODE_TYPES", "Coverage", "Edge", "LogicModel", "Node", "NodeEvidence", "coverage", "dump_yaml",
           "load_yaml", "parse_model", "shade", "to_dot"]

NODE_TYPES = ("context", "input", "component", "mechanism", "output", "outcome", "feedback")
NodeType = Literal["context", "input", "component", "mechanism", "output", "outcome", "feedback"]
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$"


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=_ID, description="Letters, digits, dot, dash or underscore; up to 80")
    type: NodeType
    label: str = Field(min_length=1, max_length=200)
    description: str = ""
    questions: list[str] = Field(default_factory=list, description="The research questions it bears on")


class Edge(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    label: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.source, self.target


class LogicModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)

    @field_validator("nodes")
    @classmethod
    def _unique_ids(cls, nodes: list[Node]) -> list[Node]:
        seen: set[str] = set()
        for node in nodes:
            if node.id in seen:
                raise ValueError(f"node id {node.id!r} is used twice")
            seen.add(node.id)
        return nodes

    @model_validator(mode="after")
    def _edges_join_nodes(self) -> LogicModel:
        ids = {n.id for n in self.nodes}
        seen: set[tuple[str, str]] = set()
        for i, edge in enumerate(self.edges):
            for end in (edge.source, edge.target):
                if end not in ids:
                    raise ValueError(f"edges[{i}] names node {end!r}, which is not among the nodes")
            if edge.key in seen:
                raise ValueError(f"edges[{i}]: {edge.source} -> {edge.target} is given twice")
            seen.add(edge.key)
        return self

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def as_data(self) -> dict[str, Any]:
        """Plain data in the file's own shape (edges with from/to)."""
        return self.model_dump(by_alias=True, exclude_defaults=False)


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _allowed(error: Mapping[str, Any]) -> str:
    if error.get("type") == "literal_error":
        return f"use one of: {', '.join(NODE_TYPES)}"
    if error.get("type") == "extra_forbidden":
        return "remove it (allowed: id, type, label, description, questions for nodes; from, to, label for edges)"
    if error.get("type") == "string_pattern_mismatch":
        return "ids use letters, digits, dot, dash or underscore, up to 80 characters"
    if error.get("type") == "missing":
        return "add it"
    return "correct it"


def parse_model(data: Any, source: str) -> LogicModel:
    """Validate plain data as a logic model; the error names the place inside the file."""
    if not isinstance(data, dict):
        raise InputError(source, "is not a logic model (expected name, nodes and edges at the top level)",
                         "start from models/mash-ipe.yaml")
    try:
        return LogicModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(tuple(first.get("loc", ())))
        message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise InputError(source, f"{where + ': ' if where else ''}{message}{more}", _allowed(first)) from None


def load_yaml(path: Path) -> LogicModel:
    """Read and validate a logic-model YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})", "check the path") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text", "save it as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(str(path), f"is not valid YAML ({getattr(exc, 'problem', exc)})",
                         "fix the indentation or quoting there", line=line) from None
    return parse_model(data, str(path))


def dump_yaml(model: LogicModel, header: str = "") -> str:
    """The model as YAML, in the same shape as the files under models/."""
    body = yaml.safe_dump(model.as_data(), sort_keys=False, allow_unicode=True, width=100)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body


@dataclass
class NodeEvidence:
    node: Node
    themes: list[str] = field(default_factory=list)
    segments: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)
    sites: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)

    @property
    def strength(self) -> int:
        """How much evidence: distinct participants (segments when none are known)."""
        return len(self.participants) or len(self.segments)


@dataclass
class Coverage:
    nodes: list[NodeEvidence]
    unmapped_themes: list[str]
    unknown_nodes: dict[str, list[str]]  # node id a theme is mapped to, not in the model -> themes

    @property
    def without_evidence(self) -> list[str]:
        return [e.node.id for e in self.nodes if not e.themes]


def coverage(model: LogicModel, themes: Mapping[str, tuple[Iterable[str], Iterable[str]]],
             who: Mapping[str, tuple[str | None, str | None, str | None]]) -> Coverage:
    """For each node: the themes mapped to it and the segments, participants, sites and roles behind them.

    ``themes``: theme id -> (its nodes, its members); ``who``: segment -> (participant,
    site, role).
    """
    by_node = {n.id: NodeEvidence(n) for n in model.nodes}
    unmapped: list[str] = []
    unknown: dict[str, list[str]] = {}
    for theme_id in sorted(themes):
        nodes, members = themes[theme_id]
        nodes = sorted(nodes)
        if not nodes:
            unmapped.append(theme_id)
        members = set(members)
        for node_id in nodes:
            evidence = by_node.get(node_id)
            if evidence is None:
                unknown.setdefault(node_id, []).append(theme_id)
                continue
            evidence.themes.append(theme_id)
            evidence.segments |= members
            for seg in members:
                participant, site, role = who.get(seg, (None, None, None))
                if participant:
                    evidence.participants.add(participant)
                if site:
                    evidence.sites.add(site)
                if role:
                    evidence.roles.add(role)
    return Coverage(list(by_node.values()), unmapped, unknown)


def _dot_text(text: str) -> str:
    """A DOT string literal's contents: quotes and backslashes escaped, newlines kept as \\n."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


_FILL = ["#ffffff", "#deebf7", "#9ecae1", "#4292c6"]  # no evidence, some, more, most
_SHAPE = {"context": "note", "input": "box", "component": "box", "mechanism": "ellipse", "output": "box",
          "outcome": "doubleoctagon", "feedback": "cds"}


def shade(strength: int) -> int:
    """0 for no evidence, then 1 (1-2 participants), 2 (3-5), 3 (6 or more)."""
    return 0 if strength <= 0 else 1 if strength <= 2 else 2 if strength <= 5 else 3


def to_dot(model: LogicModel, strength: Mapping[str, int] | None = None, selected: str | None = None) -> str:
    """Graphviz DOT for the model: a row per node type, top to bottom, nodes shaded by evidence.

    Edges that run backwards (feedback into earlier rows) do not constrain the layout,
    so the rows keep the order contexts, inputs, components, mechanisms, outputs,
    outcomes, feedback.
    """
    strength = strength or {}
    order = {kind: i for i, kind in enumerate(NODE_TYPES)}
    kind_of = {n.id: n.type for n in model.nodes}
    lines = ['digraph logic_model {', '  rankdir=TB; nodesep=0.2; ranksep=0.7;',
             '  node [fontname="Helvetica", fontsize=11, style="filled", color="#555555", width=1.6];',
             '  edge [fontname="Helvetica", fontsize=9, color="#888888"];']
    for kind in NODE_TYPES:
        members = [n for n in model.nodes if n.type == kind]
        if not members:
            continue
        lines.append("  { rank=same;")
        for node in members:
            level = shade(strength.get(node.id, 0))
            border = ', penwidth=3, color="#d62728"' if node.id == selected else ""
            dashed = ', style="filled,dashed"' if level == 0 else ""
            font = ', fontcolor="white"' if level == 3 else ""
            label = _dot_text(node.label) + (f"\\n({strength[node.id]})" if strength.get(node.id) else "")
            lines.append(f'    "{_dot_text(node.id)}" [label="{label}", shape={_SHAPE[node.type]}, '
                         f'fillcolor="{_FILL[level]}"{dashed}{font}{border}, tooltip="{kind}"];')
        lines.append("  }")
    for edge in model.edges:
        attrs = []
        if edge.label:
            attrs.append(f'label="{_dot_text(edge.label)}"')
        if order[kind_of[edge.target]] <= order[kind_of[edge.source]] and kind_of[edge.target] != kind_of[edge.source]:
            attrs.append('constraint=false, style="dashed"')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f'  "{_dot_text(edge.source)}" -> "{_dot_text(edge.target)}"{suffix};')
    lines.append("}")
    return "\n".join(lines)
