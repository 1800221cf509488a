"""The store's engine, its transactions, and the write lock writers queue on.

One SQLite file per study by default (WAL, synchronous=FULL, foreign keys on, a busy
timeout, and write transactions opened with BEGIN IMMEDIATE so two writers queue instead
of failing half-way), or any SQLAlchemy URL, such as PostgreSQL for a team server, where
writers queue on a transaction-scoped advisory lock. Every user action is one write
transaction: it lands whole or not at all.

A writer that finds the study busy says so once (``Store.on_wait``), naming who holds it,
and waits up to ``WRITE_WAIT_LIMIT`` seconds before giving up with a ``StudyError`` that
names them again. On SQLite the holder is read from ``.writing.json`` in the study
folder, which a writer keeps while its transaction is open; on PostgreSQL from the
server's own view of who holds the advisory lock (``application_name``).

Kept apart from the tables' queries because none of this depends on what is stored:
it is how any read or write reaches the database, and how a colleague kept waiting is told why.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from workbench.core.names import default_researcher
from workbench.errors import StudyError

__all__ = ["HOLDER_FILE", "WAIT_ENV", "WRITE_WAIT_LIMIT", "WriteLock", "busy", "make_engine", "reason", "utc_now"]

HOLDER_FILE = ".writing.json"  # who is writing to a SQLite study now: kept only while they are
WRITE_WAIT_LIMIT = 120.0  # seconds a writer waits for the study before giving up (a long import takes seconds)
WAIT_ENV = "WORKBENCH_WRITE_WAIT"  # seconds, to wait less (or more) than WRITE_WAIT_LIMIT
_BUSY_TIMEOUT_MS = 60_000  # SQLite's own wait, for anything but taking the write lock
_WRITE = "workbench_write"
_PG_WRITE_LOCK = 7_140_213  # any constant: serialises writers to one study on a server
_PG_APP = "workbench|"  # application_name of a writer holding the lock: workbench|who|action


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, poolclass=NullPool, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            if conn.get_execution_options().get(_WRITE):
                return  # Store.write has already begun it: BEGIN IMMEDIATE, once the study was free
            conn.exec_driver_sql("BEGIN DEFERRED")

        return engine
    try:
        return sa.create_engine(url, poolclass=NullPool)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise StudyError(f"{url}: not a database URL the workbench can use ({exc})") from exc


class WriteLock:
    """Transactions on a study's engine, and the wait for (and naming of) whoever holds the write lock.

    A part of ``Store``: it reads ``engine``, ``folder``, ``display``, ``on_wait`` and
    ``wait_limit`` from the store it is mixed into.
    """

    engine: sa.Engine
    folder: Path | None
    display: str
    on_wait: Callable[[str], None] | None
    wait_limit: float | None

    @contextmanager
    def _locked(self, who: str, action: str) -> Iterator[sa.Connection]:
        """The connection of one write transaction, begun once the study was free (see ``Store.write``)."""
        holder = {"who": who or default_researcher(), "action": action or "a change", "pid": os.getpid(),
                  "host": socket.gethostname(), "since": utc_now()}
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(**{_WRITE: True})
                sqlite = conn.dialect.name == "sqlite"
                if sqlite:
                    self._begin_immediate(conn.connection.dbapi_connection)
                with conn.begin():
                    if sqlite:
                        self._hold(holder)
                    else:
                        self._advisory_lock(conn, holder)
                    try:
                        yield conn
                    finally:
                        if sqlite:  # before the commit, while no one else can have begun
                            self._release()
        except sa.exc.OperationalError as exc:
            if busy(exc):
                raise StudyError(f"{self.display}: the study stayed busy ({reason(exc)}); "
                                 f"{self._holder_said()}; nothing was saved, try again") from None
            raise

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.OperationalError as exc:
            if busy(exc):
                raise StudyError(f"{self.display}: the study could not be read ({reason(exc)}); "
                                 f"{self._holder_said()}; try again") from None
            raise

    # --- waiting for another writer ----------------------------------------------------
    def _limit(self) -> float:
        if self.wait_limit is not None:
            return self.wait_limit
        text = os.environ.get(WAIT_ENV, "").strip()
        try:
            return max(0.0, float(text)) if text else WRITE_WAIT_LIMIT
        except ValueError:
            raise StudyError(f"{WAIT_ENV}={text!r}: give a number of seconds") from None

    def _waited(self, said: bool, started: float, limit: float) -> bool:
        """Tell the caller once that this write waits; give up, naming the holder, after ``limit``."""
        if time.monotonic() - started >= limit:
            raise StudyError(f"{self.display}: {self._holder_said()}, and this waited {limit:g} s for them to "
                             "finish; nothing was saved. Try again when they have finished (or ask them)")
        if not said and self.on_wait is not None:
            self.on_wait(f"waiting for the study: {self._holder_said()} (waiting up to {limit:g} s)")
        return True

    def _begin_immediate(self, raw: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE, in short tries: SQLite's own busy wait is silent and cannot say who is writing."""
        limit, started, said = self._limit(), time.monotonic(), False
        try:
            while True:
                left = limit - (time.monotonic() - started)
                raw.execute(f"PRAGMA busy_timeout={int(max(0.0, min(0.25 if not said else 1.0, left)) * 1000)}")
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not busy(exc):
                        raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, exc) from exc
                said = self._waited(said, started, limit)
        finally:
            raw.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")

    def _advisory_lock(self, conn: sa.Connection, holder: dict[str, Any]) -> None:
        """The server's write lock for this study, in tries; then say who holds it (pg_stat_activity)."""
        limit, started, said = self._limit(), time.monotonic(), False
        while not conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _PG_WRITE_LOCK}).scalar():
            said = self._waited(said, started, limit)
            time.sleep(0.2)
        # The server keeps 63 ASCII bytes (others become '?'); the action, last, is cut first.
        name = f"{_PG_APP}{holder['who']}|{holder['action']}"[:63]
        conn.execute(sa.text("SELECT set_config('application_name', :name, true)"), {"name": name})

    def _hold(self, holder: dict[str, Any]) -> None:
        """Say who is writing, for anyone kept waiting; written whole (a rename) or not at all.

        Only a hint for the message: a study folder that cannot take it (read-only, full)
        still saves the decision, and the waiting writer then says it cannot tell who.
        """
        if self.folder is None:
            return
        path = self.folder / HOLDER_FILE
        part = path.with_name(f"{HOLDER_FILE}.{os.getpid()}.tmp")
        try:
            part.write_text(json.dumps(holder), encoding="utf-8")
            os.replace(part, path)
        except OSError:
            part.unlink(missing_ok=True)

    def _release(self) -> None:
        if self.folder is not None:
            # see _hold: the file is a hint; one left behind is told apart by its process being gone
            with contextlib.suppress(OSError):
                (self.folder / HOLDER_FILE).unlink(missing_ok=True)

    def _holder_said(self) -> str:
        """Who holds the study's write lock, as well as can be told."""
        unknown = "another program is writing to it (not a workbench that says who)"
        if self.folder is None:
            try:
                with self.engine.connect() as conn:
                    row = conn.execute(sa.text(
                        "SELECT a.application_name, a.usename, a.client_addr, a.pid, a.xact_start "
                        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                        "AND l.granted AND l.classid = 0 AND l.objid = :key AND l.objsubid = 1 "
                        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                        {"key": _PG_WRITE_LOCK}).first()
            except sa.exc.SQLAlchemyError:
                return unknown
            if row is None:
                return unknown
            app = row.application_name or ""
            who, _, action = app.removeprefix(_PG_APP).rpartition("|")
            said = f"{who} is writing ({action}; " if app.startswith(_PG_APP) else \
                f"{app or 'a program'} is writing (not a workbench; "
            return (f"{said}database user {row.usename}, server process {row.pid}"
                    + (f" from {row.client_addr}" if row.client_addr else "") + f", since {row.xact_start})")
        try:
            held = json.loads((self.folder / HOLDER_FILE).read_text(encoding="utf-8"))
            who, action, pid, host, since = (held["who"], held["action"], int(held["pid"]), held["host"],
                                             held["since"])
        except (OSError, ValueError, KeyError, TypeError):
            return unknown
        if host == socket.gethostname() and not _alive(pid):
            return unknown  # left by a writer that was killed: not who holds the study now
        return f"{who} is writing ({action}; process {pid} on {host}, since {since})"


def busy(exc: Exception) -> bool:
    """Whether a database error means another connection holds the lock (SQLITE_BUSY / LOCKED)."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database table is locked" in text or "lock timeout" in text


def reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).splitlines()[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but another user's
        return True
    return True

