"""The log's head recorded outside the database: ``log head``, ``log verify --head / --against``.

Tampering is done as someone with write access to the database would: around the
append-only triggers (REPLACE, upsert) and, where that is refused, by dropping them.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from workbench.core.decisions import GENESIS, event_hash
from workbench.errors import WorkbenchError
from workbench.io.log_anchor import RecordedHead, parse_head
from workbench.store.schema import CURRENT_VERSION, MIGRATIONS
from workbench.study import Study

from .conftest import TOPICS, write
from .test_cli import wb

H = "ab" * 32


@pytest.mark.parametrize("given", [f"#7:{H}", f"7:{H}", f" #7 sha256:{H.upper()} ",
                                   f"study Ward 2 pilot log head #7 sha256:{H}"])
def test_a_head_is_read_in_every_form_it_is_printed_or_pasted(given):
    assert parse_head(given) == RecordedHead(7, H)


@pytest.mark.parametrize("given", [H, f"sha256:{H}"])
def test_a_bare_hash_is_a_head_without_its_number(given):
    assert parse_head(given) == RecordedHead(None, H)


@pytest.mark.parametrize("given", ["", "#7", "#7:abc", H + "00", "head please"])
def test_anything_else_is_refused_saying_what_to_give(given):
    with pytest.raises(WorkbenchError, match=r"not a log head.*workbench log head"):
        parse_head(given)


def _decided(location: str, tmp_path: Path, n: int = 4) -> Study:
    """A study with ``n`` events (themes created and renamed): no discovery needed."""
    study = Study.init(location, by="ann")
    rows = ["id,text,participant"] + [f"s{i:02d},\"{TOPICS[i % 3]}, in case {i}.\",P{i % 4}" for i in range(12)]
    study.ingest([write(tmp_path / "rows.csv", "\n".join(rows) + "\n")])
    with study.once("retry-1"):
        study.create_theme("Trust", ["s00", "s01"], by="ann")
    for i in range(2, n + 1):
        study.rename("T-001", f"Trust, take {i}", by="bob" if i % 2 else "ann")
    assert len(study.events()) == n and study.verify_log() == []
    return study


REWRITES = [
    "INSERT OR REPLACE INTO events (seq, at, by, kind, payload, rationale, prev_hash, hash) "
    "SELECT seq, at, 'mallory', kind, payload, rationale, prev_hash, hash FROM events WHERE seq = 2",
    "REPLACE INTO events (seq, at, by, kind, payload, rationale, prev_hash, hash) "
    "SELECT seq, at, by, kind, payload, 'rewritten', prev_hash, hash FROM events WHERE seq = 4",
    "INSERT INTO events (seq, at, by, kind, payload, rationale, prev_hash, hash) "
    "SELECT seq, at, by, kind, payload, rationale, prev_hash, hash FROM events WHERE seq = 3 "
    "ON CONFLICT (seq) DO UPDATE SET by = 'mallory'",
    # a copy of event 2 under a new number: not after the last one in kind, only in number
    "INSERT INTO events (seq, at, by, kind, payload, rationale, prev_hash, hash) "
    "SELECT 5, at, by, kind, payload, rationale, prev_hash, hash FROM events WHERE seq = 2",
    # a new event whose client id (unique) collides with event 1's: REPLACE would delete event 1
    "INSERT OR REPLACE INTO events (seq, at, by, kind, payload, rationale, prev_hash, hash, client_id) "
    "SELECT 5, at, by, kind, payload, rationale, hash, 'f' || substr(hash, 2), 'retry-1' FROM events WHERE seq = 4",
]


@pytest.mark.parametrize("statement", REWRITES)
def test_sqlite_refuses_rewrites_that_bypass_the_delete_trigger(tmp_path, statement):
    study = _decided(str(tmp_path / "study"), tmp_path)
    before = study.events()
    db = sqlite3.connect(tmp_path / "study" / "study.sqlite")
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
        db.rollback()
    finally:
        db.close()
    assert study.events() == before and study.verify_log() == []


def test_the_store_refuses_an_upsert_on_events(study_location, tmp_path):
    """SQLite and PostgreSQL alike: ON CONFLICT DO UPDATE never changes an event."""
    study = _decided(study_location, tmp_path)
    before = study.events()
    upsert = REWRITES[2]
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), study.store.engine.connect() as conn, conn.begin():
        conn.exec_driver_sql(upsert)
    if study.store.engine.dialect.name == "postgresql":
        # PostgreSQL fires BEFORE UPDATE for the conflicting row: migration 4's trigger refuses it even
        # without migration 8's insert guard (which fires first, so it is switched off to show this).
        with pytest.raises(sa.exc.DatabaseError, match="events cannot be changed"), \
                study.store.engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER events_only_after")
            conn.exec_driver_sql(upsert)
    assert study.events() == before and study.verify_log() == []
    study.memo("still appends", by="ann")
    assert study.verify_log() == [] and len(study.events()) == len(before) + 1
    study.close()


def test_the_recorded_head_only_names_the_last_event(study_location, tmp_path):
    study = _decided(study_location, tmp_path)
    events = study.events()
    attempts = [f"UPDATE meta SET value = '{events[1].seq}:{events[1].hash}' WHERE key = 'log_head'",
                "DELETE FROM meta WHERE key = 'log_head'",
                "UPDATE meta SET key = 'old_head' WHERE key = 'log_head'"]
    if study.store.engine.dialect.name == "sqlite":
        attempts.append(f"INSERT OR REPLACE INTO meta (key, value) VALUES ('log_head', '2:{events[1].hash}')")
    else:
        attempts.append("TRUNCATE meta")
    for statement in attempts:
        with pytest.raises(sa.exc.DatabaseError, match="log can only name the event just appended"), \
                study.store.engine.connect() as conn, conn.begin():
            conn.exec_driver_sql(statement)
    assert study.store.log_head() == (events[-1].seq, events[-1].hash) and study.verify_log() == []
    study.close()


def _without_guards(folder: str, *statements: tuple[str, tuple]) -> None:
    """Drop every trigger (as someone with the database file can), run ``statements``, put the triggers back."""
    db = sqlite3.connect(Path(folder) / "study.sqlite")
    try:
        triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for name, _ in triggers:
            db.execute(f"DROP TRIGGER {name}")
        for statement, params in statements:
            db.execute(statement, params)
        for _, sql in triggers:
            db.execute(sql)
        db.commit()
    finally:
        db.close()


def _recorded_head(folder: str) -> tuple[str, str]:
    """(the pasteable line, '#N:HASH') as ``log head`` prints them."""
    out = wb("log", "head", "--study", folder).stdout.splitlines()
    assert out[0].startswith("event #") and out[1].startswith("sha256 ")
    seq, digest = out[0].removeprefix("event #"), out[1].removeprefix("sha256 ")
    assert out[2] == f"study study log head #{seq} sha256:{digest}"
    return out[2], f"#{seq}:{digest}"


def test_cutting_the_last_event_passes_verify_but_not_the_recorded_head(tmp_path):
    folder = str(tmp_path / "study")
    _decided(folder, tmp_path).close()
    line, short = _recorded_head(folder)
    for given in (line, short, short.lstrip("#"), short.split(":")[1]):
        ok = wb("log", "verify", "--study", folder, "--head", given)
        assert "intact: 4 event(s)" in ok.stdout and "extends the head you gave" in ok.stdout

    with sqlite3.connect(Path(folder) / "study.sqlite") as db:
        third = db.execute("SELECT seq || ':' || hash FROM events WHERE seq = 3").fetchone()[0]
    _without_guards(folder, ("DELETE FROM events WHERE seq = 4", ()),
                    ("UPDATE meta SET value = ? WHERE key = 'log_head'", (third,)))
    assert "intact: 3 event(s)" in wb("log", "verify", "--study", folder).stdout, \
        "the head kept beside the log was moved back with it: the chain alone cannot tell"
    for given in (line, short):
        failed = wb("log", "verify", "--study", folder, "--head", given, check=False)
        assert failed.returncode == 1 and "FAILED verification" in failed.stderr
        assert f"the log no longer contains the head you recorded (#4 sha256:{short[3:]})" in failed.stderr
        assert "event #4 is missing, the log now ends at #3" in failed.stderr and "Traceback" not in failed.stderr


def test_recomputing_the_whole_chain_passes_verify_but_not_an_earlier_export(tmp_path):
    folder = str(tmp_path / "study")
    _decided(folder, tmp_path).close()
    earlier, as_csv = tmp_path / "earlier.jsonl", tmp_path / "earlier.csv"
    said = wb("log", "export", "--study", folder, "--out", str(earlier)).stdout
    wb("export", "log", "--study", folder, "--out", str(as_csv))
    line, _ = _recorded_head(folder)
    assert line.split()[-1].removeprefix("sha256:") in said, "the export names the head it holds"
    for reference in (earlier, as_csv):
        assert "intact" in wb("log", "verify", "--study", folder, "--against", str(reference)).stdout

    # Rewrite who made event 2 and recompute every hash from there on: a chain that verifies.
    rows = [json.loads(r) for r in earlier.read_text(encoding="utf-8").splitlines()]
    rows[1]["by"] = "mallory"
    prev = GENESIS
    for row in rows:
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(row["seq"], row["at"], row["by"], row["kind"], row["payload"],
                                        row["rationale"], row["prev_hash"])
    insert = f"INSERT INTO events ({', '.join(rows[0])}) VALUES ({', '.join('?' * len(rows[0]))})"
    _without_guards(folder, ("DELETE FROM events", ()), *((insert, tuple(r.values())) for r in rows),
                    ("UPDATE meta SET value = ? WHERE key = 'log_head'", (f"{rows[-1]['seq']}:{rows[-1]['hash']}",)))
    assert "intact: 4 event(s)" in wb("log", "verify", "--study", folder).stdout

    for reference in (earlier, as_csv):
        failed = wb("log", "verify", "--study", folder, "--against", str(reference), check=False)
        assert failed.returncode == 1 and "Traceback" not in failed.stderr
        assert f"event #2 differs from the earlier export {reference} (by was 'ann', now 'mallory'" in failed.stderr
    failed = wb("log", "verify", "--study", folder, "--head", line, check=False)
    assert failed.returncode == 1 and "event #4 now has hash" in failed.stderr


def test_an_earlier_export_that_was_itself_edited_cannot_vouch_for_the_log(tmp_path):
    folder = str(tmp_path / "study")
    _decided(folder, tmp_path).close()
    earlier = tmp_path / "earlier.jsonl"
    wb("log", "export", "--study", folder, "--out", str(earlier))
    earlier.write_text(earlier.read_text(encoding="utf-8").replace('"by": "bob"', '"by": "eve"', 1), encoding="utf-8")
    failed = wb("log", "verify", "--study", folder, "--against", str(earlier), check=False)
    assert failed.returncode == 1 and "event #3 in" in failed.stderr and "the file was edited" in failed.stderr


def test_bad_heads_and_files_get_one_clear_line(tmp_path):
    folder = str(tmp_path / "study")
    _decided(folder, tmp_path, n=1).close()
    bad = wb("log", "verify", "--study", folder, "--head", "yesterday's", check=False)
    assert bad.returncode == 1 and "not a log head" in bad.stderr and "Traceback" not in bad.stderr
    missing = wb("log", "verify", "--study", folder, "--against", str(tmp_path / "nope.jsonl"), check=False)
    assert missing.returncode == 1 and "nope.jsonl: cannot be read" in missing.stderr
    other = write(tmp_path / "other.csv", "id,text\n1,hello\n")
    wrong = wb("log", "verify", "--study", folder, "--against", str(other), check=False)
    assert wrong.returncode == 1 and "other.csv, line 1: not a decision-log export" in wrong.stderr
    garbled = write(tmp_path / "garbled.jsonl", '{"seq": 1}\n')
    wrong = wb("log", "verify", "--study", folder, "--against", str(garbled), check=False)
    assert wrong.returncode == 1 and "garbled.jsonl, line 1: is not an event" in wrong.stderr
    empty = str(tmp_path / "empty")
    wb("init", empty)
    assert "empty: no head to record yet" in wb("log", "head", "--study", empty).stdout


def test_a_study_with_events_upgraded_to_the_guards_keeps_its_log(tmp_path):
    folder = str(tmp_path / "study")
    _decided(folder, tmp_path).close()
    prior = max(n for n, _, _ in MIGRATIONS if n < 8)
    with sqlite3.connect(Path(folder) / "study.sqlite") as db:  # as the workbench before migration 8 left it
        for trigger in ("events_only_after", "meta_log_head_insert", "meta_log_head_update", "meta_log_head_delete"):
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("DROP INDEX ix_events_hash")
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(prior),))
    study = Study.open(folder)
    assert study.store.schema_version() == CURRENT_VERSION and study.verify_log() == []
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), study.store.engine.connect() as conn, conn.begin():
        conn.exec_driver_sql(REWRITES[0])
    study.memo("after the upgrade", by="ann")
    assert study.verify_log() == [] and len(study.events()) == 5
    study.close()
