"""A discovery's time, told before it starts: the arithmetic, the rates runs leave, and a real study's counts."""

from __future__ import annotations

import dataclasses
import json

import pytest

from workbench.core.estimate import FIRST_RATES, Rates, describe, estimate, rates_from_runs, run_rates
from workbench.core.runs import RunRecord
from workbench.engine.discover import DiscoveryParams

from .conftest import discover_topics


def record(run_id: int, processor: str = "cpu A", **params: object) -> RunRecord:
    timings = {"embedding": 10.0, "layouts": 38.0, "neighbours": 2.0, "keywords": 3.0, "consensus": 1.0}
    return RunRecord(id=run_id, created_at="", by="t", params={"runs": 31, "layouts_kept": 0, "layout_workers": 2,
                                                               "pieces_embedded": 50_000, **params},
                     model_name="m", model_sha256="x", backend="onnx", seed=42, input_sha256="i",
                     versions={"processor": processor}, timings=timings, segments=1000, candidates=5,
                     coverage=1.0, merge_suggestions=[], hierarchy=[])


def test_layouts_are_drawn_in_rounds_of_whole_layouts():
    rates = Rates(embed_per_piece=0.001, layout_per_segment=0.002, other_per_segment=0.01, fixed=3.0, basis="b")
    found = estimate(1000, 5000, 31, 2, rates)
    assert found.embedding == pytest.approx(5.0)
    assert found.layouts == pytest.approx(rates.layout_start + 16 * 1000 * 0.002), \
        "31 layouts on two workers: the slower starts, then draws 16"
    assert found.rest == pytest.approx(13.0) and found.seconds == pytest.approx(5 + FIRST_RATES.layout_start + 32 + 13)
    assert estimate(1000, 0, 0, 2, rates).layouts == 0
    big = estimate(20_000, 0, 15, 2, rates)
    assert big.layouts == pytest.approx(rates.layout_start + 8 * 20_000 * 0.002 * 0.45), \
        "above 10,000 segments UMAP draws 200 epochs, not 500"


def test_a_runs_rates_come_back_from_its_record():
    embed, layout, other = run_rates(record(1))
    assert embed == pytest.approx(10 / 50_000)
    assert layout == pytest.approx((40 - FIRST_RATES.layout_start) / (16 * 1000)), \
        "the time of the slower worker's 16 layouts, less its start"
    assert other == pytest.approx(4 / 1000)
    assert run_rates(record(2, layouts_kept=31))[1] is None, "a run that drew nothing measured no layout"
    assert run_rates(record(3, pieces_embedded=0))[0] is None, "nor one that embedded nothing"
    old = record(4)
    old.params.pop("layout_workers")
    old.params.pop("pieces_embedded")
    assert run_rates(old)[:2] == (None, None), "runs recorded before the counts measured neither"
    large = dataclasses.replace(record(6), segments=20_000)
    assert run_rates(large)[1] == pytest.approx((40 - FIRST_RATES.layout_start) / (16 * 20_000 * 0.45)), \
        "kept as the rate of a 500-epoch layout"
    small = dataclasses.replace(record(5), segments=100)
    assert run_rates(small) == (None, None, None), "a small run measures its imports more than its rates"


def test_rates_are_this_processors_newest_and_the_fallback_says_so():
    mine, other = record(1), record(2, processor="cpu B")
    other = dataclasses.replace(other, timings={**other.timings, "embedding": 1000.0})
    rates = rates_from_runs([mine, other], "cpu A")
    assert rates.embed_per_piece == pytest.approx(10 / 50_000) and rates.basis == "this computer's earlier runs"
    assert rates_from_runs([other], "cpu A") == FIRST_RATES, "another computer's speed is not this one's"
    kept = record(3, layouts_kept=31)
    kept = dataclasses.replace(kept, timings={**kept.timings, "embedding": 0.0})
    rates = rates_from_runs([mine, kept], "cpu A")
    assert rates.layout_per_segment == pytest.approx(36 / 16_000), "the newest run that drew layouts measured them"
    lines = describe(estimate(1000, 0, 0, 2, FIRST_RATES))
    assert lines[0].startswith("This discovery should take under a minute")
    assert "every text already embedded" in lines[0] and "every layout kept" in lines[0]
    assert "no run on this computer" in lines[1]
    long = describe(estimate(20_000, 3_000_000, 15, 2, FIRST_RATES))[0]
    assert "about" in long and "minutes" in long and "drawing 15 layouts of 20,000 segments" in long


def test_a_real_studys_estimate_counts_what_its_run_then_does(tmp_path, monkeypatch):
    """Before the first run: the word pieces the run embeds, every layout; after: nothing left but another seed's."""
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("workbench.core.estimate.MEASURES_FROM", 10)  # 45 segments measure rates here
    from workbench.study import Study

    study = Study.init(tmp_path / "study", by="setup")
    from .conftest import topic_table

    study.ingest([topic_table(tmp_path / "answers.csv")])
    params = DiscoveryParams(min_size=5, runs=3, min_similarity=0.5)
    before = study.estimate_discovery(params)
    assert before.segments == 45 and before.layouts_to_draw == 3 and before.pieces_to_embed > 45
    assert "no run on this computer" in before.basis
    run = study.discover(params, by="setup")
    assert run.params["pieces_embedded"] == before.pieces_to_embed, "the estimate counts what the run embeds"
    assert run.params["layout_workers"] == 1 and run.params["layouts_kept"] == 0
    again = study.estimate_discovery(params)
    assert again.pieces_to_embed == 0 and again.layouts_to_draw == 0, "a re-run reads both from the study"
    assert again.basis == "this computer's earlier runs"
    assert study.estimate_discovery(DiscoveryParams(min_size=5, runs=3, min_similarity=0.5, seed=7)
                                    ).layouts_to_draw == 3
    rerun = study.discover(params, by="setup")
    assert rerun.params["layouts_kept"] == 3
    kept = json.loads((tmp_path / "cache" / "rates.json").read_text(encoding="utf-8"))
    assert list(kept) == [run.versions["processor"]] and kept[run.versions["processor"]]["embed_per_piece"] > 0
    fresh = Study.init(tmp_path / "other", by="setup")
    fresh.ingest([topic_table(tmp_path / "more.csv")])
    assert fresh.estimate_discovery(params).basis == "this computer's runs in other studies"


def test_the_command_line_says_how_long_before_it_starts(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from workbench.cli.main import app

    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    study = discover_topics(tmp_path)
    study.close()
    out = CliRunner().invoke(app, ["discover", "--study", str(tmp_path / "study"), "--min-size", "5", "--runs", "2",
                                   "--min-similarity", "0.5", "--by", "ana"])
    assert out.exit_code == 0, out.output
    first = out.output.splitlines()[0]
    assert first.startswith("This discovery should take under a minute: every text already embedded")
    assert "every layout kept from an earlier run" in first


def test_rates_kept_in_the_cache_fall_back_where_missing_or_not_numbers():
    from workbench.core.estimate import kept_rates

    assert kept_rates({}, "b") == FIRST_RATES
    rates = kept_rates({"embed_per_piece": 0.5, "layout_per_segment": "fast"}, "kept")
    assert rates.embed_per_piece == 0.5 and rates.basis == "kept"
    assert rates.layout_per_segment == FIRST_RATES.layout_per_segment, "a hand-edited value is not a rate"
    assert rates.other_per_segment == FIRST_RATES.other_per_segment
