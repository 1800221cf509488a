"""Recording decisions: the log as last read, and appending to it one transaction per action.

The facade's decisions all come through here. A decision's payload is built from the
log brought up to date inside the write (so ids such as T-007 are issued where no other
researcher can take them), validated by replaying it onto the codebook, sealed into the
hash chain and appended, all or nothing. A client id makes a retried action (a command
killed after its commit, a form sent twice) return what was recorded instead of a copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from workbench.core.decisions import DecisionError, Draft, Event, Log, deciding, seal
from workbench.core.names import default_researcher
from workbench.errors import StudyError
from workbench.store.database import Store, utc_now

__all__ = ["DecisionRecorder", "Once"]


@dataclass
class Once:
    """A decision's client id, and what was recorded under it before, when it was a retry."""

    client_id: str | None
    repeated: list[Event] = field(default_factory=list)  # empty: recorded now (or refused)
    taken: bool = False  # a decision has used the id: the next one inside the block does not


_CLIENT_ID_LIMIT = 100


def _client_id(text: str | None) -> str | None:
    """A client id as given, checked: the store marks an action's later events '<id>/2', '<id>/3', ..."""
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > _CLIENT_ID_LIMIT or "/" in text or not text.isprintable() \
            or any(c.isspace() for c in text):
        raise DecisionError(f"{text[:40]!r} is not a client id: give up to {_CLIENT_ID_LIMIT} characters without "
                            "spaces or '/', such as a uuid", flag="--client-id")
    return text


def _seal_all(log: Log, steps: Sequence[tuple[str, Callable[[Log], dict[str, Any]]]], by: str, why: str,
              applied: list[Event]) -> None:
    """Seal each step in turn onto ``log``, validating it (a refusal raises); each is added to ``applied``."""
    for kind, build in steps:
        event = seal(Draft(kind, build(log), by, why), log.seq + 1, utc_now(), log.head)
        log.append(event)  # validates; a refusal changes nothing
        applied.append(event)


class DecisionRecorder:
    """A study's decision log as this process last read it, and the one way decisions are appended."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._log: Log | None = None  # the codebook so far, brought up to date incrementally
        self._once: Once | None = None  # the client id the next decision carries (``once``)

    @property
    def location(self) -> str:
        return self.store.display

    def log(self) -> Log:
        """The log and the codebook it adds up to, applying only events not seen before."""
        if self._log is None:
            events = self.store.events()
            try:
                self._log = Log.replay(events)
            except DecisionError as exc:
                raise StudyError(f"{self.location}: the decision log does not replay ({exc}); run 'workbench log "
                                 "verify' and report it") from None
            return self._log
        self.catch_up(self._log, self.store.events(after=self._log.seq))
        return self._log

    def catch_up(self, log: Log, fresh: list[Event]) -> None:
        for event in fresh:
            try:
                log.append(event)
            except DecisionError as exc:
                self._log = None
                raise StudyError(f"{self.location}: the decision log does not replay at event #{event.seq} ({exc}); "
                                 "run 'workbench log verify' and report it") from None

    def decide(self, kind: str, build: Callable[[Log], dict[str, Any]], by: str | None = None,
               why: str = "", client_id: str | None = None) -> Event:
        """Append one decision: validated against the codebook as it stands inside the write.

        ``build`` makes the payload from the up-to-date log (so ids such as T-007 are issued
        inside the transaction, where no other researcher can take them). Two researchers
        deciding at once queue on the write lock; the second is validated against the first's
        decision, and refused with the reason if it no longer applies. With ``client_id`` (or
        inside ``once``), a decision already recorded under that id is returned, not repeated.
        """
        return self.record([(kind, build)], deciding(by or default_researcher()), why, client_id)[0]

    def decide_all(self, steps: Sequence[tuple[str, Callable[[Log], dict[str, Any]]]], by: str | None = None,
                   why: str = "", client_id: str | None = None) -> list[Event]:
        """Several decisions as one action: all appended in one transaction, or none.

        With ``client_id``, an action already recorded under it returns its events instead.
        """
        by = deciding(by or default_researcher())  # as ``decide`` checks it, even when there is nothing to record
        return self.record(steps, by, why, client_id) if steps else []

    @contextmanager
    def once(self, client_id: str | None) -> Iterator[Once]:
        """The next decision made inside carries ``client_id``: recorded once, however often it is retried.

        A command killed after its commit, or a form submitted twice, is retried with the
        same id, and gets back what was recorded (``Once.repeated``) instead of a copy.
        """
        outer, self._once = self._once, Once(_client_id(client_id))
        try:
            yield self._once
        finally:
            self._once = outer

    def record(self, steps: Sequence[tuple[str, Callable[[Log], dict[str, Any]]]], by: str, why: str,
                client_id: str | None) -> list[Event]:
        """Seal the steps and append them in one write transaction, holding the lock as briefly as can be.

        Several steps (a codebook import of thousands of codes) are built, validated and
        hashed against the log as last read, before the lock; inside it only a check that
        nobody decided meanwhile, and one insert. If somebody did, they are sealed again
        inside the lock, against exactly the decisions they follow. One step is sealed inside.
        """
        client_id = self.take_client_id(client_id)
        if client_id is not None and (found := self.store.recorded(client_id)):
            return self.repeated(client_id, found)
        applied: list[Event] = []  # on self._log, and not yet stored: rebuild the log if it fails
        start: int | None = None
        try:
            if len(steps) > 1:
                log = self.log()
                start = log.seq
                _seal_all(log, steps, by, why, applied)
            with self.store.write(by, steps[0][0]) as tx:
                if client_id is not None and (found := tx.recorded(client_id)):
                    if applied:
                        self._log = None
                    return self.repeated(client_id, found)
                if start is None or tx.events_after(start):  # sealed inside, or someone decided meanwhile
                    if applied:
                        self._log, applied = None, []
                    log = self._log if self._log is not None else Log()
                    self._log = log
                    self.catch_up(log, tx.events_after(log.seq))
                    _seal_all(log, steps, by, why, applied)
                tx.append_events(applied, client_id)
        except BaseException:
            if applied:  # the state is ahead of what was stored: rebuild it next time
                self._log = None
            raise
        return applied

    def take_client_id(self, client_id: str | None) -> str | None:
        if client_id is not None:
            return _client_id(client_id)
        once = self._once
        if once is None or once.taken:
            return None
        once.taken = True
        return once.client_id

    def repeated(self, client_id: str, found: list[Event]) -> list[Event]:
        if self._once is not None and self._once.client_id == client_id:
            self._once.repeated = found
        return found
