"""The decision log as people read it: each event in one full sentence, naming what it only numbers.

The log page, ``workbench log``, the command line's "recorded" line and the REFI export's
notes all read ``decision_kinds.describe``. Each kind's sentence is a function here, named in
the table of kinds, which ``describe`` looks up; an event whose payload does not read as its
kind says (a stored event from a damaged log) is listed field by field (``event_fields``).
This module names no kind's table: the table names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.core.decision_events import Event, is_theme_id

if TYPE_CHECKING:
    pass

__all__ = ["Describer", "Recall", "event_fields", "payload_of"]

Describer = Callable[[Event, dict[str, Any], "Recall"], str]


@dataclass
class Recall:
    """What the log says before an event: what its payload only numbers, named.

    A merge into a theme records the theme's id, not its name; a revert records only the
    number of the event it undoes; a definition records the new text, not what it replaces.
    ``describe_all`` walks the log once and keeps these here, so each event is described
    with the names themes had then (by the decisions that stand now).
    """

    names: dict[str, str] = field(default_factory=dict)  # theme id -> its name
    nodes: dict[str, str] = field(default_factory=dict)  # logic-model node id -> its label
    notes: dict[tuple[str, str], str] = field(default_factory=dict)  # (theme, node) -> the map's note
    definitions: dict[str, tuple[str, str, str, tuple[str, ...]]] = field(default_factory=dict)
    events: dict[int, Event] = field(default_factory=dict)  # every event so far, undone ones too
    said: dict[int, str] = field(default_factory=dict)  # their descriptions
    split_at_once: dict[int, int] = field(default_factory=dict)  # an accept's seq -> the split made with it

    def learn(self, event: Event, stands: bool) -> None:
        """Take in an event after it has been described; an undone one names nothing."""
        self.events[event.seq] = event
        p = payload_of(event)
        if not stands:
            return
        if event.kind in ("accept", "create", "rename") or (event.kind == "merge" and p.get("theme")):
            self.names[str(p.get("theme", ""))] = str(p.get("name", ""))
        if event.kind == "split":
            for part in _dicts(p.get("parts")):
                self.names[str(part.get("theme", ""))] = str(part.get("name", ""))
        if event.kind in ("create", "define"):
            self.definitions[str(p.get("theme", ""))] = (
                _str(p.get("definition")), _str(p.get("inclusion")), _str(p.get("exclusion")),
                tuple(_strs(p.get("exemplars"))))
        if event.kind == "map":
            self.notes[(_str(p.get("theme")), _str(p.get("node")))] = _str(p.get("note"))
        if event.kind == "model":
            model = p.get("model") if isinstance(p.get("model"), dict) else {}
            self.nodes = {_str(n.get("id")): _str(n.get("label")) for n in _dicts(model.get("nodes"))}
        if event.kind in ("node_add", "node_edit") and isinstance(p.get("node"), dict):
            self.nodes[_str(p["node"].get("id"))] = _str(p["node"].get("label"))


def event_fields(event: Event) -> list[tuple[str, str]]:
    """An event's payload as (field, text) rows, nested fields by path: to read every detail as text."""
    rows: list[tuple[str, str]] = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{path}.{key}" if path else str(key), inner)
        elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
            for i, inner in enumerate(value, start=1):
                walk(f"{path}[{i}]", inner)
        elif isinstance(value, list):
            rows.append((path, ", ".join(str(v) for v in value) if value else "(none)"))
        else:
            rows.append((path, "(none)" if value in ("", None) else str(value)))

    walk("", payload_of(event))
    return rows


def payload_of(event: Event) -> dict[str, Any]:
    try:
        payload = event.payload
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _strs(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _said(text: str) -> str:
    """Researcher's words in full, quoted, their line breaks shown as ' / ' to keep one line."""
    return "“" + " / ".join(line.strip() for line in text.strip().splitlines() if line.strip()) + "”"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _segments(ids: list[str]) -> str:
    return _count(len(ids), "segment")


def _listed(ids: list[str]) -> str:
    return f"{_segments(ids)} ({', '.join(ids)})" if ids else _segments(ids)


def _theme(theme_id: str, known: Recall) -> str:
    name = known.names.get(theme_id)
    return f"{theme_id} {name!r}" if name else theme_id


def _node(node_id: str, known: Recall) -> str:
    label = known.nodes.get(node_id)
    return f"{node_id} ({label!r})" if label else node_id


def _item(item: str, known: Recall) -> str:
    return _theme(item, known) if is_theme_id(item) else item


def _fields_said(parts: list[tuple[str, str]]) -> str:
    return "; ".join(f"{label} {_said(text) if text else '(none)'}" for label, text in parts)


def describe_accept(e: Event, p: dict[str, Any], known: Recall) -> str:
    said = f"{p['candidate']} accepted as {p['theme']} {p['name']!r} ({_segments(_strs(p['members']))})"
    split = known.split_at_once.get(e.seq)
    return said + (f", then split at once by #{split} (accepted in parts)" if split else "")


def describe_reject(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"{p['candidate']} rejected"


def describe_create(e: Event, p: dict[str, Any], known: Recall) -> str:
    said = f"created {p['theme']} {p['name']!r} ({_segments(_strs(p.get('members')))})"
    origin = _str(p.get("origin"))
    if origin and origin != "created":
        said += f", {origin}"
    texts = [(label, _str(p.get(key))) for label, key in
             (("definition", "definition"), ("include when", "inclusion"), ("exclude when", "exclusion"))]
    return said + (": " + _fields_said(texts) if any(text for _, text in texts) else "")


def describe_rename(e: Event, p: dict[str, Any], known: Recall) -> str:
    before = known.names.get(p["theme"])
    return f"{p['theme']} renamed {p['name']!r}" + (f" (was {before!r})" if before and before != p["name"] else "")


def describe_merge(e: Event, p: dict[str, Any], known: Recall) -> str:
    sources = _dicts(p["sources"])
    named = [_theme(s["id"], known) if is_theme_id(s["id"]) else f"{s['id']} ({_segments(_strs(s.get('members')))})"
             for s in sources]
    into = p["into"]
    target = (_theme(into, known) if is_theme_id(into) else
              f"{into}, accepted as {p['theme']} {p['name']!r} ({_segments(_strs(p.get('members')))} of its own)")
    retired = [s["id"] for s in sources if is_theme_id(s["id"])]
    return (f"{', '.join(named)} merged into {target}"
            + (f" ({', '.join(retired)} retired)" if retired else ""))


def describe_split(e: Event, p: dict[str, Any], known: Recall) -> str:
    parts = ", ".join(f"{x['theme']} {x['name']!r} ({_segments(_strs(x['members']))})" for x in _dicts(p["parts"]))
    said = f"{_theme(p['theme'], known)} split into {parts} ({p['theme']} retired"
    accepted = known.events.get(e.seq - 1)
    if accepted is not None and known.split_at_once.get(accepted.seq) == e.seq:
        said += (f": it existed only to accept {payload_of(accepted).get('candidate')} in parts, #{accepted.seq} "
                 f"and #{e.seq}")
    return said + ")"


def describe_move(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"{_listed(_strs(p['segments']))} moved from {_theme(p['from'], known)} to {_theme(p['to'], known)}"


def describe_assign(e: Event, p: dict[str, Any], known: Recall) -> str:
    way = "assigned to" if e.kind == "assign" else "unassigned from"
    return f"{_listed(_strs(p['segments']))} {way} {_theme(p['theme'], known)}"


def describe_dismiss(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"{_listed(_strs(p['segments']))} dismissed from triage (read, and belonging to no theme)"


def describe_define(e: Event, p: dict[str, Any], known: Recall) -> str:
    texts = [("definition", _str(p.get("definition"))), ("include when", _str(p.get("inclusion"))),
             ("exclude when", _str(p.get("exclusion")))]
    exemplars = _strs(p.get("exemplars"))
    said = f"{_theme(p['theme'], known)} defined"
    before = known.definitions.get(p["theme"])
    if before is not None:
        now = (*(text for _, text in texts), tuple(exemplars))
        changed = [label for label, old, new in
                   zip(("definition", "include when", "exclude when", "exemplar quotes"), before, now, strict=True)
                   if old != new]
        said += f" (changed: {', '.join(changed)})" if changed else " (nothing changed)"
    return f"{said}: {_fields_said(texts)}; exemplar quotes {', '.join(exemplars) or '(none)'}"


def describe_map(e: Event, p: dict[str, Any], known: Recall) -> str:
    theme, node = _theme(p["theme"], known), _node(p["node"], known)
    if e.kind == "map":
        note = _str(p.get("note"))
        return f"{theme} mapped to {node}" + (f", because {_said(note)}" if note.strip() else " (no note)")
    note = known.notes.get((p["theme"], p["node"]), "")
    return f"{theme} unmapped from {node}" + (f" (its note was {_said(note)})" if note.strip() else "")


def describe_memo(e: Event, p: dict[str, Any], known: Recall) -> str:
    about = [x for x in (_theme(_str(p.get("theme")), known) if p.get("theme") else "",
                         f"segment {p['segment']}" if p.get("segment") else "") if x]
    return f"memo on {', '.join(about) or 'the study'}: {_said(p['text'])}"


def describe_vote(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"voted {p['vote']} on {_item(p['item'], known)} in session {p['session']!r}"


def describe_adjudicate(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"{_item(p['item'], known)} adjudicated {p['outcome']} in session {p['session']!r}"


def describe_model(e: Event, p: dict[str, Any], known: Recall) -> str:
    model = p["model"]
    source = _str(p.get("source"))
    nodes, edges = _count(len(_dicts(model.get("nodes"))), "node"), _count(len(_dicts(model.get("edges"))), "edge")
    said = (f"logic model {model.get('name', '')!r} loaded" + (f" from {source}" if source else "")
            + f" ({nodes}, {edges})")
    description = _str(model.get("description"))
    return said + (f": {_said(description)}" if description.strip() else "")


def describe_node_change(e: Event, p: dict[str, Any], known: Recall) -> str:
    node = p["node"]
    said = (f"node {node['id']} {'added' if e.kind == 'node_add' else 'edited'}: {node.get('type')} "
            f"{_str(node.get('label'))!r}")
    description, questions = _str(node.get("description")), _strs(node.get("questions"))
    return (said + (f"; description {_said(description)}" if description.strip() else "")
            + (f"; questions {', '.join(questions)}" if questions else ""))


def describe_node_remove(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"node {_node(p['id'], known)} removed"


def describe_edge(e: Event, p: dict[str, Any], known: Recall) -> str:
    label = _str(p.get("label"))
    return (f"edge {p['from']} -> {p['to']} {'added' if e.kind == 'edge_add' else 'removed'}"
            + (f" ({label!r})" if label else ""))


def describe_revert(e: Event, p: dict[str, Any], known: Recall) -> str:
    seq = p["event"]
    target = known.events.get(seq)
    if target is None:
        return f"undoes event #{seq}"
    if target.kind == "revert":
        restored = payload_of(target).get("event")
        what = known.said.get(restored) if isinstance(restored, int) else None
        return f"restores #{restored}" + (f" ({what})" if what else "") + f" by undoing revert #{seq}"
    # ``describe_all`` says every event before it learns it, so a known target has its sentence.
    return f"undoes #{seq} ({target.kind} by {target.by}): {known.said.get(seq, target.kind)}"
