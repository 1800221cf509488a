"""Discovery runs kept in the store, on SQLite and PostgreSQL: runs, candidates, assignments, cache."""

from __future__ import annotations

import numpy as np

from workbench.engine.discover import DiscoveryParams

from .conftest import TOPICS, write


def test_runs_round_trip_and_the_cache_is_reused(study, tmp_path):
    rows = ["id,text,participant,site"] + [f"a{i:02d},\"{TOPICS[i % 3]}, in case {i}.\",P{i % 9},S{i % 3}"
                                          for i in range(45)]
    study.ingest([write(tmp_path / "answers.csv", "\n".join(rows) + "\n")])
    seen: list[str] = []
    first = study.discover(DiscoveryParams(min_size=5, runs=3), by="ana",
                           progress=lambda done, total, what: seen.append(what))
    assert "embedding" in seen and "done" in seen, "long stages report progress"
    assert first.id == 1 and first.by == "ana" and first.candidates == 3 and first.params["embedded_now"] == 45
    assert first.params["layouts_kept"] == 0
    run, found = study.candidates()
    assert run.id == first.id and [c.number for c in found] == [0, 1, 2]
    assert all(len(np.frombuffer(c.centroid, dtype=np.float32)) == 384 for c in found)
    _, assigned = study.assignments()
    assert len(assigned) == 45 and {a.candidate for a in assigned} == {0, 1, 2}
    second = study.discover(DiscoveryParams(min_size=5, runs=3), by="ana")
    assert second.id == 2 and second.params["embedded_now"] == 0
    assert second.params["layouts_kept"] == 3, "a re-run on the same segments reads the layouts the first drew"
    assert second.timings["layouts"] < first.timings["layouts"]
    assert study.store.assignments(1) == study.store.assignments(2)
    assert [r.id for r in study.runs()] == [1, 2]
    more = ["id,text,participant,site", "b01,A new answer about the waiting list.,P1,S1",
            f"b02,\"{TOPICS[0]}, in case 0.\",P2,S2"]  # the second says what a00 said: no new text
    study.ingest([write(tmp_path / "more.csv", "\n".join(more) + "\n")])
    third = study.discover(DiscoveryParams(min_size=5, runs=3), by="ana")
    assert third.segments == 47 and third.params["embedded_now"] == 1, "only text not seen before is embedded"
    assert third.params["layouts_kept"] == 0, "other segments, other layouts: none is read from another set"
