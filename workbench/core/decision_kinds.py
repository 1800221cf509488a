"""Every kind of decision, specified once: its payload's fields, whether it needs a reason, what it
does to the codebook, how the log says it, and which themes it creates or touches.

Before this table, each of those lived in its own place (a tuple of kinds, a set of kinds
needing a reason, methods found by name on the codebook, a second set of functions for the
log's sentences, and the REFI export guessing touched themes from payload keys), and a new
kind had to be added to all of them. Now a kind is one ``KindSpec`` row in ``SPECS``; the
codebook, the log's descriptions, the export and the command line's ``--why`` help read it,
and ``tests/test_decision_kinds.py`` holds every row complete.

The payloads themselves are unchanged: the field lists here declare what events have always
carried, so stored logs replay as before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.core import codebook_rules as rules
from workbench.core import decision_text as text
from workbench.core.decision_events import DecisionError, Event, is_theme_id
from workbench.core.decision_text import Recall, event_fields, payload_of

if TYPE_CHECKING:
    from workbench.core.codebook_state import Codebook

__all__ = ["KINDS", "NEEDS_RATIONALE", "SPECS", "KindSpec", "apply_event", "created_ids", "describe", "describe_all",
           "reason_help"]

Payload = Mapping[str, Any]
Apply = Callable[["Codebook", Event, Payload, set[str]], None]


def _themes(*values: Any) -> set[str]:
    """The values that are theme ids; anything else (absent, a candidate, a node) is left out."""
    return {v for v in values if isinstance(v, str) and is_theme_id(v)}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _no_themes(payload: Payload) -> set[str]:
    return set()


def _creates_nothing(payload: Payload) -> list[str]:
    return []


def _the_theme(payload: Payload) -> set[str]:
    return _themes(payload.get("theme"))


def _creates_the_theme(payload: Payload) -> list[str]:
    return [str(payload.get("theme", ""))]


def _merge_touches(payload: Payload) -> set[str]:
    sources = [s.get("id") for s in _dicts(payload.get("sources"))]
    return _themes(payload.get("into"), payload.get("theme"), *sources)


def _merge_creates(payload: Payload) -> list[str]:
    """A merge into a candidate accepts it as a new theme; a merge into a theme creates none."""
    return [] if is_theme_id(str(payload.get("into"))) else [str(payload.get("theme", ""))]


def _split_touches(payload: Payload) -> set[str]:
    return _themes(payload.get("theme"), *(part.get("theme") for part in _dicts(payload.get("parts"))))


def _split_creates(payload: Payload) -> list[str]:
    parts = payload.get("parts")
    return [str(part.get("theme", "")) for part in parts if isinstance(part, dict)] if isinstance(parts, list) else []


def _move_touches(payload: Payload) -> set[str]:
    return _themes(payload.get("from"), payload.get("to"))


def _item_touches(payload: Payload) -> set[str]:
    return _themes(payload.get("item"))


@dataclass(frozen=True)
class KindSpec:
    """One kind of decision: what its payload holds and what every part of the workbench does with it.

    ``apply`` validates against the codebook and changes it (None for ``revert``, which the
    log applies by replaying the others); ``describe`` is the log's sentence; ``touches``
    names the themes the event names (whose members it may change), ``creates`` the theme
    ids it issues, whether or not the event is still active.
    """

    kind: str
    action: str  # what the researcher does, in the command line's words: "remove a node"
    required: tuple[str, ...]  # payload fields every event of this kind carries
    optional: tuple[str, ...]  # payload fields it may carry (a merge into a candidate names the new theme)
    needs_reason: bool
    apply: Apply | None
    describe: text.Describer
    touches: Callable[[Payload], set[str]] = _no_themes
    creates: Callable[[Payload], list[str]] = _creates_nothing

    def problems(self, payload: Any) -> list[str]:
        """What a payload lacks, or carries beyond the declared fields; empty when its fields are as declared.

        Only the field list: whether the values make sense against the codebook is for
        ``apply``, which replay also runs and whose messages researchers read. Not called
        when recording, so events stored before a field was declared still replay.
        """
        if not isinstance(payload, dict):
            return ["the payload is not an object"]
        missing = [f"'{key}' is missing" for key in self.required if key not in payload]
        extra = [f"'{key}' is not a field of {self.kind}" for key in payload
                 if key not in self.required and key not in self.optional]
        return missing + extra


def _spec(kind: str, action: str, required: tuple[str, ...], apply: Apply | None, describe: text.Describer, *,
          optional: tuple[str, ...] = (), reason: bool = False,
          touches: Callable[[Payload], set[str]] = _no_themes,
          creates: Callable[[Payload], list[str]] = _creates_nothing) -> KindSpec:
    return KindSpec(kind, action, required, optional, reason, apply, describe, touches, creates)


_DEFINITION = ("definition", "inclusion", "exclusion")

# In the order the kinds have always been listed (``KINDS``): reading order, not importance.
SPECS: dict[str, KindSpec] = {spec.kind: spec for spec in (
    _spec("accept", "accept", ("candidate", "theme", "name", "members"), rules.apply_accept, text.describe_accept,
          touches=_the_theme, creates=_creates_the_theme),
    _spec("reject", "reject", ("candidate",), rules.apply_reject, text.describe_reject, reason=True),
    _spec("create", "create", ("theme", "name"), rules.apply_create, text.describe_create,
          optional=("members", *_DEFINITION, "origin"), touches=_the_theme, creates=_creates_the_theme),
    _spec("rename", "rename", ("theme", "name"), rules.apply_rename, text.describe_rename, touches=_the_theme),
    _spec("merge", "merge", ("into", "sources"), rules.apply_merge, text.describe_merge,
          optional=("theme", "name", "members"), reason=True, touches=_merge_touches, creates=_merge_creates),
    _spec("split", "split", ("theme", "parts"), rules.apply_split, text.describe_split, reason=True,
          touches=_split_touches, creates=_split_creates),
    _spec("move", "move", ("segments", "from", "to"), rules.apply_move, text.describe_move, touches=_move_touches),
    _spec("assign", "assign", ("segments", "theme"), rules.apply_assign, text.describe_assign, touches=_the_theme),
    _spec("unassign", "unassign", ("segments", "theme"), rules.apply_unassign, text.describe_assign,
          touches=_the_theme),
    _spec("define", "define", ("theme",), rules.apply_define, text.describe_define,
          optional=(*_DEFINITION, "exemplars"), touches=_the_theme),
    _spec("map", "map", ("theme", "node"), rules.apply_map, text.describe_map, optional=("note",), touches=_the_theme),
    _spec("unmap", "unmap", ("theme", "node"), rules.apply_unmap, text.describe_map, touches=_the_theme),
    _spec("memo", "write a memo", ("text",), rules.apply_memo, text.describe_memo, optional=("theme", "segment"),
          touches=_the_theme),
    _spec("vote", "vote", ("session", "item", "vote"), rules.apply_vote, text.describe_vote, touches=_item_touches),
    _spec("adjudicate", "adjudicate", ("session", "item", "outcome"), rules.apply_adjudicate,
          text.describe_adjudicate, reason=True, touches=_item_touches),
    _spec("model", "load a logic model", ("model",), rules.apply_model, text.describe_model, optional=("source",)),
    _spec("node_add", "add a node", ("node",), rules.apply_node_add, text.describe_node_change),
    _spec("node_edit", "edit a node", ("node",), rules.apply_node_edit, text.describe_node_change),
    _spec("node_remove", "remove a node", ("id",), rules.apply_node_remove, text.describe_node_remove, reason=True),
    _spec("edge_add", "add an edge", ("from", "to"), rules.apply_edge_add, text.describe_edge, optional=("label",)),
    _spec("edge_remove", "remove an edge", ("from", "to"), rules.apply_edge_remove, text.describe_edge, reason=True),
    _spec("dismiss", "dismiss", ("segments",), rules.apply_dismiss, text.describe_dismiss),
    _spec("revert", "revert", ("event",), None, text.describe_revert, reason=True),
)}

KINDS = tuple(SPECS)
NEEDS_RATIONALE = frozenset(kind for kind, spec in SPECS.items() if spec.needs_reason)


def reason_help() -> str:
    """The ``--why`` help: which decisions need a reason, as the table says (so the two cannot disagree)."""
    needing = ", ".join(spec.action for spec in SPECS.values() if spec.needs_reason)
    return f"Your reason, kept in the decision log (required to {needing})."


def created_ids(event: Event) -> list[str]:
    """The theme ids an event creates, whether or not it is active now (an unreadable payload creates none)."""
    try:
        payload = event.payload
    except ValueError:
        return []
    spec = SPECS.get(event.kind)
    if spec is None or not isinstance(payload, dict):
        return []
    return spec.creates(payload)


def apply_event(book: Codebook, event: Event, issued: set[str]) -> None:
    """Validate ``event`` against ``book``, then apply it; a refusal changes nothing.

    ``issued`` holds every theme id any event has created, reverted ones included: a new
    theme may not reuse one. The kind's rule comes from the table, never from the
    codebook's own attributes, so no helper there can be taken for a kind.
    """
    spec = SPECS.get(event.kind)
    if spec is None or spec.apply is None:  # a revert is the log's business, not the codebook's
        raise DecisionError(f"unknown decision kind {event.kind!r}")
    if spec.needs_reason and not event.rationale.strip():
        raise DecisionError(f"a reason is required to {event.kind}: say why", flag="--why")
    payload = event.payload
    if not isinstance(payload, dict):
        raise DecisionError("the decision's payload must be an object")
    spec.apply(book, event, payload, issued)


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
                and payload_of(before).get("theme") == payload_of(after).get("theme"):
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
    p = payload_of(event)
    spec = SPECS.get(event.kind)
    try:
        said = spec.describe(event, p, known) if spec is not None else None
    except (KeyError, TypeError, AttributeError, ValueError):
        said = None
    if said is None:
        return f"{event.kind}: " + "; ".join(f"{k}: {v}" for k, v in event_fields(event))
    return said
