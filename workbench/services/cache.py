"""The one cache behind the study facade: values held by name, each under the rule its inputs follow.

Why one: the facade held a cache per value (segments, positions, turns before, the
overview, the map, quotes, runs, the words' digest), each checking on its own what it
depended on. Here every value says which of two rules it follows, so what drops what is
read in one place:

- ``data``: held while the study's data version (last import, last run) stands, and, with
  a ``key``, while that key is unchanged too. Segments, participants and runs change
  only with the version, so when it moves every such value is dropped at once.
- ``lasting``: held for the facade's life, because it never changes once made: a
  recorded run (runs are never edited) and the token counter.

The decision log is not held here: ``Study.log`` brings it up to date event by event,
which is cheaper than keying a rebuild on the log's seq. No value depends on the log's
seq alone: quotes depend on a theme's members and exemplars, and are keyed by those.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["StudyCache"]

T = TypeVar("T")


class StudyCache:
    """Values computed from a study, dropped when the study's data version moves (``data``) or never (``lasting``)."""

    def __init__(self, data_version: Callable[[], tuple[int, int]]) -> None:
        self._data_version = data_version
        self._version: tuple[int, int] | None = None
        self._data: dict[Hashable, tuple[Hashable, Any]] = {}
        self._lasting: dict[Hashable, Any] = {}

    def version(self) -> tuple[int, int]:
        """The data version now (one read of the store); when it has moved, everything held under the old is dropped."""
        now = self._data_version()
        if now != self._version:
            self._data = {}  # replaced, not cleared: a value being made under the old version lands in the old dict
            self._version = now
        return now

    def data(self, name: Hashable, make: Callable[[], T], key: Hashable = None,
             keep: Callable[[T], bool] | None = None) -> T:
        """The value held as ``name`` for this data version and ``key``, else ``make()`` (held if ``keep`` allows).

        The version is read before ``make`` runs, so a value is never held under a version
        newer than the data it was made from: if the data moves meanwhile, the value is held
        in the dropped dict, and the next call makes it again.
        """
        self.version()
        held = self._data
        found = held.get(name)
        if found is not None and found[0] == key:
            return found[1]  # type: ignore[no-any-return]
        value = make()
        if keep is None or keep(value):
            held[name] = (key, value)
        return value

    def lasting(self, name: Hashable, make: Callable[[], T]) -> T:
        """The value held as ``name`` for the facade's life, else ``make()`` (a refusal it raises is not held)."""
        if name not in self._lasting:
            self._lasting[name] = make()
        return self._lasting[name]  # type: ignore[no-any-return]
