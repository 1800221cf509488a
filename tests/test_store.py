"""The store: creation, opening, migrations with backups, and transactional safety, on both backends."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from workbench.core.participants import Participant
from workbench.errors import StudyError
from workbench.store.database import DB_FILE, Store
from workbench.store.schema import CURRENT_VERSION


def test_create_then_open(study_location):
    created = Store.create(study_location, by="ana", name="Pilot")
    assert created.schema_version() == CURRENT_VERSION
    meta = Store.open(study_location).meta()
    assert meta["name"] == "Pilot" and meta["created_by"] == "ana"
    created.dispose()


def test_create_refuses_an_existing_study(study_location):
    Store.create(study_location, by="ana").dispose()
    with pytest.raises(StudyError, match="already"):
        Store.create(study_location, by="ana")


def test_open_a_missing_study_says_how_to_create_one(tmp_path):
    with pytest.raises(StudyError, match=r"no study here; create one with 'workbench init"):
        Store.open(tmp_path / "nowhere")


def test_bad_url_is_a_clear_error():
    with pytest.raises(StudyError, match="not a database URL"):
        Store.open("nosuchdialect://x/y")


def test_sqlite_pragmas(tmp_path):
    store = Store.create(tmp_path / "s", by="ana")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000


def test_upgrade_from_an_old_schema_backs_up_first(tmp_path):
    folder = tmp_path / "old"
    store = Store.create(folder, by="ana")
    # Rebuild the study as version 1 would have left it: no indexes, no later tables, schema_version 1.
    with store.write() as tx:
        for index in ("ix_segments_transcript", "ix_segments_participant", "ix_imports_source_sha256"):
            tx.conn.exec_driver_sql(f"DROP INDEX {index}")
        for trigger in ("meta_log_head_insert", "meta_log_head_update", "meta_log_head_delete"):  # guard events
            tx.conn.exec_driver_sql(f"DROP TRIGGER {trigger}")
        for table in ("events", "theme_suggestions", "assignments", "candidates", "runs", "embeddings"):
            tx.conn.exec_driver_sql(f"DROP TABLE {table}")
        tx.set_meta("schema_version", "1")
        tx.upsert_participants([Participant("P1", "Site A", "Parent")])
    store.dispose()

    reopened = Store.open(folder)
    assert reopened.schema_version() == CURRENT_VERSION
    assert reopened.backup_path is not None and reopened.backup_path.parent == folder
    with sqlite3.connect(reopened.backup_path) as backup:
        assert backup.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
        assert backup.execute("SELECT id FROM participants").fetchall() == [("P1",)]
    names = {ix["name"] for ix in sa.inspect(reopened.engine).get_indexes("segments")}
    assert {"ix_segments_transcript", "ix_segments_participant"} <= names
    assert [p.id for p in reopened.participants()] == ["P1"]
    with reopened.engine.connect() as conn:
        triggers = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert triggers == {"events_no_update", "events_no_delete", "events_only_after", "meta_log_head_insert",
                        "meta_log_head_update", "meta_log_head_delete"}, "the upgraded log is guarded too"


def test_a_newer_schema_is_refused(study_location):
    store = Store.create(study_location, by="ana")
    with store.write() as tx:
        tx.set_meta("schema_version", str(CURRENT_VERSION + 1))
    store.dispose()
    with pytest.raises(StudyError, match="made by a newer workbench"):
        Store.open(study_location)


def test_a_failed_transaction_leaves_nothing(study_location):
    store = Store.create(study_location, by="ana")
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.upsert_participants([Participant("P1", "A", "Parent")])
        raise RuntimeError("crash half-way")
    assert store.participants() == []


def test_writers_queue_rather_than_interleave(study_location):
    """A second writer waits for the first to commit (BEGIN IMMEDIATE / advisory lock)."""
    store = Store.create(study_location, by="ana")
    order: list[str] = []
    first_in = threading.Event()

    def slow_writer() -> None:
        with store.write() as tx:
            first_in.set()
            order.append("first:start")
            tx.upsert_participants([Participant("P1", "A", None)])
            time.sleep(0.5)
            order.append("first:end")

    def second_writer() -> None:
        first_in.wait()
        with store.write() as tx:
            order.append("second:start")
            seen = {r[0] for r in tx.conn.execute(sa.text("SELECT id FROM participants"))}
            order.append(f"second saw {sorted(seen)}")

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=second_writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert order == ["first:start", "first:end", "second:start", "second saw ['P1']"]


def test_participants_upsert_reports_added_and_updated(study_location):
    store = Store.create(study_location, by="ana")
    with store.write() as tx:
        assert tx.upsert_participants([Participant("P1", "A", "Parent"), Participant("P2", "B", None)]) == (2, 0)
    with store.write() as tx:
        assert tx.upsert_participants([Participant("P1", "A", "Parent"),
                                       Participant("P2", "B", "Carer", {"group": "x"})]) == (0, 1)
    assert store.participants()[1] == Participant("P2", "B", "Carer", {"group": "x"})


def test_folder_holds_the_database_file(tmp_path):
    Store.create(tmp_path / "s", by="ana").dispose()
    assert (Path(tmp_path / "s") / DB_FILE).is_file()
