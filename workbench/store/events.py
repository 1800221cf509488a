"""The store's queries on the decision log: events, the recorded head, and what a client id recorded.

Parts of ``Store`` (reads, each in its own transaction) and ``Writer`` (reads inside the
write transaction, so nothing can slip in between, and appends). The log is append-only:
there is no query here that changes or removes an event, and the schema's triggers refuse one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import sqlalchemy as sa

from workbench.core.decisions import Event
from workbench.store.schema import events, meta

__all__ = ["EventReads", "EventWrites"]


class EventReads:
    """``Store``'s reads of the decision log."""

    read: Callable[[], AbstractContextManager[sa.Connection]]

    def events(self, after: int = 0) -> list[Event]:
        """Events after seq ``after``, in log order."""
        with self.read() as conn:
            return _events(conn, after)

    def log_head(self) -> tuple[int, str] | None:
        """The last appended event's (seq, hash), as recorded with each append."""
        with self.read() as conn:
            return _head(conn)

    def recorded(self, client_id: str) -> list[Event]:
        """The events an action with this client id appended, in order (none: not recorded)."""
        with self.read() as conn:
            return _recorded(conn, client_id)


class EventWrites:
    """``Writer``'s part of the decision log: what was appended since, and appending."""

    conn: sa.Connection
    set_meta: Callable[[str, str], None]

    def events_after(self, seq: int) -> list[Event]:
        """Events appended since ``seq``, read inside this transaction (so none can slip in)."""
        return _events(self.conn, seq)

    def recorded(self, client_id: str) -> list[Event]:
        """``Store.recorded``, inside this transaction (so a retry racing the first sees it)."""
        return _recorded(self.conn, client_id)

    def append_event(self, event: Event, client_id: str | None = None) -> None:
        """Append one sealed event and record the new head of the chain."""
        self.append_events([event], client_id)

    def append_events(self, sealed: Sequence[Event], client_id: str | None = None) -> None:
        """Append sealed events in one statement and record the new head once."""
        if not sealed:
            return
        self.conn.execute(sa.insert(events), [
            {"seq": e.seq, "at": e.at, "by": e.by, "kind": e.kind, "payload": e.payload_json,
             "rationale": e.rationale, "prev_hash": e.prev_hash, "hash": e.hash,
             "client_id": None if client_id is None else client_id if i == 1 else f"{client_id}/{i}"}
            for i, e in enumerate(sealed, start=1)])
        self.set_meta("log_head", f"{sealed[-1].seq}:{sealed[-1].hash}")


def _events(conn: sa.Connection, after: int) -> list[Event]:
    rows = conn.execute(sa.select(events).where(events.c.seq > after).order_by(events.c.seq))
    return [Event(r.seq, r.at, r.by, r.kind, r.payload, r.rationale, r.prev_hash, r.hash) for r in rows]


def _recorded(conn: sa.Connection, client_id: str) -> list[Event]:
    # An action's first event carries the client id, the rest "<id>/2", "<id>/3", ... (the
    # column is unique); the "/" is refused in client ids, so no other id shares the prefix.
    c = events.c.client_id
    rows = conn.execute(sa.select(events).where(sa.or_(c == client_id, c.startswith(f"{client_id}/",
                                                                                     autoescape=True)))
                        .order_by(events.c.seq))
    return [Event(r.seq, r.at, r.by, r.kind, r.payload, r.rationale, r.prev_hash, r.hash) for r in rows]


def _head(conn: sa.Connection) -> tuple[int, str] | None:
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "log_head")).scalar()
    if not value:
        return None
    seq, _, digest = value.partition(":")
    return int(seq), digest
