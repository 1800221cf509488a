"""Replaying the decision log: a study of 20,000 segments and 5,000 events.

The codebook is never stored; it is the replay of the log. This measures what that costs:

- pure replay of 5,000 events (the ``Log.replay`` one pass), median of 5;
- a cold open: reading the events from a SQLite study and replaying them (what the app
  does once per session), median of 5;
- one decision through the study facade (catch up, validate, append, commit: what each
  click costs), and catching up on one event another researcher appended, medians of 50;
- a revert, which rebuilds the codebook from the active events, median of 5.

The events are made by random decisions of every kind (refused ones are dropped), with a
fixed seed. Target: replay under 1 s.

    .venv/bin/python benchmarks/bench_replay.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from common import save

SEGMENTS, EVENTS = 20_000, 5_000


def make_events(seed: int = 1):
    from workbench.core.decisions import DecisionError, Draft, Log, seal

    rng = random.Random(seed)
    segs = [f"seg{i:05d}" for i in range(SEGMENTS)]
    log = Log()

    def attempt(kind: str, why: str = "", by: str = "ann", **payload) -> bool:
        event = seal(Draft(kind, payload, by, why), log.seq + 1, f"2026-01-01T00:00:00.{log.seq:06d}Z", log.head)
        try:
            log.append(event)
        except DecisionError:
            return False
        return True

    for c in range(60):  # the accepted candidates: about 15,000 segments coded
        attempt("accept", candidate=f"R1-C{c:02d}", theme=log.next_theme_id(), name=f"Theme {c}",
                members=rng.sample(segs, rng.randint(100, 400)))
    kinds = ["assign"] * 30 + ["unassign"] * 15 + ["move"] * 15 + ["rename"] * 6 + ["define"] * 6 + \
        ["map"] * 4 + ["memo"] * 10 + ["vote"] * 8 + ["merge"] + ["split"] + ["revert"] * 2
    while log.seq < EVENTS:
        live = sorted(log.codebook.themes)
        theme, other = rng.choice(live), rng.choice(live)
        members = sorted(log.codebook.themes[theme].members)
        kind = rng.choice(kinds)
        by = rng.choice(["ann", "bob", "cat"])
        if kind == "assign":
            attempt(kind, by=by, theme=theme, segments=rng.sample(segs, rng.randint(1, 5)))
        elif kind == "unassign" and len(members) > 20:
            attempt(kind, by=by, theme=theme, segments=rng.sample(members, rng.randint(1, 3)))
        elif kind == "move" and len(members) > 20 and theme != other:
            attempt(kind, by=by, segments=rng.sample(members, 2), **{"from": theme, "to": other})
        elif kind == "rename":
            attempt(kind, by=by, theme=theme, name=f"Theme {theme} at {log.seq}")
        elif kind == "define":
            attempt(kind, by=by, theme=theme, definition="A definition " * 10, inclusion="When...",
                    exclusion="Not when...", exemplars=members[:3])
        elif kind == "map":
            attempt(kind, by=by, theme=theme, node=f"node-{rng.randint(1, 30)}")
        elif kind == "memo":
            attempt(kind, by=by, text="An analytic memo " * 20, theme=theme, segment="")
        elif kind == "vote":
            attempt(kind, by=by, session="validation", item=theme, vote=rng.choice(["accept", "reject", "revise"]))
        elif kind == "merge" and theme != other and len(live) > 40:
            attempt(kind, why="same idea", by=by, into=theme, sources=[{"id": other}])
        elif kind == "split" and len(members) > 50:
            half = len(members) // 2
            attempt(kind, why="two ideas", by=by, theme=theme,
                    parts=[{"theme": log.next_theme_id(), "name": f"{theme} a {log.seq}", "members": members[:half]},
                           {"theme": log.next_theme_id(1), "name": f"{theme} b {log.seq}", "members": members[half:]}])
        elif kind == "revert":
            recent = [e for e in log.events[-50:] if e.kind in ("rename", "memo", "vote") and log.active(e.seq)]
            if recent:
                attempt(kind, why="undo", by=by, event=rng.choice(recent).seq)
    return log


def median_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import sqlalchemy as sa

    from workbench.core.decisions import Log
    from workbench.store.schema import events as events_table
    from workbench.study import Study

    log = make_events()
    events = log.events
    kinds = {k: sum(1 for e in events if e.kind == k) for k in sorted({e.kind for e in events})}
    replay = median_of(5, lambda: Log.replay(events))
    assert Log.replay(events).codebook.snapshot() == log.codebook.snapshot()

    with tempfile.TemporaryDirectory() as tmp:
        location = Path(tmp) / "study"
        study = Study.init(location, by="bench")
        rows = "\n".join(["id,text"] + [f"seg{i:05d},Segment {i}" for i in range(SEGMENTS)])
        (Path(tmp) / "segs.csv").write_text(rows + "\n", encoding="utf-8")
        study.ingest([Path(tmp) / "segs.csv"])
        with study.store.write() as tx:
            tx.conn.execute(sa.insert(events_table), [
                {"seq": e.seq, "at": e.at, "by": e.by, "kind": e.kind, "payload": e.payload_json,
                 "rationale": e.rationale, "prev_hash": e.prev_hash, "hash": e.hash} for e in events])
            tx.set_meta("log_head", f"{events[-1].seq}:{events[-1].hash}")
        cold = median_of(5, lambda: Study.open(location).log())
        verify = median_of(3, lambda: Study.open(location).verify_log())
        assert Study.open(location).verify_log() == []

        me, other = Study.open(location), Study.open(location)
        me.log()
        other.log()
        theme = sorted(me.codebook().themes)[0]
        click = median_of(50, lambda: me.memo("a click", theme=theme, by="ann"))
        catch_up = median_of(50, lambda: (me.memo("elsewhere", by="bob"), other.log()))
        rename_seq = me.rename(theme, "Renamed for the benchmark", by="ann").seq
        revert_times = []
        for _ in range(5):
            start = time.perf_counter()
            reverted = me.revert(rename_seq, by="ann", why="bench")
            revert_times.append(time.perf_counter() - start)
            me.revert(reverted.seq, by="ann", why="bench")
    result = {
        "segments": SEGMENTS, "events": len(events), "kinds": kinds,
        "themes": len(log.codebook.themes), "coded_segments": len(log.codebook.coded),
        "replay_seconds": round(replay, 3), "cold_open_seconds": round(cold, 3),
        "verify_seconds": round(verify, 3), "decision_seconds": round(click, 4),
        "catch_up_plus_decision_seconds": round(catch_up, 4),
        "revert_seconds": round(statistics.median(revert_times), 3),
    }
    print(result)
    print("saved", save("replay", result))


if __name__ == "__main__":
    main()
