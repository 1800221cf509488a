"""The decision log's chain: a decision as drafted, as sealed into the log, and the hash chain's checks.

Pure: no SQL, no codebook. An event's hash covers every field and the hash before it, so
an edited, deleted, inserted or reordered event shows (``chain_problems``). What an event
may say and what it does to the codebook is the business of ``decision_kinds``; this
module only fixes how any event is written down, checked for who decided and hashed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workbench.core.names import check_name, check_reason, check_text
from workbench.errors import WorkbenchError

__all__ = ["GENESIS", "THEME_ID", "DecisionError", "Draft", "Event", "canonical", "chain_problems", "deciding",
           "event_hash", "is_theme_id", "seal"]

GENESIS = "0" * 64  # the previous hash of the first event
THEME_ID = re.compile(r"T-(\d{3,})")


class DecisionError(WorkbenchError):
    """A decision that cannot be applied to the codebook as it stands; nothing was recorded."""


def is_theme_id(text: str) -> bool:
    return bool(THEME_ID.fullmatch(text))


def deciding(by: str) -> str:
    """Who is deciding, as the facade records it: stripped, and refused when empty.

    One check for every way a decision is made (one event or several in one action), so
    no path records a decision nobody made; ``Draft`` then checks the name's characters.
    """
    by = by.strip()
    if not by:
        raise DecisionError("name who is deciding", flag="--by")
    return by


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
    ``apply_event``, which replay shares: an event recorded before these checks must
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
