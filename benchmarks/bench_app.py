"""Server-side time of the app's actions on a large study: 20,000 segments, 150 candidates.

The app (its entry script and pages, as served) is run by streamlit.testing's AppTest in
this process, one session throughout, as one browser tab is: each click or page switch
reruns the script, which is what the server does, and the time of that rerun is the
server-side time of the action. Measured, as medians over repeated actions: accepting a
candidate, merging one into a theme, renaming a theme, and switching to each page. A
fresh AppTest for each page would also count the test harness's own start, about 300 ms
on this project's current machines (the "empty page, fresh harness" row, for scale).
Also reported: the most segment rows any page puts in one table (pagination; the log's table counts too) and the
number of points the map sends (at most 5,000 of the 20,000), and how long each codebook
file takes to make when its Export button is clicked (median of 3; no target).

The run is synthetic (150 candidates of about 133 segments each, written to the store as
discovery would write them): this measures the app, not the clustering, whose speed is
in bench_speed.py. Target: each action under 300 ms median.

    cd benchmarks && ../.venv/bin/python bench_app.py
"""

from __future__ import annotations

import csv
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from common import ROOT, save

SEGMENTS, CANDIDATES, REPEATS = 20_000, 150, 15
PAGES = ["study_page", "candidates_page", "themes_page", "map_page", "logic_model_page", "validation_page",
         "analysis_page", "log_page", "export_page"]
WORDS = ("referral police school health threshold strategy meeting family social worker consent parent "
         "child risk information sharing delay weekend audit feedback training trust manager").split()


def _length(values: object) -> int:
    """Points in a plotly array, plain or binary-packed ({"dtype": "f8", "bdata": base64})."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        return len(base64.b64decode(values["bdata"])) // int(values.get("dtype", "f8")[1:])
    return len(values) if isinstance(values, list) else 0


def by_key(widgets, *prefixes: str):
    """The widget keyed ``prefix``, or ``prefix`` then ':' or '~' (fields are keyed per item and decision,
    ``common.field_key``; pickers get a new key after the page moves them), for the first of ``prefixes``
    found: as tests/app_harness.py's ``by_key``, copied because benchmarks don't import the tests."""
    for prefix in prefixes:
        exact = [w for w in widgets if w.key == prefix]
        found = exact or [w for w in widgets if (w.key or "").startswith((f"{prefix}:", f"{prefix}~"))]
        if found:
            return found[-1]
    raise AssertionError(f"no widget keyed {' or '.join(map(repr, prefixes))} among {[w.key for w in widgets]}")


def build(folder: Path) -> str:
    import numpy as np

    from workbench.core.runs import AssignmentRecord, CandidateRecord, RunRecord
    from workbench.study import Study

    rng = random.Random(3)
    table = folder / "segments.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "participant", "site", "transcript"])
        for i in range(SEGMENTS):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 90))).capitalize() + "."
            writer.writerow([f"s{i:05d}", text, f"P{i % 300:03d}", f"Site {i % 3}", f"T{i // 100:03d}"])
    study = Study.init(folder / "study", by="bench", logic_model=ROOT / "models" / "mash-ipe.yaml")
    study.ingest([table])
    ids = [r.id for r in study.rows()]
    centroid = np.zeros(384, dtype=np.float32).tobytes()
    found = [CandidateRecord(c, f"label {c} / words", [("word", 0.5)], ids[c:c + 3 * CANDIDATES:CANDIDATES], 0, 0,
                             0, 0.8, centroid) for c in range(CANDIDATES)]
    assigned = [AssignmentRecord(s, i % CANDIDATES if i % 47 else -1, 0.6, i % CANDIDATES, 0.6)
                for i, s in enumerate(ids)]
    run = RunRecord(None, "2026-01-01T00:00:00Z", "bench", {}, "synthetic", "0" * 64, "none", 42, "0" * 64, {}, {},
                    SEGMENTS, CANDIDATES, 0.98, [(0, 1, 0.9)], [])
    with study.store.write() as tx:
        tx.add_run(run, found, assigned)
    # The map's layout, as the Map page would have computed it once (random here: only its size matters).
    from workbench.core.overview import SegmentFilter
    from workbench.engine.embed import Encoder, load_model
    from workbench.services.discovery_runs import projection_key

    rows = SegmentFilter(include_interviewer=False).apply(study.rows())
    with study.store.write() as tx:
        tx.add_projection(projection_key(Encoder(load_model()).key, rows),
                          {r.id: (rng.random(), rng.random()) for r in rows})
    # A review under way: 20 themes already accepted.
    for c in range(100, 120):
        study.accept(f"R1-C{c:02d}", f"Theme {c}", by="bench")
    # A validation session under way: three reviewers have voted on every theme.
    for who in ("ann", "bob", "cat"):
        for theme in sorted(study.codebook().themes):
            study.vote("panel 1", theme, rng.choice(["accept", "accept", "revise", "reject"]), by=who)
    study.close()
    return str(folder / "study")


def main() -> None:
    from streamlit.testing.v1 import AppTest

    pages = ROOT / "workbench" / "pages"
    timings: dict[str, list[float]] = {}
    largest_table = 0
    map_points = 0

    def run(at: AppTest, what: str) -> AppTest:
        start = time.perf_counter()
        at.run()
        timings.setdefault(what, []).append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
        return at

    with tempfile.TemporaryDirectory() as tmp:
        location = build(Path(tmp))
        empty = Path(tmp) / "empty_page.py"
        empty.write_text("import streamlit as st\nst.title('empty')\n", encoding="utf-8")
        for _ in range(REPEATS):
            run(AppTest.from_file(str(empty), default_timeout=60), "empty page, fresh harness")
        # The Validation page with the group's votes shown: its heavier view (agreement computed).
        state: dict[str, object] = {"study_location": location, "researcher": "bench", "validation-show": True}

        def open_page(name: str) -> AppTest:
            at = AppTest.from_file(str(pages / f"{name}.py"), default_timeout=300)
            for key, value in state.items():
                at.session_state[key] = value
            return at

        app = AppTest.from_file(str(ROOT / "workbench" / "app.py"), default_timeout=300)
        for key, value in state.items():
            app.session_state[key] = value
        run(app, "first visit: study_page")  # the default page
        for name in PAGES[1:]:  # the session's first visit to each page (reads and caches)
            run(app.switch_page(f"pages/{name}.py"), f"first visit: {name}")
        for _ in range(REPEATS):
            for name in PAGES:
                at = run(app.switch_page(f"pages/{name}.py"), f"switch to {name}")
                # Segment tables have a "text" column; the log's events, now a dataframe, a "what" column.
                largest_table = max([largest_table, *(len(t.value) for t in at.table),
                                     *(len(d.value) for d in at.dataframe if {"text", "what"} & set(d.value))])
                for chart in at.get("plotly_chart"):
                    spec = json.loads(chart.proto.spec)
                    map_points = max(map_points, sum(_length(trace.get("x", [])) for trace in spec["data"]))
        from workbench.pages.common import made_at_click

        for fmt in ("csv", "qdc", "qdpx", "xlsx", "docx", "md"):  # what a click on Export costs (fresh open included)
            make = made_at_click(location, lambda fresh, fmt=fmt: fresh.codebook_file(fmt))
            for _ in range(3):
                start = time.perf_counter()
                make()
                timings.setdefault(f"codebook file made at the click: {fmt}", []).append(time.perf_counter() - start)
        cand = open_page("candidates_page")
        run(cand, "warm-up")
        for i in range(REPEATS):
            button = next(b for b in cand.button if b.label == "Accept as a theme")
            button.click()
            run(cand, "accept a candidate")
            assert "Accepted" in cand.success[0].value
            by_key(cand.selectbox, "merge-target").set_value("T-001")
            by_key(cand.text_input, "merge-why").input(f"the same idea {i}")
            next(b for b in cand.button if b.label == "Merge").click()
            run(cand, "merge a candidate into a theme")
            assert "Merged" in cand.success[0].value, cand.error
        themes = open_page("themes_page")
        run(themes, "warm-up")
        for i in range(REPEATS):
            by_key(themes.text_input, "rename:T-001", "rename-T-001").input(f"Renamed {i}")
            next(b for b in themes.button if b.label == "Rename").click()
            run(themes, "rename a theme")
            assert "Renamed" in themes.success[0].value
        timings.pop("warm-up")
    result = {
        "segments": SEGMENTS, "candidates": CANDIDATES, "repeats": REPEATS,
        "median_ms": {k: round(1000 * statistics.median(v), 1) for k, v in timings.items()},
        "largest_segment_table_rows": largest_table, "map_points": map_points,
    }
    print(result)
    print("saved", save("app", result))


if __name__ == "__main__":
    main()
