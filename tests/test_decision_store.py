"""The decision log in the store, on SQLite and PostgreSQL: append-only, verifiable, shared.

Tampering is done the way an attacker with database access would: by disabling the
append-only triggers and editing rows directly. ``log verify`` must notice every time.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from workbench.core.decisions import DecisionError
from workbench.engine.discover import DiscoveryParams
from workbench.study import Study

from .conftest import TOPICS, write


def _segments(study: Study, tmp_path, n: int = 12, name: str = "rows.csv", start: int = 0) -> list[str]:
    rows = ["id,text,participant"] + [f"s{i:03d},\"{TOPICS[i % 3]}, in case {i}.\",P{i % 5}"
                                      for i in range(start, start + n)]
    study.ingest([write(tmp_path / name, "\n".join(rows) + "\n")])
    return [f"s{i:03d}" for i in range(start, start + n)]


def _tamper(study: Study, *statements: str) -> None:
    """Run raw SQL against the log with its guard triggers switched off."""
    with study.store.engine.connect() as conn, conn.begin():
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                                "AND tbl_name = 'events'").fetchall():
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER USER")
        for statement in statements:
            conn.exec_driver_sql(statement)
        if not sqlite:
            conn.exec_driver_sql("ALTER TABLE events ENABLE TRIGGER USER")


def _five_events(study: Study, tmp_path) -> None:
    segs = _segments(study, tmp_path)
    study.create_theme("Trust", segs[:4], by="ann")
    study.create_theme("Thresholds", segs[4:8], by="bob")
    study.rename("T-001", "Trust between agencies", by="ann")
    study.assign(segs[8:10], "T-002", by="bob")
    study.memo("check the police view", theme="T-001", by="ann")
    assert study.verify_log() == []


def test_the_store_refuses_to_change_or_remove_events(study, tmp_path):
    _five_events(study, tmp_path)
    attempts = ["UPDATE events SET rationale = 'x' WHERE seq = 2", "DELETE FROM events WHERE seq = 5"]
    if study.store.engine.dialect.name == "postgresql":
        attempts.append("TRUNCATE events")
    for statement in attempts:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), study.store.engine.connect() as conn, \
                conn.begin():
            conn.exec_driver_sql(statement)
    assert len(study.store.events()) == 5 and study.verify_log() == []


TAMPERING = {
    "edited": ["UPDATE events SET by = 'mallory' WHERE seq = 3"],
    "payload edited": ["UPDATE events SET payload = replace(payload, 'Trust between', 'Distrust between') "
                       "WHERE seq = 3"],
    "deleted": ["DELETE FROM events WHERE seq = 2"],
    "last deleted": ["DELETE FROM events WHERE seq = 5"],
    "reordered": ["UPDATE events SET seq = -1 WHERE seq = 2", "UPDATE events SET seq = 2 WHERE seq = 3",
                  "UPDATE events SET seq = 3 WHERE seq = -1"],
    "inserted": ["UPDATE events SET seq = seq + 100 WHERE seq >= 3", "UPDATE events SET seq = seq - 99 WHERE seq > 100",
                 "INSERT INTO events (seq, at, by, kind, payload, rationale, prev_hash, hash) SELECT 3, at, 'eve', "
                 "'memo', '{\"text\":\"forged\"}', '', hash, hash FROM events WHERE seq = 2"],
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_verify_detects_tampering(study, tmp_path, how):
    _five_events(study, tmp_path)
    _tamper(study, *TAMPERING[how])
    problems = study.verify_log()
    assert problems, f"{how} went unnoticed"


def test_a_decision_on_a_theme_merged_a_moment_ago_is_refused(study_location, tmp_path):
    ann = Study.init(study_location, by="ann")
    segs = _segments(ann, tmp_path)
    ann.create_theme("Trust", segs[:3], by="ann")
    ann.create_theme("Confidence", segs[3:6], by="ann")
    bob = Study.open(study_location)
    assert set(bob.codebook().themes) == {"T-001", "T-002"}, "bob's view, before ann merges"
    ann.merge(["T-002"], "T-001", by="ann", why="the same idea")
    with pytest.raises(DecisionError, match="T-002 no longer exists: it was merged into T-001 by ann"):
        bob.rename("T-002", "Confidence in partners", by="bob")
    assert set(bob.codebook().themes) == {"T-001"}, "bob's view is refreshed"
    bob.rename("T-001", "Trust and confidence", by="bob")
    assert [e.kind for e in ann.events()] == ["create", "create", "merge", "rename"]
    assert ann.codebook().snapshot() == bob.codebook().snapshot()
    ann.close()
    bob.close()


def test_unknown_segments_and_candidates_are_refused(study, tmp_path):
    segs = _segments(study, tmp_path)
    study.create_theme("Trust", segs[:2], by="ann")
    with pytest.raises(DecisionError, match="no segment 'nope'"):
        study.assign(["nope"], "T-001", by="ann")
    with pytest.raises(DecisionError, match=r"no discovery run|no candidate"):
        study.accept("R9-C01", by="ann")
    assert len(study.events()) == 1


def test_reruns_keep_accepted_themes_and_suggest_them_for_new_segments(study, tmp_path):
    _segments(study, tmp_path, n=45)
    params = DiscoveryParams(min_size=5, runs=2)
    study.discover(params, by="ann")
    _, found = study.candidates()
    study.accept(f"R1-C{found[0].number:02d}", name="Kept theme", by="ann")
    kept = study.codebook().themes["T-001"].summary()
    assert kept["size"] == found[0].size

    second = study.discover(params, by="ann")
    assert second.segments == 45 - kept["size"] and second.params["held_by_themes"] == kept["size"]
    _, assigned = study.assignments()
    assert not {a.segment_id for a in assigned} & set(kept["members"]), "held segments are not clustered again"
    assert study.codebook().themes["T-001"].summary() == kept

    new = _segments(study, tmp_path, n=6, name="more.csv", start=100)
    third = study.discover(params, by="ann")
    assert study.codebook().themes["T-001"].summary() == kept, "a re-run never changes an accepted theme"
    suggested = {(seg, theme): sim for seg, theme, sim in study.theme_suggestions(third.id)}
    texts = {r.id: r.text for r in study.segments()}
    topic = next(t for t in TOPICS if texts[kept["members"][0]].startswith(t))
    on_topic = [s for s in new if texts[s].startswith(topic)]
    assert on_topic and all(suggested.get((s, "T-001"), 0) > 0.6 for s in on_topic), suggested
    off_topic = [s for s in new if s not in on_topic]
    assert all(suggested.get((s, "T-001"), 0) < min(suggested[(s, "T-001")] for s in on_topic) for s in off_topic)
    study.assign(on_topic[:1], "T-001", by="ann", why="suggested by run 3")
    assert on_topic[0] in study.codebook().themes["T-001"].members


def test_several_decisions_at_once_need_someone_deciding_as_one_does(study):
    """``decide_all`` (a codebook import, an accept in parts) refuses an empty name exactly as ``decide`` does."""
    step = ("create", lambda log: {"theme": log.next_theme_id(), "name": "Trust"})
    for attempt in (lambda: study.decide(*step, by="  "), lambda: study.decide_all([step], by="  "),
                    lambda: study.decide_all([], by=" ")):
        with pytest.raises(DecisionError, match=r"^name who is deciding$") as refused:
            attempt()
        assert refused.value.flag == "--by"
    assert study.events() == []
    assert [e.by for e in study.decide_all([step], by=" ann ")] == ["ann"]
