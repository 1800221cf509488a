"""The decision log: events in order, which of them a revert has undone, and the codebook they add up to.

Pure: no SQL. The store keeps events; this module says which may be appended and replays
them. Three rules shape it:

- an event is validated against the state it will be applied to, and ``apply`` checks
  everything before it changes anything, so a refused event leaves the state untouched;
- undo is a new event (``revert``) that deactivates an earlier one; a revert of a revert
  reactivates it. After a revert the codebook is rebuilt from the active events, and the
  revert is refused if a later event depended on what it would remove;
- theme ids are written into the event that creates the theme and are never issued twice,
  even by events that were later reverted, so an id always means one theme.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.core.codebook_state import Codebook
from workbench.core.decision_events import GENESIS, THEME_ID, DecisionError, Event
from workbench.core.decision_kinds import SPECS, apply_event, created_ids

__all__ = ["Log"]


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
                    apply_event(log.codebook, event, log.issued)
                except DecisionError as exc:
                    raise DecisionError(f"event #{event.seq} ({event.kind}): {exc}") from None
            log._issue(created_ids(event))
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
                if m := THEME_ID.fullmatch(theme_id):
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
            apply_event(self.codebook, event, self.issued)
        self.events.append(event)
        self._issue(created_ids(event))

    def _revert(self, event: Event) -> None:
        if SPECS["revert"].needs_reason and not event.rationale.strip():
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
                apply_event(rebuilt, earlier, self.issued - set(created_ids(earlier)))
            except DecisionError as exc:
                raise DecisionError(
                    f"cannot revert #{target.seq} ({target.kind}): event #{earlier.seq} ({earlier.kind} by "
                    f"{earlier.by}) depends on it ({exc}); revert #{earlier.seq} first") from None
        self.undone = undone
        self.codebook = rebuilt
