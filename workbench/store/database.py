"""The store: a study's database through SQLAlchemy Core, and the only place (with the
``store_*`` modules it is made of) that speaks SQL.

One SQLite file per study by default, or any SQLAlchemy URL, such as PostgreSQL for a team
server. Every user action is one write transaction: it lands whole or not at all; how
writers queue, and what one kept waiting is told, is in ``store.lock``.

``Store`` is what callers use; it is composed of one part per concern, each in its own
module with that concern's queries: ``store.lock`` (the engine, transactions, the write
lock), ``store.segments`` (transcripts, segments, participants, imports), ``store.runs``
(the vector cache, discovery runs, layouts), ``store.events`` (the decision log) and
``store.reviews`` (reviews of scan findings). ``Writer``, what a write transaction may do,
is composed the same way. The tables and migrations are in ``store.schema``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from workbench import __version__
from workbench.errors import StudyError
from workbench.store.events import EventReads, EventWrites
from workbench.store.lock import HOLDER_FILE, WAIT_ENV, WRITE_WAIT_LIMIT, WriteLock, make_engine, reason, utc_now
from workbench.store.reviews import VERDICTS, FindingReview, ReviewReads, ReviewWrites
from workbench.store.runs import RunReads, RunWrites
from workbench.store.schema import CURRENT_VERSION, MIGRATIONS, meta
from workbench.store.segments import SegmentReads, SegmentWrites, TranscriptInfo

__all__ = ["DB_FILE", "HOLDER_FILE", "VERDICTS", "WAIT_ENV", "WRITE_WAIT_LIMIT", "FindingReview", "Store",
           "TranscriptInfo", "Writer", "study_url", "utc_now"]

DB_FILE = "study.sqlite"


def study_url(location: str | Path) -> tuple[str, Path | None]:
    """(SQLAlchemy URL, study folder or None) for a folder path or a database URL."""
    text = str(location)
    if "://" in text:
        return text, None
    folder = Path(text).expanduser().resolve()
    return f"sqlite:///{folder / DB_FILE}", folder


class Store(WriteLock, SegmentReads, RunReads, EventReads, ReviewReads):
    """A study's database. Create one with ``Store.create``; open one with ``Store.open``.

    The one object callers use. Its queries live with their tables, one concern to a module
    (``store.segments``, ``store.runs``, ``store.events``, ``store.reviews``), and its
    transactions and write lock in ``store.lock``; this class adds opening, creating and
    upgrading a study.
    """

    def __init__(self, engine: sa.Engine, folder: Path | None, url: str) -> None:
        self.engine = engine
        self.folder = folder
        self.url = url
        self.backup_path: Path | None = None  # set when opening upgraded the schema
        self.on_wait: Callable[[str], None] | None = None  # told once when a write has to wait for another
        self.wait_limit: float | None = None  # seconds; None: $WORKBENCH_WRITE_WAIT, else WRITE_WAIT_LIMIT

    # --- lifecycle -------------------------------------------------------------------
    @classmethod
    def create(cls, location: str | Path, by: str, name: str | None = None) -> Store:
        url, folder = study_url(location)
        if folder is not None:
            if (folder / DB_FILE).exists():
                raise StudyError(f"{folder}: a study already exists here; open it with --study {location}")
            if folder.exists() and not folder.is_dir():
                raise StudyError(f"{folder}: is a file; name a folder for the study")
            folder.mkdir(parents=True, exist_ok=True)
        store = cls(make_engine(url), folder, url)
        try:
            if store._version() is not None:
                raise StudyError(f"{store.display}: already holds a study; open it with --study")
            store._migrate(0)
            with store.write() as tx:
                tx.conn.execute(sa.insert(meta), [
                    {"key": "name", "value": name or (folder.name if folder else url.rsplit("/", 1)[-1])},
                    {"key": "created_at", "value": utc_now()},
                    {"key": "created_by", "value": by},
                    {"key": "created_with", "value": __version__},
                ])
        except sa.exc.OperationalError as exc:
            raise StudyError(f"{store.display}: cannot create the study ({reason(exc)})") from exc
        return store

    @classmethod
    def open(cls, location: str | Path) -> Store:
        url, folder = study_url(location)
        if folder is not None and not (folder / DB_FILE).is_file():
            raise StudyError(f"{folder}: no study here; create one with 'workbench init {location}'")
        store = cls(make_engine(url), folder, url)
        try:
            version = store._version()
        except sa.exc.OperationalError as exc:
            raise StudyError(f"{store.display}: cannot open the study ({reason(exc)})") from exc
        if version is None:
            raise StudyError(f"{store.display}: no study here; create one with 'workbench init'")
        if version > CURRENT_VERSION:
            raise StudyError(f"{store.display}: made by a newer workbench (schema {version}, this one knows "
                             f"{CURRENT_VERSION}); upgrade the workbench")
        if version < CURRENT_VERSION:
            store.backup_path = store._backup(version)
            store._migrate(version)
        return store

    @property
    def display(self) -> str:
        return str(self.folder) if self.folder else sa.make_url(self.url).render_as_string(hide_password=True)

    def schema_version(self) -> int:
        return self._version() or 0

    def _version(self) -> int | None:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("meta"):
                return None
            value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
            return int(value) if value is not None else 0

    def _backup(self, version: int) -> Path | None:
        """Copy a SQLite study aside before its schema changes; servers have their own backups."""
        if self.folder is None:
            return None
        target = self.folder / f"study.v{version}.{datetime.now(UTC):%Y%m%dT%H%M%S%f}.sqlite.bak"
        raw = self.engine.raw_connection()
        try:
            import sqlite3

            dest = sqlite3.connect(target)
            try:
                raw.driver_connection.backup(dest)
            finally:
                dest.close()
        finally:
            raw.close()
        return target

    def _migrate(self, current: int) -> None:
        with self.write() as tx:
            for version, _what, apply in MIGRATIONS:
                if version > current:
                    apply(tx.conn)
            tx.set_meta("schema_version", str(CURRENT_VERSION))

    def dispose(self) -> None:
        self.engine.dispose()

    # --- transactions ----------------------------------------------------------------
    @contextmanager
    def write(self, who: str = "", action: str = "") -> Iterator[Writer]:
        """One write transaction: BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL.

        ``who`` and ``action`` are what another writer, kept waiting, is told. Keep what runs
        inside short: everyone else's decisions wait for it.
        """
        with self._locked(who, action) as conn:
            yield Writer(conn)

    # --- reads -----------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        with self.read() as conn:
            return {k: v for k, v in conn.execute(sa.select(meta.c.key, meta.c.value))}


class Writer(SegmentWrites, RunWrites, ReviewWrites, EventWrites):
    """What may be written inside one transaction."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def set_meta(self, key: str, value: str) -> None:
        updated = self.conn.execute(sa.update(meta).where(meta.c.key == key).values(value=value)).rowcount
        if not updated:
            self.conn.execute(sa.insert(meta).values(key=key, value=value))
