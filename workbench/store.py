"""The only module that speaks SQL: a study's database through SQLAlchemy Core.

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
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from . import __version__
from .decisions import Event
from .errors import StudyError
from .participants import Participant
from .runs import AssignmentRecord, CandidateRecord, RunRecord
from .segments import SegmentRow, Transcript
from .store_schema import (
    CURRENT_VERSION,
    MIGRATIONS,
    assignments,
    candidates,
    embeddings,
    events,
    finding_reviews,
    imports,
    meta,
    participants,
    projections,
    runs,
    segments,
    theme_suggestions,
    transcripts,
)

__all__ = ["DB_FILE", "HOLDER_FILE", "VERDICTS", "WAIT_ENV", "WRITE_WAIT_LIMIT", "FindingReview", "Store",
           "TranscriptInfo", "study_url", "utc_now"]

DB_FILE = "study.sqlite"
HOLDER_FILE = ".writing.json"  # who is writing to a SQLite study now: kept only while they are
WRITE_WAIT_LIMIT = 120.0  # seconds a writer waits for the study before giving up (a long import takes seconds)
WAIT_ENV = "WORKBENCH_WRITE_WAIT"  # seconds, to wait less (or more) than WRITE_WAIT_LIMIT
_BUSY_TIMEOUT_MS = 60_000  # SQLite's own wait, for anything but taking the write lock
_WRITE = "workbench_write"
_PG_WRITE_LOCK = 7_140_213  # any constant: serialises writers to one study on a server
_PG_APP = "workbench|"  # application_name of a writer holding the lock: workbench|who|action


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def study_url(location: str | Path) -> tuple[str, Path | None]:
    """(SQLAlchemy URL, study folder or None) for a folder path or a database URL."""
    text = str(location)
    if "://" in text:
        return text, None
    folder = Path(text).expanduser().resolve()
    return f"sqlite:///{folder / DB_FILE}", folder


@dataclass(frozen=True)
class TranscriptInfo:
    id: str
    source: str
    format: str
    text_sha256: str
    imported_at: str


VERDICTS = ("identifier", "false_alarm")  # what a researcher may say of a scan finding


@dataclass(frozen=True)
class FindingReview:
    """A researcher's verdict on one scan finding: (segment, type, start, end, text hash) names the finding."""

    id: int
    segment_id: str
    type: str
    start: int
    end: int
    text_sha256: str
    verdict: str  # one of VERDICTS
    note: str
    by: str
    at: str

    @property
    def key(self) -> tuple[str, str, int, int, str]:
        return self.segment_id, self.type, self.start, self.end, self.text_sha256


def _engine(url: str) -> sa.Engine:
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


class Store:
    """A study's database. Create one with ``Store.create``; open one with ``Store.open``."""

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
        store = cls(_engine(url), folder, url)
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
            raise StudyError(f"{store.display}: cannot create the study ({_reason(exc)})") from exc
        return store

    @classmethod
    def open(cls, location: str | Path) -> Store:
        url, folder = study_url(location)
        if folder is not None and not (folder / DB_FILE).is_file():
            raise StudyError(f"{folder}: no study here; create one with 'workbench init {location}'")
        store = cls(_engine(url), folder, url)
        try:
            version = store._version()
        except sa.exc.OperationalError as exc:
            raise StudyError(f"{store.display}: cannot open the study ({_reason(exc)})") from exc
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
        holder = {"who": who or _os_user(), "action": action or "a change", "pid": os.getpid(),
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
                        yield Writer(conn)
                    finally:
                        if sqlite:  # before the commit, while no one else can have begun
                            self._release()
        except sa.exc.OperationalError as exc:
            if _busy(exc):
                raise StudyError(f"{self.display}: the study stayed busy ({_reason(exc)}); "
                                 f"{self._holder_said()}; nothing was saved, try again") from None
            raise

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.OperationalError as exc:
            if _busy(exc):
                raise StudyError(f"{self.display}: the study could not be read ({_reason(exc)}); "
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
                    if not _busy(exc):
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

    # --- reads -----------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        with self.read() as conn:
            return {k: v for k, v in conn.execute(sa.select(meta.c.key, meta.c.value))}

    def transcripts(self) -> list[TranscriptInfo]:
        with self.read() as conn:
            rows = conn.execute(sa.select(transcripts.c.id, transcripts.c.source, transcripts.c.format,
                                          transcripts.c.text_sha256, transcripts.c.imported_at)
                                .order_by(transcripts.c.id))
            return [TranscriptInfo(*row) for row in rows]

    def import_order(self) -> list[str]:
        """Transcript ids in the order they were imported (within one import, by id)."""
        with self.read() as conn:
            rows = conn.execute(sa.select(transcripts.c.id).order_by(transcripts.c.import_id, transcripts.c.id))
            return [r.id for r in rows]

    def transcript_texts(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = list(ids)
        if not wanted:
            return {}
        with self.read() as conn:
            rows = conn.execute(sa.select(transcripts.c.id, transcripts.c.text).where(transcripts.c.id.in_(wanted)))
            return {k: v for k, v in rows}

    def segment_owners(self, ids: Iterable[str]) -> dict[str, str]:
        """Segment id -> transcript id, for the given segment ids that exist."""
        wanted = list(ids)
        found: dict[str, str] = {}
        with self.read() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = conn.execute(sa.select(segments.c.id, segments.c.transcript_id).where(segments.c.id.in_(chunk)))
                found.update((k, v) for k, v in rows)
        return found

    def participants(self) -> list[Participant]:
        with self.read() as conn:
            rows = conn.execute(sa.select(participants).order_by(participants.c.id))
            return [Participant(r.id, r.site, r.role, dict(r.attributes or {})) for r in rows]

    def segment_rows(self, transcript: str | None = None, speaker: str | None = None,
                     participant: str | None = None) -> list[SegmentRow]:
        query = (
            sa.select(segments, participants.c.site, participants.c.role, participants.c.attributes)
            .select_from(segments.outerjoin(participants, participants.c.id == segments.c.participant_id))
            .order_by(segments.c.transcript_id, segments.c.ordinal)
        )
        if transcript:
            query = query.where(segments.c.transcript_id == transcript)
        if speaker:
            query = query.where(sa.func.lower(segments.c.speaker) == speaker.lower())
        if participant:
            query = query.where(segments.c.participant_id == participant)
        with self.read() as conn:
            return [
                SegmentRow(
                    id=r.id, transcript_id=r.transcript_id, participant_id=r.participant_id, speaker=r.speaker,
                    is_interviewer=bool(r.is_interviewer), turn=r.turn, part=r.part, start=r.start_offset,
                    end=r.end_offset, text=r.text, metadata=dict(r.metadata or {}), site=r.site, role=r.role,
                    groups=dict(r.attributes or {}),
                )
                for r in conn.execute(query)
            ]

    def imports(self) -> list[dict[str, Any]]:
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(imports).order_by(imports.c.id))]

    # --- discovery ---------------------------------------------------------------------
    def cached_vectors(self, model_key: str, hashes: Iterable[str]) -> dict[str, bytes]:
        """Embedding vectors already computed for these text hashes under this model."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, bytes] = {}
        with self.read() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = conn.execute(sa.select(embeddings.c.text_sha256, embeddings.c.vector)
                                    .where(embeddings.c.model_key == model_key)
                                    .where(embeddings.c.text_sha256.in_(chunk)))
                found.update((h, bytes(v)) for h, v in rows)
        return found

    def runs(self) -> list[RunRecord]:
        with self.read() as conn:
            return [_run(r) for r in conn.execute(sa.select(runs).order_by(runs.c.id))]

    def latest_run_id(self) -> int | None:
        with self.read() as conn:
            return conn.execute(sa.select(sa.func.max(runs.c.id))).scalar()

    def run(self, run_id: int) -> RunRecord | None:
        with self.read() as conn:
            row = conn.execute(sa.select(runs).where(runs.c.id == run_id)).first()
            return _run(row) if row else None

    def candidates(self, run_id: int) -> list[CandidateRecord]:
        with self.read() as conn:
            rows = conn.execute(sa.select(candidates).where(candidates.c.run_id == run_id)
                                .order_by(candidates.c.number))
            return [CandidateRecord(r.number, r.label, [tuple(k) for k in r.keywords], list(r.representatives),
                                    r.size, r.participants, r.sites, r.stability, bytes(r.centroid)) for r in rows]

    def assignments(self, run_id: int) -> list[AssignmentRecord]:
        with self.read() as conn:
            rows = conn.execute(sa.select(assignments).where(assignments.c.run_id == run_id)
                                .order_by(assignments.c.segment_id))
            return [AssignmentRecord(r.segment_id, r.candidate, r.similarity, r.nearest, r.nearest_similarity)
                    for r in rows]

    def theme_suggestions(self, run_id: int) -> list[tuple[str, str, float]]:
        """(segment, theme, similarity) suggested by a run, best first for each segment."""
        with self.read() as conn:
            rows = conn.execute(sa.select(theme_suggestions.c.segment_id, theme_suggestions.c.theme_id,
                                          theme_suggestions.c.similarity)
                                .where(theme_suggestions.c.run_id == run_id)
                                .order_by(theme_suggestions.c.segment_id, theme_suggestions.c.similarity.desc(),
                                          theme_suggestions.c.theme_id))
            return [(s, t, float(v)) for s, t, v in rows]

    def data_version(self) -> tuple[int, int]:
        """(last import, last run): changes whenever segments, participants or runs change."""
        with self.read() as conn:
            last_import = conn.execute(sa.select(sa.func.max(imports.c.id))).scalar() or 0
            last_run = conn.execute(sa.select(sa.func.max(runs.c.id))).scalar() or 0
            return int(last_import), int(last_run)

    def projection(self, key: str) -> dict[str, tuple[float, float]]:
        with self.read() as conn:
            rows = conn.execute(sa.select(projections.c.segment_id, projections.c.x, projections.c.y)
                                .where(projections.c.key == key))
            return {s: (float(x), float(y)) for s, x, y in rows}

    # --- the decision log ----------------------------------------------------------------
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

    # --- reviews of the identifier scan's findings -------------------------------------
    def finding_reviews(self, latest: bool = True) -> list[FindingReview]:
        """Reviews of scan findings in the order given; with ``latest``, only each finding's last one."""
        query = sa.select(finding_reviews).order_by(finding_reviews.c.id)
        if latest:
            c = finding_reviews.c
            last = sa.select(sa.func.max(c.id)).group_by(c.segment_id, c.type, c.start, c.end, c.text_sha256)
            query = query.where(c.id.in_(last.scalar_subquery()))
        with self.read() as conn:
            return [_review(r) for r in conn.execute(query)]


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


def _busy(exc: Exception) -> bool:
    """Whether a database error means another connection holds the lock (SQLITE_BUSY / LOCKED)."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database table is locked" in text or "lock timeout" in text


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but another user's
        return True
    return True


def _os_user() -> str:
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _head(conn: sa.Connection) -> tuple[int, str] | None:
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "log_head")).scalar()
    if not value:
        return None
    seq, _, digest = value.partition(":")
    return int(seq), digest


def _review(r: Any) -> FindingReview:
    return FindingReview(r.id, r.segment_id, r.type, r.start, r.end, r.text_sha256, r.verdict, r.note, r.by, r.at)


def _run(r: Any) -> RunRecord:
    return RunRecord(
        id=r.id, created_at=r.created_at, by=r.by, params=dict(r.params), model_name=r.model_name,
        model_sha256=r.model_sha256, backend=r.backend, seed=r.seed, input_sha256=r.input_sha256,
        versions=dict(r.versions), timings=dict(r.timings), segments=r.segments, candidates=r.candidates,
        coverage=r.coverage, merge_suggestions=[tuple(m) for m in r.merge_suggestions],
        hierarchy=list(r.hierarchy))


class Writer:
    """What may be written inside one transaction."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def set_meta(self, key: str, value: str) -> None:
        updated = self.conn.execute(sa.update(meta).where(meta.c.key == key).values(value=value)).rowcount
        if not updated:
            self.conn.execute(sa.insert(meta).values(key=key, value=value))

    def record_import(self, by: str, source: str, source_sha256: str, summary: dict[str, Any]) -> int:
        result = self.conn.execute(sa.insert(imports).values(
            at=utc_now(), by=by, source=source, source_sha256=source_sha256, summary=summary))
        return int(result.inserted_primary_key[0])

    def add_transcript(self, transcript: Transcript, import_id: int) -> None:
        self.conn.execute(sa.insert(transcripts).values(
            id=transcript.id, source=transcript.source, format=transcript.format, text=transcript.text,
            text_sha256=transcript.text_hash, imported_at=utc_now(), import_id=import_id))
        rows = [
            {
                "id": s.id, "transcript_id": s.transcript_id, "ordinal": i, "participant_id": s.participant_id,
                "speaker": s.speaker, "is_interviewer": s.is_interviewer, "turn": s.turn, "part": s.part,
                "start_offset": s.start, "end_offset": s.end, "text": s.text, "text_sha256": s.text_hash,
                "metadata": s.metadata,
            }
            for i, s in enumerate(transcript.segments)
        ]
        if rows:
            self.conn.execute(sa.insert(segments), rows)

    def upsert_participants(self, people: Iterable[Participant]) -> tuple[int, int]:
        """Insert new participants, update changed ones; returns (added, updated)."""
        existing = {r.id: r for r in self.conn.execute(sa.select(participants))}
        added = updated = 0
        for p in people:
            values = {"site": p.site, "role": p.role, "attributes": p.attributes}
            old = existing.get(p.id)
            if old is None:
                self.conn.execute(sa.insert(participants).values(id=p.id, **values))
                added += 1
            elif (old.site, old.role, dict(old.attributes or {})) != (p.site, p.role, p.attributes):
                self.conn.execute(sa.update(participants).where(participants.c.id == p.id).values(**values))
                updated += 1
        return added, updated


    def add_vectors(self, model_key: str, items: Iterable[tuple[str, bytes]]) -> None:
        """Cache embedding vectors (text hash -> float32 bytes); ones already cached are left alone."""
        pending = dict(items)
        hashes = list(pending)
        for start in range(0, len(hashes), 500):
            chunk = hashes[start:start + 500]
            have = {h for (h,) in self.conn.execute(
                sa.select(embeddings.c.text_sha256).where(embeddings.c.model_key == model_key)
                .where(embeddings.c.text_sha256.in_(chunk)))}
            fresh = [{"model_key": model_key, "text_sha256": h, "vector": pending[h]} for h in chunk if h not in have]
            if fresh:
                self.conn.execute(sa.insert(embeddings), fresh)

    def add_run(self, run: RunRecord, found: Iterable[CandidateRecord], assigned: Iterable[AssignmentRecord]) -> int:
        """Record a discovery run with its candidates and every segment's assignment."""
        values = {k: v for k, v in run.__dict__.items() if k != "id"}
        run_id = int(self.conn.execute(sa.insert(runs).values(**values)).inserted_primary_key[0])
        rows = [{"run_id": run_id, **c.__dict__} for c in found]
        if rows:
            self.conn.execute(sa.insert(candidates), rows)
        rows = [{"run_id": run_id, **a.__dict__} for a in assigned]
        if rows:
            self.conn.execute(sa.insert(assignments), rows)
        return run_id

    def add_theme_suggestions(self, run_id: int, rows: Iterable[tuple[str, str, float]]) -> None:
        values = [{"run_id": run_id, "segment_id": s, "theme_id": t, "similarity": v} for s, t, v in rows]
        if values:
            self.conn.execute(sa.insert(theme_suggestions), values)

    def add_projection(self, key: str, points: dict[str, tuple[float, float]]) -> None:
        values = [{"key": key, "segment_id": s, "x": x, "y": y} for s, (x, y) in points.items()]
        if values:
            self.conn.execute(sa.insert(projections), values)

    def add_finding_review(self, segment_id: str, type: str, start: int, end: int, text_sha256: str, verdict: str,
                           by: str, note: str = "") -> FindingReview:
        """Record a verdict on a scan finding; earlier verdicts on it stay, superseded."""
        if verdict not in VERDICTS:
            raise StudyError(f"a finding's verdict is one of {', '.join(VERDICTS)}, not {verdict!r}")
        values = {"segment_id": segment_id, "type": type, "start": start, "end": end, "text_sha256": text_sha256,
                  "verdict": verdict, "note": note, "by": by, "at": utc_now()}
        review_id = int(self.conn.execute(sa.insert(finding_reviews).values(**values)).inserted_primary_key[0])
        return FindingReview(id=review_id, **values)

    # --- the decision log ----------------------------------------------------------------
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


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).splitlines()[0]
