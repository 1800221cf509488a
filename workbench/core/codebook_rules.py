"""What each kind of decision does to the codebook: one function per kind, all with one signature.

``apply_<kind>(book, event, payload, issued)`` checks everything first and changes the
codebook only when all of it holds, so a refused decision leaves the state untouched. The
table in ``decision_kinds`` names which function applies which kind; ``apply_event``
checks the kind and the reason before calling it. The checks stay here, where replay meets
them too: their messages are what a researcher reads when a decision no longer applies.

Pure: no SQL, no Streamlit, no models (a logic model is parsed only when one is loaded).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from workbench.core.codebook_state import Codebook, Fate, Memo, few, id_list, text_field
from workbench.core.decision_events import DecisionError, Event, is_theme_id
from workbench.errors import InputError

if TYPE_CHECKING:
    from workbench.core.logic_model import LogicModel

__all__ = ["VOTES"]  # the apply_* functions are reached through the table in decision_kinds

VOTES = ("accept", "reject", "revise")  # a reviewer's verdict on a theme or candidate in a validation session

Payload = Mapping[str, Any]


# --- candidates and themes ------------------------------------------------------------------
def apply_accept(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    candidate = book.undecided(text_field(p, "candidate"))
    theme_id = book.new_theme_id(p, issued)
    name = book.free_name(p)
    members = id_list(p, "members")
    book.create_theme(event, theme_id, name, members, candidate)
    book.candidates[candidate] = Fate("accepted", theme_id)


def apply_reject(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    candidate = book.undecided(text_field(p, "candidate"))
    book.candidates[candidate] = Fate("rejected")


def apply_create(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    theme_id = book.new_theme_id(p, issued)
    name = book.free_name(p)
    members = id_list(p, "members", allow_empty=True)
    definition = {k: text_field(p, k, required=False) for k in ("definition", "inclusion", "exclusion")}
    origin = text_field(p, "origin", required=False) or "created"
    theme = book.create_theme(event, theme_id, name, members, origin)
    theme.definition, theme.inclusion, theme.exclusion = (definition[k] for k in
                                                         ("definition", "inclusion", "exclusion"))


def apply_rename(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    theme = book.theme(text_field(p, "theme"))
    name = book.free_name(p, ignore=[theme.id])
    if name == theme.name:
        raise DecisionError(f"{theme.id} is already called {name!r}")
    book.rename_theme(theme, name)
    theme.history.append(event.seq)


def apply_merge(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    sources = p.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, dict) for s in sources):
        raise DecisionError("a merge needs at least one theme or candidate to merge")
    into = text_field(p, "into")
    plan: list[tuple[str, list[str]]] = []  # (source id, members it brings)
    seen = {into}
    for source in sources:
        source_id = text_field(source, "id")
        if source_id in seen:
            raise DecisionError(f"{source_id} is named twice in the merge")
        seen.add(source_id)
        if is_theme_id(source_id):
            plan.append((source_id, sorted(book.theme(source_id).members)))
        else:
            plan.append((book.undecided(source_id), id_list(source, "members")))
    if is_theme_id(into):
        target = book.theme(into)
        new_id, name = None, None
    else:
        candidate = book.undecided(into)
        new_id, name = book.new_theme_id(p, issued), book.free_name(p, ignore=[s for s, _ in plan])
        target_members = id_list(p, "members")
    # Everything is checked: now change the codebook.
    nodes: set[str] = set()
    gained: list[str] = []
    for source_id, members in plan:
        gained.extend(members)
        if is_theme_id(source_id):
            nodes |= book.themes[source_id].nodes
            book.retire(book.themes[source_id], f"merged into {new_id or into}", event)
        else:
            book.candidates[source_id] = Fate("merged", new_id or into)
    if new_id is not None:
        target = book.create_theme(event, new_id, name or "", target_members, candidate)
        book.candidates[candidate] = Fate("accepted", new_id)
    else:
        target.history.append(event.seq)
    book.add_members(target, gained)
    target.nodes |= nodes


def apply_split(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    theme = book.theme(text_field(p, "theme"))
    parts = p.get("parts")
    if not isinstance(parts, list) or len(parts) < 2 or not all(isinstance(x, dict) for x in parts):
        raise DecisionError("a split needs at least two parts")
    new_ids: list[str] = []
    names: list[str] = []
    covered: dict[str, str] = {}
    for part in parts:
        part_id = book.new_theme_id(part, issued)
        if part_id in new_ids:
            raise DecisionError(f"theme id {part_id} is given to two parts")
        name = book.free_name(part, ignore=[theme.id])
        if name.casefold() in (n.casefold() for n in names):
            raise DecisionError(f"two parts are called {name!r}")
        members = id_list(part, "members")
        outside = [m for m in members if m not in theme.members]
        if outside:
            raise DecisionError(f"part {name!r} names segments that are not in {theme.id}: {few(outside)}")
        twice = [m for m in members if m in covered]
        if twice:
            raise DecisionError(f"segments are in two parts: {few(twice)}; each belongs to one part")
        covered.update((m, part_id) for m in members)
        new_ids.append(part_id)
        names.append(name)
    left = theme.members - covered.keys()
    if left:
        raise DecisionError(f"{len(left)} of {theme.id}'s segments are in no part ({few(left)}): "
                            "put each in a part, or unassign it first")
    nodes = set(theme.nodes)
    book.retire(theme, f"split into {', '.join(new_ids)}", event)
    for part, part_id, name in zip(parts, new_ids, names, strict=True):
        created = book.create_theme(event, part_id, name, part["members"], f"split of {theme.id}")
        created.nodes = set(nodes)


# --- segments ---------------------------------------------------------------------------------
def apply_move(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    segments = id_list(p, "segments")
    source, target = book.theme(text_field(p, "from")), book.theme(text_field(p, "to"))
    if source.id == target.id:
        raise DecisionError("a move needs two different themes")
    missing = [s for s in segments if s not in source.members]
    if missing:
        raise DecisionError(f"{source.id} does not hold {few(missing)}")
    book.remove_members(source, segments)
    book.add_members(target, segments)
    source.history.append(event.seq)
    target.history.append(event.seq)


def apply_assign(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    segments = id_list(p, "segments")
    theme = book.theme(text_field(p, "theme"))
    already = [s for s in segments if s in theme.members]
    if already:
        raise DecisionError(f"{theme.id} already holds {few(already)}")
    book.add_members(theme, segments)
    theme.history.append(event.seq)


def apply_unassign(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    segments = id_list(p, "segments")
    theme = book.theme(text_field(p, "theme"))
    missing = [s for s in segments if s not in theme.members]
    if missing:
        raise DecisionError(f"{theme.id} does not hold {few(missing)}")
    book.remove_members(theme, segments)
    theme.history.append(event.seq)


def apply_dismiss(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    """Segments a researcher read in triage and judged to belong to no theme (small talk, off topic).

    They leave the triage queue but stay in the study and can still be coded; the
    decision is in the log with its reason, and a revert puts them back in triage.
    """
    segments = id_list(p, "segments")
    already = [s for s in segments if s in book.dismissed]
    if already:
        raise DecisionError(f"already dismissed from triage: {few(already)}")
    coded = [s for s in segments if book.coded.get(s)]
    if coded:
        raise DecisionError(f"coded to a theme, so not in triage: {few(coded)} (unassign it first)")
    for seg in segments:
        book.dismissed[seg] = event.seq


# --- what a theme means, and what the researchers say about it -----------------------------
def apply_define(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    theme = book.theme(text_field(p, "theme"))
    fields = {k: text_field(p, k, required=False, limit=20_000) for k in ("definition", "inclusion", "exclusion")}
    exemplars = id_list(p, "exemplars", allow_empty=True)
    outside = [s for s in exemplars if s not in theme.members]
    if outside:
        raise DecisionError(f"exemplar quotes must come from {theme.id}'s segments; not in it: {few(outside)}")
    theme.definition, theme.inclusion, theme.exclusion = (fields[k] for k in ("definition", "inclusion", "exclusion"))
    theme.exemplars = exemplars
    theme.history.append(event.seq)


def apply_map(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    theme, node = book.theme(text_field(p, "theme")), text_field(p, "node", limit=200)
    note = text_field(p, "note", required=False, limit=5_000)
    if book.model is not None and book.model.node(node) is None:
        raise DecisionError(f"the logic model has no node {node!r}")
    if node in theme.nodes:
        raise DecisionError(f"{theme.id} is already mapped to {node}")
    theme.nodes.add(node)
    if note:
        theme.notes[node] = note
    theme.history.append(event.seq)


def apply_unmap(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    theme, node = book.theme(text_field(p, "theme")), text_field(p, "node", limit=200)
    if node not in theme.nodes:
        raise DecisionError(f"{theme.id} is not mapped to {node}")
    theme.nodes.discard(node)
    theme.notes.pop(node, None)
    theme.history.append(event.seq)


def apply_memo(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    text = text_field(p, "text", limit=20_000)
    theme_id = text_field(p, "theme", required=False) or None
    segment = text_field(p, "segment", required=False) or None
    theme = book.theme(theme_id) if theme_id else None
    book.memos.append(Memo(event.seq, event.by, event.at, text, theme_id, segment))
    if theme is not None:
        theme.history.append(event.seq)


def _verdict(book: Codebook, p: Payload, key: str) -> tuple[str, str, str]:
    session, item, verdict = text_field(p, "session", limit=200), text_field(p, "item"), text_field(p, key)
    if verdict not in VOTES:
        raise DecisionError(f"{key} must be one of {', '.join(VOTES)}, not {verdict!r}")
    if is_theme_id(item):
        book.theme(item)
    return session, item, verdict


def apply_vote(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    session, item, vote = _verdict(book, p, "vote")
    book.votes[(session, item, event.by)] = (vote, event.seq)  # a reviewer's later vote replaces their own


def apply_adjudicate(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    session, item, outcome = _verdict(book, p, "outcome")
    book.adjudications[(session, item)] = (outcome, event.seq)


# --- the logic model ----------------------------------------------------------------------------
def _validated(data: Any) -> LogicModel:
    from workbench.core.logic_model import parse_model

    try:
        return parse_model(data, "the logic model")
    except InputError as exc:
        raise DecisionError(f"{exc.problem}: {exc.fix}" if exc.fix else exc.problem) from None


def _current_model(book: Codebook) -> dict[str, Any]:
    return book.model.as_data() if book.model else {"name": "Logic model", "description": "", "nodes": [],
                                                    "edges": []}


def apply_model(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    model = _validated(p.get("model"))
    missing = {n: t for n, t in book.mapped().items() if model.node(n) is None}
    if missing:
        listed = "; ".join(f"{n} ({', '.join(t)})" for n, t in sorted(missing.items()))
        raise DecisionError(f"themes are mapped to nodes this model does not have: {listed}; unmap them first")
    book.model = model


def apply_node_add(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    data = _current_model(book)
    node = p.get("node")
    if isinstance(node, dict) and any(n["id"] == node.get("id") for n in data["nodes"]):
        raise DecisionError(f"the logic model already has a node {node.get('id')!r}")
    data["nodes"].append(node)
    book.model = _validated(data)


def apply_node_edit(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    data = _current_model(book)
    node = p.get("node")
    node_id = node.get("id") if isinstance(node, dict) else None
    if not any(n["id"] == node_id for n in data["nodes"]):
        raise DecisionError(f"the logic model has no node {node_id!r}")
    data["nodes"] = [node if n["id"] == node_id else n for n in data["nodes"]]
    book.model = _validated(data)


def apply_node_remove(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    node_id = text_field(p, "id")
    data = _current_model(book)
    if not any(n["id"] == node_id for n in data["nodes"]):
        raise DecisionError(f"the logic model has no node {node_id!r}")
    holders = book.mapped().get(node_id)
    if holders:
        raise DecisionError(f"{', '.join(holders)} {'is' if len(holders) == 1 else 'are'} mapped to {node_id}; "
                            "unmap first")
    data["nodes"] = [n for n in data["nodes"] if n["id"] != node_id]
    data["edges"] = [e for e in data["edges"] if node_id not in (e["from"], e["to"])]
    book.model = _validated(data)


def apply_edge_add(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    data = _current_model(book)
    data["edges"].append({"from": text_field(p, "from"), "to": text_field(p, "to"),
                          "label": text_field(p, "label", required=False)})
    book.model = _validated(data)


def apply_edge_remove(book: Codebook, event: Event, p: Payload, issued: set[str]) -> None:
    data = _current_model(book)
    key = (text_field(p, "from"), text_field(p, "to"))
    kept = [e for e in data["edges"] if (e["from"], e["to"]) != key]
    if len(kept) == len(data["edges"]):
        raise DecisionError(f"the logic model has no edge {key[0]} -> {key[1]}")
    data["edges"] = kept
    book.model = _validated(data)
