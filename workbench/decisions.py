"""The decision log's rules: event kinds, validation against the codebook, and replay.

Pure: no SQL, no Streamlit, no models. The store keeps events; this module says which
events may be appended and what codebook they add up to. The codebook is never stored:
it is always the replay of the log (principle 2), so it can be rebuilt, audited and
verified from the log alone.

Three rules shape the design:

- an event is validated against the state it will be applied to, and ``apply`` checks
  everything before it changes anything, so a refused event leaves the state untouched;
- undo is a new event (``revert``) that deactivates an earlier one; a revert of a revert
  reactivates it. After a revert the codebook is rebuilt from the active events, and the
  revert is refused if a later event depended on what it would remove;
- theme ids are written into the event that creates the theme and are never issued twice,
  even by events that were later reverted, so an id always means one theme.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import InputError, WorkbenchError
from .names import check_name, check_reason, check_text

if TYPE_CHECKING:  # loaded where a logic model is read: its YAML and model classes slow every command's start
    from .logic_model import LogicModel

__all__ = [
    "GENESIS", "KINDS", "NEEDS_RATIONALE", "VOTES", "Codebook", "DecisionError", "Draft", "Event", "Log",
    "Theme", "canonical", "chain_problems", "describe", "event_hash", "is_theme_id", "seal",
]

KINDS = ("accept", "reject", "create", "rename", "merge", "split", "move", "assign", "unassign", "define", "map",
         "unmap", "memo", "vote", "adjudicate", "model", "node_add", "node_edit", "node_remove", "edge_add",
         "edge_remove", "dismiss", "revert")
NEEDS_RATIONALE = frozenset({"reject", "merge", "split", "revert", "adjudicate", "node_remove", "edge_remove"})
VOTES = ("accept", "reject", "revise")  # a reviewer's verdict on a theme or candidate in a validation session
GENESIS = "0" * 64  # the previous hash of the first event
_THEME_ID = re.compile(r"T-(\d{3,})")
_NAME_LIMIT = 200


class DecisionError(WorkbenchError):
    """A decision that cannot be applied to the codebook as it stands; nothing was recorded."""


def is_theme_id(text: str) -> bool:
    return bool(_THEME_ID.fullmatch(text))


def canonical(payload: Mapping[str, Any]) -> str:
    """The one serialisation of a payload that is stored and hashed: sorted keys, no spaces."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(seq: int, at: str, by: str, kind: str, payload_json: str, rationale: str, prev_hash: str) -> str:
    """sha256 over every field of an event and the hash before it."""
    body = json.dumps([seq, at, by, kind, payload_json, rationale, prev_hash], separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Draft:
    """A decision before it has a place in the log: the one path every new decision takes (CLI, app, API).

    Who decided, the reason and the words in the payload are checked here, not in
    ``Codebook.apply``, which replay shares: an event recorded before these checks must
    still replay. ``by`` and ``rationale`` are kept as recorded (stripped, NFC).
    """

    kind: str
    payload: dict[str, Any]
    by: str
    rationale: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "by", check_name(self.by, "the name of who is deciding"))
            object.__setattr__(self, "rationale", check_reason(self.rationale, "the reason"))
            _check_words(self.payload)
        except WorkbenchError as exc:
            raise DecisionError(str(exc)) from None


_NAME_KEYS = frozenset({"name"})  # one line, as a theme's name is shown in lists
_WORD_KEYS = frozenset({"definition", "inclusion", "exclusion", "note", "text", "origin", "label", "description",
                        "questions", "session"})


def _check_words(value: Any, key: str = "") -> None:
    """Refuse control and bidirectional characters in the researchers' words anywhere in a new payload."""
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            _check_words(inner, str(inner_key))
    elif isinstance(value, list):
        for inner in value:
            _check_words(inner, key)
    elif isinstance(value, str) and (key in _NAME_KEYS or key in _WORD_KEYS):
        check_text(value, f"the {key}", name=key in _NAME_KEYS)


@dataclass(frozen=True)
class Event:
    seq: int
    at: str
    by: str
    kind: str
    payload_json: str
    rationale: str
    prev_hash: str
    hash: str

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.payload_json)

    def expected_hash(self) -> str:
        return event_hash(self.seq, self.at, self.by, self.kind, self.payload_json, self.rationale, self.prev_hash)


def seal(draft: Draft, seq: int, at: str, prev_hash: str) -> Event:
    """Give a draft its place in the chain."""
    payload_json = canonical(draft.payload)
    rationale = draft.rationale.strip()
    digest = event_hash(seq, at, draft.by, draft.kind, payload_json, rationale, prev_hash)
    return Event(seq, at, draft.by, draft.kind, payload_json, rationale, prev_hash, digest)


def chain_problems(events: Iterable[Event], head: tuple[int, str] | None = None) -> list[str]:
    """Everything wrong with a log: edited, deleted, inserted or reordered events.

    Each event's hash covers its fields and the previous hash, so an edit breaks its own
    hash, a deletion or insertion breaks the numbering or the link to the next one, and a
    reorder breaks the links. Cutting events off the end leaves a valid shorter chain, so
    the head (last seq and hash) recorded with every append is compared as well.
    """
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    last: Event | None = None
    for event in events:
        if event.seq != expected_seq:
            problems.append(f"event #{event.seq}: expected #{expected_seq} here (events missing or inserted)")
        if event.prev_hash != prev:
            problems.append(f"event #{event.seq}: does not follow the event before it (deleted, inserted "
                            "or reordered events)")
        if event.expected_hash() != event.hash:
            problems.append(f"event #{event.seq}: its content does not match its hash (edited)")
        prev, expected_seq, last = event.hash, event.seq + 1, event
    if head is not None:
        seq, digest = head
        if last is None or (last.seq, last.hash) != (seq, digest):
            have = f"#{last.seq}" if last else "no events"
            problems.append(f"the log ends at {have}, but the last recorded append was #{seq} (events removed "
                            "from the end, or the record of the head edited)")
    return problems


@dataclass
class Theme:
    id: str
    name: str
    members: set[str]
    origin: str  # the candidate it came from, "split of T-002", "created", ...
    created_seq: int
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    exemplars: list[str] = field(default_factory=list)
    nodes: set[str] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)  # logic-model node -> why the theme evidences it
    history: list[int] = field(default_factory=list)  # seqs of the events that touched it

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "size": len(self.members), "members": sorted(self.members),
                "origin": self.origin, "definition": self.definition, "inclusion": self.inclusion,
                "exclusion": self.exclusion, "exemplars": list(self.exemplars), "nodes": sorted(self.nodes),
                "notes": dict(sorted(self.notes.items())), "history": list(self.history)}


@dataclass(frozen=True)
class Memo:
    seq: int
    by: str
    at: str
    text: str
    theme: str | None
    segment: str | None


@dataclass(frozen=True)
class Retired:
    reason: str  # "merged into T-001", "split into T-004, T-005"
    seq: int
    by: str
    at: str


def _text(payload: Mapping[str, Any], key: str, *, required: bool = True, limit: int | None = None) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str):
        raise DecisionError(f"'{key}' must be text")
    value = value.strip()
    if required and not value:
        raise DecisionError(f"'{key}' is required")
    if limit and len(value) > limit:
        raise DecisionError(f"'{key}' is longer than {limit} characters")
    return value


def _ids(payload: Mapping[str, Any], key: str, *, allow_empty: bool = False) -> list[str]:
    value = payload.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DecisionError(f"'{key}' must be a list of ids")
    if not value and not allow_empty:
        raise DecisionError(f"'{key}' is empty: name at least one segment")
    if len(set(value)) != len(value):
        raise DecisionError(f"'{key}' names a segment twice")
    return value


def _few(items: Iterable[str], limit: int = 5) -> str:
    items = sorted(items)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class Codebook:
    """The researchers' codebook: what the active events add up to."""

    def __init__(self) -> None:
        self.themes: dict[str, Theme] = {}
        self.retired: dict[str, Retired] = {}
        self.candidates: dict[str, str] = {}  # candidate id -> "accepted as T-001" / "rejected" / "merged into T-002"
        self.memos: list[Memo] = []
        self.votes: dict[tuple[str, str, str], tuple[str, int]] = {}  # (session, item, researcher) -> (vote, seq)
        self.adjudications: dict[tuple[str, str], tuple[str, int]] = {}  # (session, item) -> (outcome, seq)
        self.coded: dict[str, set[str]] = {}  # segment -> the themes holding it
        self.dismissed: dict[str, int] = {}  # segment -> the event that took it out of triage
        self.model: LogicModel | None = None  # the programme theory, as loaded and edited
        # casefolded name -> the active theme called that: a name is checked against every theme on
        # each create and rename, and a loop over them made a 10,000-code import quadratic
        self._named: dict[str, str] = {}

    # --- reading -----------------------------------------------------------------------
    def themes_of(self, segment: str) -> set[str]:
        return set(self.coded.get(segment, ()))

    def theme(self, theme_id: str) -> Theme:
        """An active theme, or a message saying what became of it."""
        found = self.themes.get(theme_id)
        if found is not None:
            return found
        gone = self.retired.get(theme_id)
        if gone is not None:
            raise DecisionError(f"theme {theme_id} no longer exists: it was {gone.reason} by {gone.by} at "
                                f"{gone.at} (event #{gone.seq}); refresh and choose again")
        raise DecisionError(f"there is no theme {theme_id}")

    def snapshot(self) -> dict[str, Any]:
        """Everything in the codebook as plain data: for comparing states and for export."""
        return {
            "themes": {k: t.summary() for k, t in sorted(self.themes.items())},
            "retired": {k: r.reason for k, r in sorted(self.retired.items())},
            "candidates": dict(sorted(self.candidates.items())),
            "memos": [m.seq for m in self.memos],
            "votes": sorted((*k, v) for k, (v, _) in self.votes.items()),
            "adjudications": sorted((*k, v) for k, (v, _) in self.adjudications.items()),
            "coded": {k: sorted(v) for k, v in sorted(self.coded.items()) if v},
            "dismissed": sorted(self.dismissed),
            "model": self.model.as_data() if self.model else None,
        }

    def mapped(self) -> dict[str, list[str]]:
        """Logic-model node -> the active themes mapped to it."""
        found: dict[str, list[str]] = {}
        for theme in sorted(self.themes.values(), key=lambda t: t.id):
            for node in sorted(theme.nodes):
                found.setdefault(node, []).append(theme.id)
        return found

    # --- applying ------------------------------------------------------------------------
    def apply(self, event: Event, issued: set[str]) -> None:
        """Validate ``event`` against this codebook, then apply it; a refusal changes nothing.

        ``issued`` holds every theme id any event has created, reverted ones included:
        a new theme may not reuse one.
        """
        if event.kind not in KINDS or event.kind == "revert":
            raise DecisionError(f"unknown decision kind {event.kind!r}")
        if event.kind in NEEDS_RATIONALE and not event.rationale.strip():
            raise DecisionError(f"a reason is required to {event.kind}: say why", flag="--why")
        payload = event.payload
        if not isinstance(payload, dict):
            raise DecisionError("the decision's payload must be an object")
        getattr(self, f"_{event.kind}")(event, payload, issued)

    def _new_theme_id(self, payload: Mapping[str, Any], issued: set[str], key: str = "theme") -> str:
        theme_id = _text(payload, key)
        if not is_theme_id(theme_id):
            raise DecisionError(f"{theme_id!r} is not a theme id (T-001, T-002, ...)")
        if theme_id in issued or theme_id in self.themes or theme_id in self.retired:
            raise DecisionError(f"theme id {theme_id} has been used before; ids are never reused")
        return theme_id

    def _name(self, payload: Mapping[str, Any], ignore: Iterable[str] = ()) -> str:
        name = _text(payload, "name", limit=_NAME_LIMIT)
        holder = self._named.get(name.casefold())
        if holder is not None and holder not in set(ignore):
            raise DecisionError(f"a theme called {name!r} already exists ({holder}); choose another name")
        return name

    def _undecided(self, candidate: str) -> str:
        if not candidate or is_theme_id(candidate):
            raise DecisionError(f"{candidate!r} is not a candidate id (R1-C03)")
        done = self.candidates.get(candidate)
        if done:
            raise DecisionError(f"candidate {candidate} was already {done}")
        return candidate

    def _add(self, theme: Theme, segments: Iterable[str]) -> None:
        for seg in segments:
            theme.members.add(seg)
            self.coded.setdefault(seg, set()).add(theme.id)
            self.dismissed.pop(seg, None)  # coded after all: no longer "belonging to no theme"

    def _remove(self, theme: Theme, segments: Iterable[str]) -> None:
        for seg in segments:
            theme.members.discard(seg)
            holders = self.coded.get(seg)
            if holders is not None:
                holders.discard(theme.id)
                if not holders:
                    del self.coded[seg]
        theme.exemplars = [s for s in theme.exemplars if s in theme.members]

    def _create_theme(self, event: Event, theme_id: str, name: str, members: Iterable[str], origin: str) -> Theme:
        theme = Theme(theme_id, name, set(), origin, event.seq, history=[event.seq])
        self.themes[theme_id] = theme
        self._named[name.casefold()] = theme_id
        self._add(theme, members)
        return theme

    def _retire(self, theme: Theme, reason: str, event: Event) -> None:
        self._remove(theme, list(theme.members))
        del self.themes[theme.id]
        if self._named.get(theme.name.casefold()) == theme.id:
            del self._named[theme.name.casefold()]
        self.retired[theme.id] = Retired(reason, event.seq, event.by, event.at)

    def _accept(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        candidate = self._undecided(_text(p, "candidate"))
        theme_id = self._new_theme_id(p, issued)
        name = self._name(p)
        members = _ids(p, "members")
        self._create_theme(event, theme_id, name, members, candidate)
        self.candidates[candidate] = f"accepted as {theme_id}"

    def _create(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        theme_id = self._new_theme_id(p, issued)
        name = self._name(p)
        members = _ids(p, "members", allow_empty=True)
        definition = {k: _text(p, k, required=False) for k in ("definition", "inclusion", "exclusion")}
        origin = _text(p, "origin", required=False) or "created"
        theme = self._create_theme(event, theme_id, name, members, origin)
        theme.definition, theme.inclusion, theme.exclusion = (definition[k] for k in
                                                             ("definition", "inclusion", "exclusion"))

    def _reject(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        candidate = self._undecided(_text(p, "candidate"))
        self.candidates[candidate] = "rejected"

    def _rename(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        theme = self.theme(_text(p, "theme"))
        name = self._name(p, ignore=[theme.id])
        if name == theme.name:
            raise DecisionError(f"{theme.id} is already called {name!r}")
        if self._named.get(theme.name.casefold()) == theme.id:
            del self._named[theme.name.casefold()]
        theme.name = name
        self._named[name.casefold()] = theme.id
        theme.history.append(event.seq)

    def _merge(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        sources = p.get("sources")
        if not isinstance(sources, list) or not sources or not all(isinstance(s, dict) for s in sources):
            raise DecisionError("a merge needs at least one theme or candidate to merge")
        into = _text(p, "into")
        plan: list[tuple[str, list[str]]] = []  # (source id, members it brings)
        seen = {into}
        for source in sources:
            source_id = _text(source, "id")
            if source_id in seen:
                raise DecisionError(f"{source_id} is named twice in the merge")
            seen.add(source_id)
            if is_theme_id(source_id):
                plan.append((source_id, sorted(self.theme(source_id).members)))
            else:
                plan.append((self._undecided(source_id), _ids(source, "members")))
        if is_theme_id(into):
            target = self.theme(into)
            new_id, name = None, None
        else:
            candidate = self._undecided(into)
            new_id, name = self._new_theme_id(p, issued), self._name(p, ignore=[s for s, _ in plan])
            target_members = _ids(p, "members")
        # Everything is checked: now change the codebook.
        nodes: set[str] = set()
        gained: list[str] = []
        for source_id, members in plan:
            gained.extend(members)
            if is_theme_id(source_id):
                nodes |= self.themes[source_id].nodes
                self._retire(self.themes[source_id], f"merged into {new_id or into}", event)
            else:
                self.candidates[source_id] = f"merged into {new_id or into}"
        if new_id is not None:
            target = self._create_theme(event, new_id, name or "", target_members, candidate)
            self.candidates[candidate] = f"accepted as {new_id}"
        else:
            target.history.append(event.seq)
        self._add(target, gained)
        target.nodes |= nodes

    def _split(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        theme = self.theme(_text(p, "theme"))
        parts = p.get("parts")
        if not isinstance(parts, list) or len(parts) < 2 or not all(isinstance(x, dict) for x in parts):
            raise DecisionError("a split needs at least two parts")
        new_ids: list[str] = []
        names: list[str] = []
        covered: dict[str, str] = {}
        for part in parts:
            part_id = self._new_theme_id(part, issued)
            if part_id in new_ids:
                raise DecisionError(f"theme id {part_id} is given to two parts")
            name = self._name(part, ignore=[theme.id])
            if name.casefold() in (n.casefold() for n in names):
                raise DecisionError(f"two parts are called {name!r}")
            members = _ids(part, "members")
            outside = [m for m in members if m not in theme.members]
            if outside:
                raise DecisionError(f"part {name!r} names segments that are not in {theme.id}: {_few(outside)}")
            twice = [m for m in members if m in covered]
            if twice:
                raise DecisionError(f"segments are in two parts: {_few(twice)}; each belongs to one part")
            covered.update((m, part_id) for m in members)
            new_ids.append(part_id)
            names.append(name)
        left = theme.members - covered.keys()
        if left:
            raise DecisionError(f"{len(left)} of {theme.id}'s segments are in no part ({_few(left)}): "
                                "put each in a part, or unassign it first")
        nodes = set(theme.nodes)
        self._retire(theme, f"split into {', '.join(new_ids)}", event)
        for part, part_id, name in zip(parts, new_ids, names, strict=True):
            created = self._create_theme(event, part_id, name, part["members"], f"split of {theme.id}")
            created.nodes = set(nodes)

    def _segments_of(self, p: Mapping[str, Any]) -> list[str]:
        return _ids(p, "segments")

    def _move(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        segments = self._segments_of(p)
        source, target = self.theme(_text(p, "from")), self.theme(_text(p, "to"))
        if source.id == target.id:
            raise DecisionError("a move needs two different themes")
        missing = [s for s in segments if s not in source.members]
        if missing:
            raise DecisionError(f"{source.id} does not hold {_few(missing)}")
        self._remove(source, segments)
        self._add(target, segments)
        source.history.append(event.seq)
        target.history.append(event.seq)

    def _assign(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        segments = self._segments_of(p)
        theme = self.theme(_text(p, "theme"))
        already = [s for s in segments if s in theme.members]
        if already:
            raise DecisionError(f"{theme.id} already holds {_few(already)}")
        self._add(theme, segments)
        theme.history.append(event.seq)

    def _unassign(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        segments = self._segments_of(p)
        theme = self.theme(_text(p, "theme"))
        missing = [s for s in segments if s not in theme.members]
        if missing:
            raise DecisionError(f"{theme.id} does not hold {_few(missing)}")
        self._remove(theme, segments)
        theme.history.append(event.seq)

    def _dismiss(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        """Segments a researcher read in triage and judged to belong to no theme (small talk, off topic).

        They leave the triage queue but stay in the study and can still be coded; the
        decision is in the log with its reason, and a revert puts them back in triage.
        """
        segments = self._segments_of(p)
        already = [s for s in segments if s in self.dismissed]
        if already:
            raise DecisionError(f"already dismissed from triage: {_few(already)}")
        coded = [s for s in segments if self.coded.get(s)]
        if coded:
            raise DecisionError(f"coded to a theme, so not in triage: {_few(coded)} (unassign it first)")
        for seg in segments:
            self.dismissed[seg] = event.seq

    def _define(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        theme = self.theme(_text(p, "theme"))
        fields = {k: _text(p, k, required=False, limit=20_000) for k in ("definition", "inclusion", "exclusion")}
        exemplars = _ids(p, "exemplars", allow_empty=True)
        outside = [s for s in exemplars if s not in theme.members]
        if outside:
            raise DecisionError(f"exemplar quotes must come from {theme.id}'s segments; not in it: {_few(outside)}")
        theme.definition, theme.inclusion, theme.exclusion = (fields[k] for k in
                                                             ("definition", "inclusion", "exclusion"))
        theme.exemplars = exemplars
        theme.history.append(event.seq)

    def _map(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        theme, node = self.theme(_text(p, "theme")), _text(p, "node", limit=200)
        note = _text(p, "note", required=False, limit=5_000)
        if self.model is not None and self.model.node(node) is None:
            raise DecisionError(f"the logic model has no node {node!r}")
        if node in theme.nodes:
            raise DecisionError(f"{theme.id} is already mapped to {node}")
        theme.nodes.add(node)
        if note:
            theme.notes[node] = note
        theme.history.append(event.seq)

    def _unmap(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        theme, node = self.theme(_text(p, "theme")), _text(p, "node", limit=200)
        if node not in theme.nodes:
            raise DecisionError(f"{theme.id} is not mapped to {node}")
        theme.nodes.discard(node)
        theme.notes.pop(node, None)
        theme.history.append(event.seq)

    # --- the logic model ---------------------------------------------------------------
    def _validated(self, data: Any) -> LogicModel:
        from .logic_model import parse_model

        try:
            return parse_model(data, "the logic model")
        except InputError as exc:
            raise DecisionError(f"{exc.problem}: {exc.fix}" if exc.fix else exc.problem) from None

    def _current_model(self) -> dict[str, Any]:
        return self.model.as_data() if self.model else {"name": "Logic model", "description": "", "nodes": [],
                                                        "edges": []}

    def _model(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        model = self._validated(p.get("model"))
        missing = {n: t for n, t in self.mapped().items() if model.node(n) is None}
        if missing:
            listed = "; ".join(f"{n} ({', '.join(t)})" for n, t in sorted(missing.items()))
            raise DecisionError(f"themes are mapped to nodes this model does not have: {listed}; unmap them first")
        self.model = model

    def _node_add(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        data = self._current_model()
        node = p.get("node")
        if isinstance(node, dict) and any(n["id"] == node.get("id") for n in data["nodes"]):
            raise DecisionError(f"the logic model already has a node {node.get('id')!r}")
        data["nodes"].append(node)
        self.model = self._validated(data)

    def _node_edit(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        data = self._current_model()
        node = p.get("node")
        node_id = node.get("id") if isinstance(node, dict) else None
        if not any(n["id"] == node_id for n in data["nodes"]):
            raise DecisionError(f"the logic model has no node {node_id!r}")
        data["nodes"] = [node if n["id"] == node_id else n for n in data["nodes"]]
        self.model = self._validated(data)

    def _node_remove(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        node_id = _text(p, "id")
        data = self._current_model()
        if not any(n["id"] == node_id for n in data["nodes"]):
            raise DecisionError(f"the logic model has no node {node_id!r}")
        holders = self.mapped().get(node_id)
        if holders:
            raise DecisionError(f"{', '.join(holders)} {'is' if len(holders) == 1 else 'are'} mapped to {node_id}; "
                                "unmap first")
        data["nodes"] = [n for n in data["nodes"] if n["id"] != node_id]
        data["edges"] = [e for e in data["edges"] if node_id not in (e["from"], e["to"])]
        self.model = self._validated(data)

    def _edge_add(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        data = self._current_model()
        data["edges"].append({"from": _text(p, "from"), "to": _text(p, "to"),
                              "label": _text(p, "label", required=False)})
        self.model = self._validated(data)

    def _edge_remove(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        data = self._current_model()
        key = (_text(p, "from"), _text(p, "to"))
        kept = [e for e in data["edges"] if (e["from"], e["to"]) != key]
        if len(kept) == len(data["edges"]):
            raise DecisionError(f"the logic model has no edge {key[0]} -> {key[1]}")
        data["edges"] = kept
        self.model = self._validated(data)

    def _memo(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        text = _text(p, "text", limit=20_000)
        theme_id = _text(p, "theme", required=False) or None
        segment = _text(p, "segment", required=False) or None
        theme = self.theme(theme_id) if theme_id else None
        self.memos.append(Memo(event.seq, event.by, event.at, text, theme_id, segment))
        if theme is not None:
            theme.history.append(event.seq)

    def _verdict(self, p: Mapping[str, Any], key: str) -> tuple[str, str, str]:
        session, item, verdict = _text(p, "session", limit=200), _text(p, "item"), _text(p, key)
        if verdict not in VOTES:
            raise DecisionError(f"{key} must be one of {', '.join(VOTES)}, not {verdict!r}")
        if is_theme_id(item):
            self.theme(item)
        return session, item, verdict

    def _vote(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        session, item, vote = self._verdict(p, "vote")
        self.votes[(session, item, event.by)] = (vote, event.seq)  # a reviewer's later vote replaces their own

    def _adjudicate(self, event: Event, p: Mapping[str, Any], issued: set[str]) -> None:
        session, item, outcome = self._verdict(p, "outcome")
        self.adjudications[(session, item)] = (outcome, event.seq)


def _created_ids(event: Event) -> list[str]:
    """The theme ids an event creates, whether or not it is active now."""
    try:
        payload = event.payload
    except ValueError:
        return []
    if not isinstance(payload, dict):
        return []
    if event.kind in ("accept", "create") or (event.kind == "merge" and not is_theme_id(str(payload.get("into")))):
        return [str(payload.get("theme", ""))]
    if event.kind == "split" and isinstance(payload.get("parts"), list):
        return [str(p.get("theme", "")) for p in payload["parts"] if isinstance(p, dict)]
    return []


def _undone(events: list[Event]) -> set[int]:
    """The events an active revert undoes, worked out from the last event back.

    An event is active unless a later, active revert names it; a revert can only name an
    earlier event, so walking backwards settles each event before it is needed. (Toggling
    forwards goes wrong once two reverts have named the same event.)
    """
    undone: set[int] = set()
    for event in reversed(events):
        if event.kind == "revert" and event.seq not in undone:
            undone.add(event.payload["event"])
    return undone


class Log:
    """The events so far and the codebook they add up to, kept up to date one event at a time.

    ``append`` is the incremental path the app takes on every click; ``replay`` builds the
    same state from scratch, and tests hold the two equal.
    """

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.undone: set[int] = set()  # seqs of events a revert has deactivated
        self.issued: set[str] = set()
        self._top = 0  # the highest theme number issued: ``next_theme_id`` without a scan of ``issued``
        self.codebook = Codebook()

    @classmethod
    def replay(cls, events: Iterable[Event]) -> Log:
        """The log rebuilt from stored events in one pass.

        Every stored event was validated when it was appended, reverts included, so the
        final set of undone events can be worked out first and the active events applied
        once each (appending one by one would rebuild the codebook at every revert). Each
        event is still validated as it is applied: a log that does not add up raises.
        """
        log = cls()
        log.events = list(events)
        for position, event in enumerate(log.events, start=1):
            if event.seq != position:
                raise DecisionError(f"event #{event.seq} out of order: expected #{position}")
        for event in log.events:
            if event.kind == "revert":
                target = event.payload.get("event")
                if not isinstance(target, int) or isinstance(target, bool) or not 1 <= target < event.seq:
                    raise DecisionError(f"event #{event.seq}: not a valid revert")
        undone = _undone(log.events)
        for event in log.events:
            if event.kind != "revert" and event.seq not in undone:
                try:
                    log.codebook.apply(event, log.issued)
                except DecisionError as exc:
                    raise DecisionError(f"event #{event.seq} ({event.kind}): {exc}") from None
            log._issue(_created_ids(event))
        log.undone = undone
        return log

    @property
    def seq(self) -> int:
        return self.events[-1].seq if self.events else 0

    @property
    def head(self) -> str:
        return self.events[-1].hash if self.events else GENESIS

    def next_theme_id(self, offset: int = 0) -> str:
        return f"T-{self._top + 1 + offset:03d}"

    def _issue(self, ids: Iterable[str]) -> None:
        for theme_id in ids:
            if theme_id:
                self.issued.add(theme_id)
                if m := _THEME_ID.fullmatch(theme_id):
                    self._top = max(self._top, int(m.group(1)))

    def event(self, seq: int) -> Event:
        if 1 <= seq <= len(self.events) and self.events[seq - 1].seq == seq:
            return self.events[seq - 1]
        for event in self.events:
            if event.seq == seq:
                return event
        raise DecisionError(f"there is no event #{seq}")

    def active(self, seq: int) -> bool:
        return seq not in self.undone

    def status(self, seq: int) -> str:
        """What event ``seq`` counts for now: 'active', 'undone by #N', or 'reverts #N (restores #M)'."""
        event = self.event(seq)
        if not self.active(seq):
            by = next((e.seq for e in reversed(self.events) if e.kind == "revert" and self.active(e.seq)
                       and e.payload.get("event") == seq), None)
            return f"undone by #{by}" if by is not None else "undone"
        if event.kind != "revert":
            return "active"
        target = self.event(event.payload["event"])
        return f"reverts #{target.seq}" + (f" (restores #{target.payload['event']})" if target.kind == "revert" else "")

    def touches(self, seq: int, theme: str) -> bool:
        """Whether event ``seq`` names theme id ``theme``, or reverts (or restores) an event that does."""
        event = self.event(seq)
        while f'"{theme}"' not in event.payload_json:
            if event.kind != "revert":
                return False
            event = self.event(event.payload["event"])
        return True

    def append(self, event: Event) -> None:
        """Apply the next event, or raise DecisionError and change nothing."""
        if event.seq != self.seq + 1:
            raise DecisionError(f"event #{event.seq} out of order: the log is at #{self.seq}")
        if event.kind == "revert":
            self._revert(event)
        else:
            self.codebook.apply(event, self.issued)
        self.events.append(event)
        self._issue(_created_ids(event))

    def _revert(self, event: Event) -> None:
        if not event.rationale.strip():
            raise DecisionError("a reason is required to revert: say why", flag="--why")
        target_seq = event.payload.get("event")
        if not isinstance(target_seq, int) or isinstance(target_seq, bool):
            raise DecisionError("a revert names the number of the event it undoes")
        target = self.event(target_seq)
        if target.seq in self.undone:
            raise DecisionError(f"event #{target.seq} is already undone; to restore it, revert the revert")
        undone = _undone([*self.events, event])
        rebuilt = Codebook()
        for earlier in self.events:
            if earlier.kind == "revert" or earlier.seq in undone:
                continue
            try:
                rebuilt.apply(earlier, self.issued - set(_created_ids(earlier)))
            except DecisionError as exc:
                raise DecisionError(
                    f"cannot revert #{target.seq} ({target.kind}): event #{earlier.seq} ({earlier.kind} by "
                    f"{earlier.by}) depends on it ({exc}); revert #{earlier.seq} first") from None
        self.undone = undone
        self.codebook = rebuilt


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
        p = _payload(event)
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


def describe_all(events: Sequence[Event], undone: Collection[int] = ()) -> dict[int, str]:
    """Every event's description, by seq, each naming what the log knew when it was made.

    One pass: the page shows the whole log on every run. Also notices an accept followed at
    once by a split of the theme it created (``Study.accept_in_parts``), so the theme id that
    existed only for that moment is explained rather than left as a gap.
    """
    recall = Recall()
    events = list(events)
    for before, after in ((events[i - 1], events[i]) for i in range(1, len(events))):
        if (before.kind, after.kind) == ("accept", "split") and before.by == after.by \
                and _payload(before).get("theme") == _payload(after).get("theme"):
            recall.split_at_once[before.seq] = after.seq
    for event in events:
        recall.said[event.seq] = describe(event, recall)
        recall.learn(event, event.seq not in undone)
    return dict(recall.said)


def describe(event: Event, recall: Recall | None = None) -> str:
    """What an event did, in full, on one line, for the log as people read it.

    Everything the researcher decided is in it (a memo's or a note's whole text, every
    merged source, the ids a split created and the one it retired), so the log can be read
    and searched without its JSON. With ``recall`` (see ``describe_all``) it also names
    what the payload only numbers. An event it cannot read is listed field by field.
    """
    known = recall or Recall()
    p = _payload(event)
    try:
        said = _DESCRIBERS[event.kind](event, p, known) if event.kind in _DESCRIBERS else None
    except (KeyError, TypeError, AttributeError, ValueError):
        said = None
    if said is None:
        return f"{event.kind}: " + "; ".join(f"{k}: {v}" for k, v in event_fields(event))
    return said


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

    walk("", _payload(event))
    return rows


def _payload(event: Event) -> dict[str, Any]:
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


def _accept(e: Event, p: dict[str, Any], known: Recall) -> str:
    said = f"{p['candidate']} accepted as {p['theme']} {p['name']!r} ({_segments(_strs(p['members']))})"
    split = known.split_at_once.get(e.seq)
    return said + (f", then split at once by #{split} (accepted in parts)" if split else "")


def _create(e: Event, p: dict[str, Any], known: Recall) -> str:
    said = f"created {p['theme']} {p['name']!r} ({_segments(_strs(p.get('members')))})"
    origin = _str(p.get("origin"))
    if origin and origin != "created":
        said += f", {origin}"
    texts = [(label, _str(p.get(key))) for label, key in
             (("definition", "definition"), ("include when", "inclusion"), ("exclude when", "exclusion"))]
    return said + (": " + _fields_said(texts) if any(text for _, text in texts) else "")


def _rename(e: Event, p: dict[str, Any], known: Recall) -> str:
    before = known.names.get(p["theme"])
    return f"{p['theme']} renamed {p['name']!r}" + (f" (was {before!r})" if before and before != p["name"] else "")


def _merge(e: Event, p: dict[str, Any], known: Recall) -> str:
    sources = _dicts(p["sources"])
    named = [_theme(s["id"], known) if is_theme_id(s["id"]) else f"{s['id']} ({_segments(_strs(s.get('members')))})"
             for s in sources]
    into = p["into"]
    target = (_theme(into, known) if is_theme_id(into) else
              f"{into}, accepted as {p['theme']} {p['name']!r} ({_segments(_strs(p.get('members')))} of its own)")
    retired = [s["id"] for s in sources if is_theme_id(s["id"])]
    return (f"{', '.join(named)} merged into {target}"
            + (f" ({', '.join(retired)} retired)" if retired else ""))


def _split(e: Event, p: dict[str, Any], known: Recall) -> str:
    parts = ", ".join(f"{x['theme']} {x['name']!r} ({_segments(_strs(x['members']))})" for x in _dicts(p["parts"]))
    said = f"{_theme(p['theme'], known)} split into {parts} ({p['theme']} retired"
    accepted = known.events.get(e.seq - 1)
    if accepted is not None and known.split_at_once.get(accepted.seq) == e.seq:
        said += (f": it existed only to accept {_payload(accepted).get('candidate')} in parts, #{accepted.seq} "
                 f"and #{e.seq}")
    return said + ")"


def _move(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"{_listed(_strs(p['segments']))} moved from {_theme(p['from'], known)} to {_theme(p['to'], known)}"


def _assign(e: Event, p: dict[str, Any], known: Recall) -> str:
    way = "assigned to" if e.kind == "assign" else "unassigned from"
    return f"{_listed(_strs(p['segments']))} {way} {_theme(p['theme'], known)}"


def _dismiss(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"{_listed(_strs(p['segments']))} dismissed from triage (read, and belonging to no theme)"


def _define(e: Event, p: dict[str, Any], known: Recall) -> str:
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


def _map(e: Event, p: dict[str, Any], known: Recall) -> str:
    theme, node = _theme(p["theme"], known), _node(p["node"], known)
    if e.kind == "map":
        note = _str(p.get("note"))
        return f"{theme} mapped to {node}" + (f", because {_said(note)}" if note.strip() else " (no note)")
    note = known.notes.get((p["theme"], p["node"]), "")
    return f"{theme} unmapped from {node}" + (f" (its note was {_said(note)})" if note.strip() else "")


def _memo(e: Event, p: dict[str, Any], known: Recall) -> str:
    about = [x for x in (_theme(_str(p.get("theme")), known) if p.get("theme") else "",
                         f"segment {p['segment']}" if p.get("segment") else "") if x]
    return f"memo on {', '.join(about) or 'the study'}: {_said(p['text'])}"


def _vote(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"voted {p['vote']} on {_item(p['item'], known)} in session {p['session']!r}"


def _adjudicate(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"{_item(p['item'], known)} adjudicated {p['outcome']} in session {p['session']!r}"


def _model(e: Event, p: dict[str, Any], known: Recall) -> str:
    model = p["model"]
    source = _str(p.get("source"))
    nodes, edges = _count(len(_dicts(model.get("nodes"))), "node"), _count(len(_dicts(model.get("edges"))), "edge")
    said = (f"logic model {model.get('name', '')!r} loaded" + (f" from {source}" if source else "")
            + f" ({nodes}, {edges})")
    description = _str(model.get("description"))
    return said + (f": {_said(description)}" if description.strip() else "")


def _node_change(e: Event, p: dict[str, Any], known: Recall) -> str:
    node = p["node"]
    said = (f"node {node['id']} {'added' if e.kind == 'node_add' else 'edited'}: {node.get('type')} "
            f"{_str(node.get('label'))!r}")
    description, questions = _str(node.get("description")), _strs(node.get("questions"))
    return (said + (f"; description {_said(description)}" if description.strip() else "")
            + (f"; questions {', '.join(questions)}" if questions else ""))


def _node_remove(e: Event, p: dict[str, Any], known: Recall) -> str:
    return f"node {_node(p['id'], known)} removed"


def _edge(e: Event, p: dict[str, Any], known: Recall) -> str:
    label = _str(p.get("label"))
    return (f"edge {p['from']} -> {p['to']} {'added' if e.kind == 'edge_add' else 'removed'}"
            + (f" ({label!r})" if label else ""))


def _revert(e: Event, p: dict[str, Any], known: Recall) -> str:
    seq = p["event"]
    target = known.events.get(seq)
    if target is None:
        return f"undoes event #{seq}"
    if target.kind == "revert":
        restored = _payload(target).get("event")
        what = known.said.get(restored) if isinstance(restored, int) else None
        return f"restores #{restored}" + (f" ({what})" if what else "") + f" by undoing revert #{seq}"
    return f"undoes #{seq} ({target.kind} by {target.by}): {known.said.get(seq, describe(target))}"


_DESCRIBERS: dict[str, Callable[[Event, dict[str, Any], Recall], str]] = {
    "accept": _accept, "create": _create, "reject": lambda e, p, k: f"{p['candidate']} rejected",
    "rename": _rename, "merge": _merge, "split": _split, "move": _move, "assign": _assign, "unassign": _assign,
    "define": _define, "map": _map, "unmap": _map, "memo": _memo, "vote": _vote, "adjudicate": _adjudicate,
    "model": _model, "node_add": _node_change, "node_edit": _node_change, "node_remove": _node_remove,
    "edge_add": _edge, "edge_remove": _edge, "dismiss": _dismiss, "revert": _revert,
}
