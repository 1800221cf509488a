"""Write benchmarks/RESULTS.md from the JSON the benchmarks saved in benchmarks/results/.

    .venv/bin/python benchmarks/report.py
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(name: str) -> dict | None:
    path = HERE / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


BACKENDS = {"onnx": "ONNX full precision, the default", "onnx-int8": "ONNX int8",
            "torch": "sentence-transformers' torch"}


def backend_of(data: dict) -> str:
    """The embedding backend a result used; results from before it was recorded used int8, then the default."""
    return BACKENDS.get(data.get("backend", "onnx-int8"), data.get("backend", ""))


def quality(data: dict) -> list[str]:
    lines = [
        "## Theme recovery (quality)", "",
        "Command: `.venv/bin/python benchmarks/bench_quality.py`",
        "(sets from `../shared/data/` are skipped when absent).",
        f"Same embeddings ({backend_of(data)}) for both; plain BERTopic is its quick start with a UMAP of the "
        "same seed (42).",
        "NMI and ARI over all rows, unassigned (-1) counted as one cluster; k = candidates; stability = mean",
        "best-match Jaccard with the clusters of each of a run's seeded layouts (their number, which follows",
        "the set's size, is the layouts column); seeds = ARI between the",
        "workbench's runs with seeds 42 and 7 (whose layouts share no seed).", "",
        "| set | rows | labels | plain NMI | plain ARI | plain coverage | plain k "
        "| workbench NMI | workbench ARI | workbench coverage | workbench k | layouts | stability | seeds ARI |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, v in data.items():
        if not isinstance(v, dict):
            continue
        p, w = v["plain_bertopic"], v["workbench"]
        lines.append(f"| {name} | {v['rows']:,} | {v['labels']} | {p['nmi']} | {p['ari']} | {p['coverage']} | "
                     f"{p['candidates']} | {w['nmi']} | {w['ari']} | {w['coverage']} | {w['candidates']} | "
                     f"{w.get('layouts', '')} | {w['mean_stability']} | {v['ari_between_seeds']} |")
    return [*lines, ""]


def embedding(data: dict) -> list[str]:
    rows = [(k, v) for k, v in data.items() if k.endswith("segments_per_s")]
    lines = [
        "## Embedding backends", "",
        "Command: `.venv/bin/python benchmarks/bench_embedding.py`: the sample corpus's "
        f"{data['segments']:,} participant segments, {data['mean_word_pieces']} word pieces on average.", "",
        "| backend and batch | segments/s | GFLOP/s of model arithmetic |", "|---|---:|---:|",
        *[f"| {k.removesuffix('_segments_per_s').replace('_batch', ', batch ')} | {v} "
          f"| {data.get(k.replace('_segments_per_s', '_gflops'), '')} |" for k, v in rows], "",
    ]
    if "sgemm_gflops" in data:
        lines += [
            f"- compute floor: a forward pass needs at least {data['forward_gflop_per_segment']} GFLOP per segment "
            f"here; this processor multiplies single-precision matrices at {data['sgemm_gflops']} GFLOP/s "
            "(numpy's BLAS, the feed-forward layer's shape, all cores): a practical ceiling for any fp32 runtime here.",
        ]
    padding = (("padding_interview", "the sample corpus's turns"), ("padding_short_answers", "short NHS answers"))
    for key, what in padding:
        if key in data:
            lines.append(f"- padding in batches of 16, {what}: {data[key]['by_characters']:.1%} of the word pieces "
                         f"computed with texts ordered by characters, {data[key]['by_word_pieces']:.1%} ordered by "
                         "word pieces (now)")
    lines += [
        f"- int8 vs fp32 embeddings: mean cosine {data['int8_vs_fp32_cosine_mean']}, "
        f"minimum {data['int8_vs_fp32_cosine_min']}; ONNX fp32 vs torch: minimum cosine "
        f"{data['onnx_fp32_vs_torch_cosine_min']}.",
        f"- candidates from int8 vs fp32 embeddings (same seed; batches of 16, as discovery embeds): ARI "
        f"{data['candidates_ari_int8_vs_fp32']}",
    ]
    if "int8_batch16_vs_batch64_cosine_min" in data:
        lines.append(f"- the same texts in batches of 16 and of 64: int8 vectors down to a cosine of "
                     f"{data['int8_batch16_vs_batch64_cosine_min']} to themselves; fp32 (batches of 8 and 32) "
                     f"differ by at most {data['fp32_batch8_vs_batch32_max_difference']:g}")
    if "candidates_ari_int8_batch64_vs_fp32" in data:
        lines.append(f"- candidates from int8 vectors embedded in batches of 64 vs fp32: ARI "
                     f"{data['candidates_ari_int8_batch64_vs_fp32']}")
    if "onnx_fp32_vs_torch_max_difference" in data:
        lines.append(f"- ONNX fp32 vs torch: largest difference in any coordinate "
                     f"{data['onnx_fp32_vs_torch_max_difference']:.2g}")
    if "candidates_ari_fp32_seed42_vs_seed7" in data:
        lines.append(f"- for scale, fp32 with seed 42 vs seed 7: ARI {data['candidates_ari_fp32_seed42_vs_seed7']}")
    if "answer_key_fp32" in data:
        for key in ("answer_key_fp32", "answer_key_int8"):
            s = data[key]
            lines.append(f"- {key.replace('_', ' ')}: NMI {s['nmi']}, ARI {s['ari']}, coverage {s['coverage']}, "
                         f"{s['candidates']} candidates")
    return [*lines, ""]


def perturbation(data: dict) -> list[str]:
    lines = [
        "## Candidates against small changes to the embeddings", "",
        "Command: `.venv/bin/python benchmarks/bench_perturbation.py`: the sample corpus's "
        f"{data['segments']:,} segments, full-precision vectors with seeded Gaussian noise of standard deviation "
        "sigma per coordinate, renormalised; candidates with the same seed (42) compared with the original "
        "vectors' by ARI.", "",
        "| change | mean cosine to the original | candidates ARI to the original |", "|---|---:|---:|",
        *[f"| noise, sigma {r['sigma']:g} | {r['cosine_mean']} | {r['ari']} |" for r in data["noise"]],
        f"| int8 weights | {data['int8']['cosine_mean']} | {data['int8']['ari']} |",
        f"| none, seed 7 instead of 42 | 1.0 | {data['fp32_seed_7_ari']} |", "",
    ]
    return lines


def speed(data: dict) -> list[str]:
    feedback = next(iter(data.values())).get("data") == "feedback"
    sizes = ("--no-warm " if any("warm" not in v for v in data.values()) else "") + " ".join(data)
    if feedback:
        what = (f"`bench_speed.py --feedback {sizes}`: short real texts (two NHS feedback answers joined, "
                "repeated and varied)")
    else:
        what = (f"`bench_speed.py {sizes}`: interview-length segments (the sample corpus's, repeated and "
                "varied so no two are alike)")
    lines = [
        "## Speed and memory" + (" (short texts)" if feedback else " (interview-length segments)"), "",
        f"Command: `.venv/bin/python benchmarks/{what[1:]}.",
        "Each measurement in a fresh process. Plain: torch embedding plus BERTopic's quick start.",
        "Cold: `Study.discover` on a fresh study (embedding included; embeddings: "
        f"{backend_of(next(iter(data.values()))['cold'])}).",
        "Warm: the same again, embeddings cached. Ratios are to plain BERTopic's cold time; memory is peak RSS.", "",
        "| segments | plain s | plain MB | cold s | cold ratio | cold MB | warm s | warm ratio | warm MB | k "
        "| layouts | measured |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n, v in data.items():
        p, c = v["plain"], v["cold"]
        w = (f"{v['warm']['seconds']:.0f} | {v['warm_ratio']} | {v['warm']['peak_mb']:.0f}" if "warm" in v
             else "not measured | | ")
        lines.append(f"| {int(n):,} | {p['seconds']:.0f} | {p['peak_mb']:.0f} | {c['seconds']:.0f} | "
                     f"{v['cold_ratio']} | {c['peak_mb']:.0f} | {w} | {c['candidates']} | {c.get('layouts', '')} | "
                     f"{v.get('measured', 'earlier')} |")
    lines.append("")
    for n, v in data.items():
        lines.append(f"- stages at {int(n):,} (cold, seconds): " + ", ".join(
            f"{k} {s:.1f}" for k, s in v["cold"]["timings"].items()))
    return [*lines, ""]


def speed_sizes(data: dict) -> list[str]:
    """Issue 28's table: each size of each kind, plain beside cold, warm and reseeded, with quality and seeds."""
    lines = ["## Speed at the sizes studies are (issue 28)", "",
             "Command: `.venv/bin/python benchmarks/bench_speed.py --sizes --short 1000 3000 5000 10000` and "
             "`--sizes --interviews 1000 3000 5000` (and 10000 where a row says so). Each measurement in a fresh "
             "process, alternating in one run. Plain: torch embedding plus BERTopic's quick start. Cold: a fresh "
             "study, `Study.discover` (embedding included). Warm: the same study again (embeddings cached, and the "
             "layouts the cold run drew read from the study). Reseeded: the same study with seed 7 (embeddings "
             "cached, every layout drawn anew: a re-run whose layouts cannot be reused). Seeds: the ARI between "
             "the cold (seed 42) and reseeded (seed 7) candidates. Quality: NMI / ARI against the label each "
             "text was varied from (interviews: the answer key's theme; short: the NHS category of the first "
             "of two answers joined), plain's topics beside discovery's candidates. Estimate: what the "
             "researcher is told before the run starts, beside what it took. Targets: cold at most 0.6x, warm "
             "at most 0.2x.", "",
             "| kind | texts | plain s | cold s (ratio) | warm s (ratio) | reseeded s (ratio) | peak MB plain / "
             "cold | seeds ARI | NMI / ARI plain | NMI / ARI discovery | estimate cold / warm / reseeded (s) "
             "| measured |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    stages = []
    for kind, rows in data.items():
        for n, v in rows.items():
            p, c, w, r = v["plain"], v["cold"], v["warm"], v["reseeded"]
            lines.append(
                f"| {kind} | {int(n):,} | {p['seconds']:.1f} | {c['seconds']:.1f} ({v['cold_ratio']}) | "
                f"{w['seconds']:.1f} ({v['warm_ratio']}) | {r['seconds']:.1f} ({v['reseeded_ratio']}) | "
                f"{p['peak_mb']:.0f} / {c['peak_mb']:.0f} | {v['seeds_ari']} | {p['nmi']} / {p['ari']} | "
                f"{c['nmi']} / {c['ari']} | {c.get('estimated_seconds', '')} / {w.get('estimated_seconds', '')} / "
                f"{r.get('estimated_seconds', '')} | {v['measured']} |")
            stages.append(f"- {kind} {int(n):,} (cold, seconds; {c['layouts']} layouts, {c['segments']:,} segments, "
                          f"{v['mean_word_pieces']} word pieces a text): " + ", ".join(
                              f"{k} {t:.1f}" for k, t in c["timings"].items()))
    return [*lines, "", *stages, ""]


def layout_epochs(data: dict) -> list[str]:
    """The epochs trial, two seeds (seed 42's figures) or three (means, and the seeds' lowest and mean pair)."""
    three = any("seeds_ari_mean" in v for row in data.values() for v in row.values() if isinstance(v, dict))
    if three:
        head = ["## Cheaper layouts, three seeds (issue 28)", "",
                "Command: `cd benchmarks && ../.venv/bin/python bench_layout_epochs.py --three-seeds`. As the "
                "two-seed table, with seeds 42, 7 and 3: NMI and ARI are means over the three runs; the seeds' ARI "
                "is over the three pairs (lowest and mean).", "",
                "| set | variant | NMI (mean) | ARI (mean) | seeds ARI (lowest) | seeds ARI (mean) | seconds |",
                "|---|---|---:|---:|---:|---:|---:|"]
        cells = ("nmi_mean", "ari_mean", "seeds_ari_lowest", "seeds_ari_mean", "seconds")
    else:
        head = ["## Cheaper layouts, tried (issue 28)", "",
                "Command: `cd benchmarks && ../.venv/bin/python bench_layout_epochs.py`. Discovery as shipped and "
                "with each UMAP layout's epochs changed (500 below 10,000 segments as shipped), and UMAP's spectral "
                "start alone with 3 layouts; seeds 42 and 7, in one process with one worker. Seconds are seed 42's "
                "run, comparable within this table only.", "",
                "| set | variant | NMI | ARI | seeds ARI | seconds | candidates |",
                "|---|---|---:|---:|---:|---:|---:|"]
        cells = ("nmi", "ari", "seeds_ari", "seconds", "candidates")
    rows = [f"| {name} | {variant} | " + " | ".join(str(v[c]) for c in cells) + " |"
            for name, row in data.items() for variant, v in row.items() if isinstance(v, dict)]
    return [*head, *rows, ""]


def startup(data: dict) -> list[str]:
    return ["## Start-up", "", "Command: `.venv/bin/python benchmarks/bench_startup.py sample-study` "
            "(after `workbench demo`); seconds, median of 5 for the commands after one untimed run "
            "(compiled bytecode written, as on a researcher's machine).", "",
            "| what | seconds |", "|---|---:|", *[f"| {k} | {v} |" for k, v in data.items()], ""]


def seed_consensus(data: dict) -> list[str]:
    rows = []
    for name, v in data.items():
        if not isinstance(v, dict):
            continue
        for runs, r in v["layouts"].items():
            count = r.get("layouts", runs)
            label = f"{count} (default)" if runs == "default" else str(count)
            rows.append(f"| {name} | {label} | {', '.join(map(str, r['ari_between_seeds']))} | "
                        f"{', '.join(map(str, r['nmi']))} | {', '.join(map(str, r['ari_labels']))} | "
                        f"{', '.join(map(str, r['candidates']))} | {r['seconds']} |")
    return ["## Agreement between seeds, by number of layouts", "",
            "Command: `cd benchmarks && ../.venv/bin/python bench_seed_consensus.py`; runs with seeds "
            f"{', '.join(map(str, data['seeds']))} (pairs 42-7, 42-1, 7-1). 1 layout is HDBSCAN's clusters on one "
            "layout (discovery before the consensus); 10 was the default until the count followed the study's size; "
            "\"default\" is `auto_runs` (an odd count: 31 up to 10,000 segments, then a fixed budget of layout work, "
            "at least 5). HDBSCAN's min_samples is the square root of the minimum size throughout. "
            "Seconds: one run, embeddings given, layouts in one process per core from 1,000 segments. "
            f"Embeddings: {backend_of(data)}.", "",
            "| set | layouts | ARI between seeds | NMI | ARI to labels | candidates | seconds |",
            "|---|---:|---|---|---|---|---:|", *rows, ""]


def layout_scan(data: dict) -> list[str]:
    # The scan does not depend on the default count, so the row marked is today's default
    # (auto_runs), not the one recorded when the scan ran.
    from workbench.engine.discover import auto_runs

    rows = []
    for name, v in data.items():
        if not isinstance(v, dict):
            continue
        for count, r in v["scan"].items():
            label = f"{count} (default)" if int(count) == auto_runs(v["rows"]) else count
            rows.append(f"| {name} | {label} | {', '.join(map(str, r['ari_between_seeds']))} | "
                        f"{min(r['ari_between_seeds'])} | {', '.join(map(str, r['nmi']))} |")
    seconds = "; ".join(f"{name} {v['most']} layouts {v['seconds_for_most']} s" for name, v in data.items()
                        if isinstance(v, dict))
    return ["## Agreement between seeds, layout by layout", "",
            "Command: `cd benchmarks && ../.venv/bin/python bench_layout_scan.py`: for seeds "
            f"{', '.join(map(str, data['seeds']))}, one draw of N layouts each, then the candidates of every odd "
            "prefix (a run's layout seeds are prefix-consistent, so the first k are what `--runs k` draws); "
            "\"default\" marks today's `auto_runs` count, whose row equals the seed table's default row. "
            f"Embeddings: {backend_of(data)}. Seconds to draw the N layouts of one seed: {seconds}.", "",
            "| set | layouts | ARI between seeds (42-7, 42-1, 7-1) | worst | NMI |",
            "|---|---:|---|---:|---|", *rows, ""]


def replay(data: dict) -> list[str]:
    kinds = ", ".join(f"{k} {v}" for k, v in data["kinds"].items())
    rows = [("replay of the whole log (pure, one pass)", data["replay_seconds"]),
            ("cold open: read the events from SQLite and replay", data["cold_open_seconds"]),
            ("verify the hash chain and the replay", data["verify_seconds"]),
            ("one decision through the facade (validate, append, commit)", data["decision_seconds"]),
            ("another researcher's decision, then catching up on it", data["catch_up_plus_decision_seconds"]),
            ("a revert (rebuilds the codebook from the active events)", data["revert_seconds"])]
    return ["## Decision log replay", "",
            "Command: `cd benchmarks && ../.venv/bin/python bench_replay.py`; "
            f"{data['segments']:,} segments, {data['events']:,} events ({kinds}); {data['themes']} themes "
            f"holding {data['coded_segments']:,} segments at the end. Target: replay under 1 s.", "",
            "| what | seconds |", "|---|---:|", *[f"| {k} | {v} |" for k, v in rows], ""]


def app(data: dict) -> list[str]:
    rows = [f"| {k} | {v} |" for k, v in data["median_ms"].items()]
    return ["## The app on a large study", "",
            "Command: `cd benchmarks && ../.venv/bin/python bench_app.py`; server-side time of each rerun "
            f"(streamlit.testing's AppTest, in process), median of {data['repeats']}, on {data['segments']:,} "
            f"segments and {data['candidates']} candidates (a synthetic run). The app runs from its entry script "
            "in one session, as one browser tab does: a page switch or a click reruns the script (the three "
            "actions are timed in the Candidates and Themes pages' own sessions, after a first run). Target: actions "
            "and page switches under 300 ms. A session's first visit to a page reads and caches the study; later "
            "visits reuse it. The empty page in a fresh harness is the test harness's own start, for scale: "
            "it is not part of any switch.",
            "", "| what | ms (median) |", "|---|---:|", *rows, "",
            f"The most segment rows any page put in one table: {data['largest_segment_table_rows']} "
            f"(pages of 25 segments, 50 log events); the map sent {data['map_points']:,} points "
            f"of {data['segments']:,}.", ""]


def browser_session(data: dict) -> list[str]:
    """The scripted session in Chromium, and beside it, when saved, the run with a server setting changed."""
    experiment = load("browser_session_experiment")
    other = {**experiment["by_kind"], "overall": experiment["overall"]} if experiment else {}
    setting = ", ".join(f"{k}={v}" for k, v in (experiment or {}).get("server_env", {}).items())
    t, o = data["targets"], data["overall"]

    def verdict(met: bool) -> str:
        return "met" if met else "**missed**"

    def cell(value: float | None) -> str:
        return "" if value is None else f"{value:.0f}"

    rows = [f"| {k} | {v['count']} | {cell(v['median_ms'])} | {cell(v['max_ms'])} | "
            f"{cell(v['from_press_median_ms'])} | {cell(v['script_median_ms'])} | {cell(v['full_gc_median_ms'])} | "
            f"{cell(v.get('browser_busy_median_ms'))} |"
            + (f" {cell(other.get(k, {}).get('median_ms'))} |" if experiment else "")
            for k, v in [*data["by_kind"].items(), ("overall", o)]]
    shares = ", ".join(f"{r['others_cpu_share']:.1%}" for r in data["load_average"])
    rounds = "; ".join(f"{r['median_ms']:.0f} and {r['max_ms']:.0f} ms" for r in data["by_round"])
    lines = ["## A review session in the browser", "",
             "Command: `cd benchmarks && ../.venv/bin/python bench_browser_session.py` (about 2 minutes): "
             f"bench_app.py's study ({data['segments']:,} segments, {data['candidates']} candidates) served by "
             "`workbench app` and driven by Debian's chromium (Playwright), "
             f"{data['rounds']} rounds of the same scripted session, each on a fresh copy with a fresh server: "
             f"{data['decisions_per_round']} decisions a round (8 accepts with names, 2 rejects, 2 merges, 2 triage "
             "assigns, 2 each of rename, define, move and memo, 6 votes in a new validation session, 2 mappings "
             f"to logic-model nodes, 1 revert) among {data['actions_per_round']} timed actions, page switches, "
             "tabs and pickers included. An action's time runs from just before the click to the page settled: "
             "the script run it started has finished and reached the page, nothing is stale, and its expected "
             "result (success message, heading, field) is on screen. *From the press* is the same end on the "
             "page's clock from the pointer-down or key-down, without Playwright's checks before the click. "
             "*Script* is the server's script runs for the action (two for a decision, which reruns after it is "
             "recorded), *full GC* the server's full garbage collections in it, *drawing* the browser's main "
             "thread busy (long tasks). Targets: median under 500 ms, none over 2 s, uncontended.",
             "",
             f"Other processes used {shares} of the machine's CPU during the rounds "
             f"({'contended' if data['contended'] else 'uncontended'}); each round's median and maximum: {rounds}. "
             f"Log check: {data['log_check'] if isinstance(data['log_check'], str) else '; '.join(data['log_check'])}.",
             "",
             "| action | n | median ms | max ms | from the press, median | script | full GC | drawing |"
             + (f" median with {setting} |" if experiment else ""),
             "|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if experiment else ""), *rows, "",
             f"Targets: median under {t['median_ms']} ms {verdict(t['median_met'])} ({o['median_ms']:.0f} ms), "
             f"none over {t['max_ms']} ms {verdict(t['max_met'])} (the longest {o['max_ms']:.0f} ms; from the press "
             f"{o['from_press_max_ms']:.0f} ms)."]
    if data["over_2s"]:
        lines.append(f"Over 2 s: {'; '.join(data['over_2s'])}.")
    if experiment:
        e = experiment["overall"]
        lines.append(f"With {setting} (a separate run, `--server-env {setting}`): median {e['median_ms']:.0f} ms, "
                     f"the longest {e['max_ms']:.0f} ms ({'contended' if experiment['contended'] else 'uncontended'}).")
    if data.get("notes"):
        lines.append(f"Notes: {'; '.join(data['notes'])}.")
    return [*lines, ""]


def analysis(data: dict) -> list[str]:
    scans = [f"| {r['texts']} | {r['names']} | {r['seconds']} | {r['per_second']:,} | {r['findings']:,} |"
             for r in data["scans"]]
    found = ", ".join(f"{k} {v}" for k, v in data["nhs_findings"].items()) or "none"
    timed = [f"| {k} | {v} |" for k, v in data["median_seconds"].items()]
    study = data["study"]
    return ["## Identifier scan and the analyses", "",
            "Command: `cd benchmarks && ../.venv/bin/python bench_analysis.py`. The scan (`privacy.scan`, best of "
            "3) on interview-length segments (the sample corpus's, varied as in the speed benchmark; they hold no "
            "identifiers, so findings there are false alarms) and on the real NHS patient answers. No target.", "",
            "| texts | names listed | seconds | segments/s | findings |", "|---|---|---:|---:|---:|", *scans, "",
            f"Findings in the NHS answers by type: {found}.", "",
            f"On a study of {study['segments']:,} segments with {study['themes']} themes and {study['votes']} votes "
            f"from five reviewers (Krippendorff's alpha {study['alpha']}), medians:", "",
            "| what | seconds |", "|---|---:|", *timed, ""]


def split(data: dict) -> list[str]:
    rows = [f"| {r['study']} | {r['candidate']} | {r['segments']} | {r['parts']} | {r['first_s']} | "
            f"{r['warm_median_s']} | {r['plain_bertopic_median_s']} | {r['ratio']} | {' ; '.join(r['labels'])} | "
            f"{len(r['unreadable'])} |" for r in data["candidates"]]
    return ["## Proposing sub-groups (a split)", "",
            "Command: `cd benchmarks && ../.venv/bin/python bench_split.py`. For the three largest candidates of "
            "the sample study and of 2,000 real NHS patient comments (../shared/data, discovered first): "
            "`Study.propose_split` (what the Candidates page's Propose sub-groups calls), the first call (after "
            "discovery in the same process, so its imports are already loaded) and the warm median of 3, "
            "beside plain BERTopic's quick start fitted on "
            "the same members with the same vectors (median of 3), as a ratio; and the parts' labels, with how "
            "many hold a contraction fragment (thats, dont, im...). No target: the issue asks for progress and "
            "readable labels; the ratio is for scale.", "",
            "| study | candidate | segments | parts | first (s) | warm (s) | plain BERTopic (s) | ratio | labels "
            "| unreadable |", "|---|---|---:|---:|---:|---:|---:|---:|---|---:|", *rows, "", *large_split(data)]


def large_split(data: dict) -> list[str]:
    large = data.get("large_theme")
    if not large:
        return []
    return [f"A theme of {large['segments']} segments (the NHS run's largest candidates made one theme, target: "
            f"sub-groups in under 5 s), split in a fresh process: {large['fresh_process_s']} s for the first "
            f"proposal, imports and reads included; {large['warm_median_s']} s for each after (median of 3); "
            f"{large['parts']} parts: {' ; '.join(large['labels'])}.", ""]


def where(machine: dict | None) -> str:
    """The processor a section was measured on (speed, int8's above all, depends on it)."""
    if not machine:
        return "Machine: not recorded (an earlier session's; its processor had AVX-512 VNNI, see the notes below)."
    isa = "AVX-512 with VNNI" if machine["vnni"] and machine["avx512"] else (
        "VNNI" if machine["vnni"] else "AVX-512, no VNNI" if machine["avx512"] else "no AVX-512, no VNNI")
    return f"Machine: {machine['cpu']}, {machine['cores']} cores, {isa}."


def import_layouts(data: dict) -> list[str]:
    base, now = data["baseline"], data["workbench"]
    lines = ["## Real transcripts in their tools' layouts (import)", "",
             "Command: `.venv/bin/python benchmarks/bench_import_layouts.py`: every fixture in "
             "`tests/fixtures/real_transcripts` (excerpts of real public transcripts, turns written by hand; "
             "SOURCES.md), parsed in one run by the workbench and by the importer of commit "
             f"`{data['baseline_commit']}` (the last before transcripts were parsed by their own layout). A file is "
             "right when every turn has its speaker and words; turns matched counts expected turns found in order.",
             "",
             f"Files right: workbench {now['files_right']}/{now['files']}, earlier importer "
             f"{base['files_right']}/{base['files']}; turns matched: workbench {now['turns_matched']}/{now['turns']}, "
             f"earlier importer {base['turns_matched']}/{base['turns']}.", "",
             "| file | layout | turns | earlier importer | workbench |", "|---|---|---:|---:|---:|"]
    for old, new in zip(base["rows"], now["rows"], strict=True):
        lines.append(f"| {new['file']} | {new['layout']} | {new['turns']} | {old['turns_matched']} | "
                     f"{new['turns_matched']} |")
    return [*lines, ""]


def privacy(data: dict) -> list[str]:
    lines = ["## Identifiers left in (scan)", "",
             "Command: `.venv/bin/python benchmarks/bench_privacy.py`: the labelled probes in "
             "`tests/fixtures/privacy_probe` (`probe.jsonl`, the development probe, and `heldout.jsonl`, other names, "
             "institutions, streets and places, used only to report; written by hand for this project, without "
             "reading the scanner), scanned with the study's list of local places and no list of names. A labelled "
             f"identifier is found when a finding scoring at least {data['threshold']} overlaps it; precision is the "
             "share of such findings that overlap a labelled identifier. The earlier scanner is commit "
             f"`{data['baseline_commit']}` (rules and the team's name list only), run on the same sentences.", "",
             "| probe | scanner | person | institution | address | place | structured | all | precision | findings |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    structured = ("phone", "nhs_number", "ni_number", "postcode", "email", "date_of_birth")
    for probe in ("probe", "heldout"):
        for who in ("baseline", "workbench"):
            v = data[probe][who]
            found = sum(v["recall"][t] * v["labelled"][t] for t in structured if t in v["labelled"])
            total = sum(v["labelled"][t] for t in structured if t in v["labelled"])
            name = "earlier" if who == "baseline" else "workbench"
            lines.append(f"| {probe} | {name} | {v['recall'].get('person', '')} | {v['recall'].get('institution', '')} "
                         f"| {v['recall'].get('address', '')} | {v['recall'].get('place', '')} | "
                         f"{round(found / total, 3) if total else ''} | {v['recall_all']} | {v['precision']} | "
                         f"{v['findings']} |")
    labelled = data["probe"]["workbench"]["labelled"]
    held = data["heldout"]["workbench"]["labelled"]
    lines += ["", "Labelled identifiers: probe " + ", ".join(f"{t} {n}" for t, n in labelled.items())
              + "; held-out " + ", ".join(f"{t} {n}" for t, n in held.items()) + ".", ""]
    real = data.get("real_named")
    if real:
        lines += [f"Real speech: of the {real['named']} times the speakers of {real['files']} real public transcripts "
                  "(`tests/fixtures/real_transcripts`) name someone in passing (listed by hand in "
                  f"`people_named.json`), the workbench finds {real['workbench']}, the earlier scanner "
                  f"{real['baseline']}.", ""]
    speed = data["speed"]
    lines += [f"Speed: {speed['segments']:,} segments ({speed['words']:,} words: the sample corpus's segments and real "
              "NHS patient comments, cycled) scanned by `privacy.scan` as `workbench scan` does, the model's loading "
              f"included: workbench {speed['workbench_seconds']} s, earlier scanner {speed['baseline_seconds']} s.",
              ""]
    return lines


def codebook_import(data: dict) -> list[str]:
    base = data.get("baseline_commit")
    lines = ["## Importing a large codebook", "",
             "Command: `.venv/bin/python benchmarks/bench_codebook_import.py`: a CSV codebook of n codes imported "
             "into a new study (one 'create' event per code, all in one transaction), timed in a fresh process by "
             f"the workbench and, in the same run, by commit `{base}` (before the import was made linear). The write "
             "lock is what a colleague's decision waits for.", "",
             "| codes | workbench (s) | write lock held (s) | earlier (s) | speed-up |", "|---:|---:|---:|---:|---:|"]
    for codes, row in data["sizes"].items():
        lines.append(f"| {int(codes):,} | {row['seconds']} | {row['lock_held_seconds']} | "
                     f"{row.get('baseline_seconds', '')} | {row.get('speedup', '')} |")
    lines += ["", f"t(10,000) / t(2,500): workbench {data['ratio_10000_to_2500']} (linear: 4), earlier "
              f"{data.get('baseline_ratio_10000_to_2500', '')}.", ""]
    return lines


def long_turns(data: dict) -> list[str]:
    lines = ["## Long turns: memory on the largest files the size limit admits", "",
             "Command: `.venv/bin/python benchmarks/bench_long_turns.py --scan`: each file imported into a new study "
             "(`workbench init`, `workbench ingest`), then `workbench scan --format json`, each a fresh process; "
             "peak resident memory of that process and seconds. The target: under 1 GB for any file up to the 50 MB "
             f"limit. In the same run, the importer of commit `{data.get('baseline_commit', '')}` (before long turns "
             "were bounded) ingests the 1 MB and 15 MB files (it would need about 17-20 GB for 49 MB, so it is not "
             "given those).", "",
             "| file | MB | segments | longest (chars) | ingest MB | ingest s | earlier ingest MB | earlier s | "
             "memory ratio | scan MB | scan s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, row in data.items():
        if not isinstance(row, dict) or "ingest" not in row:
            continue
        scan, before = row.get("scan") or {}, row.get("baseline_ingest") or {}
        ratio = (f"{before['peak_rss_mb'] / row['ingest']['peak_rss_mb']:.1f}x" if before.get("rc") == 0 else
                 before.get("said", "")[:60])
        lines.append(f"| {name} | {row['mb']} | {row['segments']:,} | {row['longest_segment_chars']:,} | "
                     f"{row['ingest']['peak_rss_mb']} | {row['ingest']['seconds']} | {before.get('peak_rss_mb', '')} | "
                     f"{before.get('seconds', '')} | {ratio} | {scan.get('peak_rss_mb', '')} | "
                     f"{scan.get('seconds', '')} |")
    return [*lines, ""]


def architecture(data: dict) -> list[str]:
    lines = ["## The package's shape, before and after (issue 26)", "",
             "Command: `.venv/bin/python benchmarks/bench_architecture.py "
             f"--base {data['base']} --study sample-study`: "
             f"commit {data['base']} (before the registries, the stages, the delegating facade and the folders) and "
             f"{data['head']}, side by side in one run. Start-up: `python -m workbench` commands on the sample study, "
             "seconds, median of 15 with the two trees taking turns after one untimed run each, and the "
             "workbench modules each loads. The app: each tree's "
             "own `bench_app.py` (20,000 segments, 150 candidates; server-side medians in ms). The code: lines and "
             "sizes, and the pairs of places sharing six or more lines (the workplace's `duplicates` tool). "
             "Ratio: after over before.", "",
             "| what | before | after | after / before |", "|---|---:|---:|---:|"]
    lines += [f"| {row['what']} | {row['base']} | {row['head']} | {row['head / base']} |" for row in data["rows"]]
    return [*lines, ""]


def themes(data: dict) -> list[str]:
    sets = [k for k, v in data.items() if isinstance(v, dict) and "rows" in v]
    lines = ["## Themes, not topics: questions, small talk and labels (issue 27)", "",
             f"Command: `.venv/bin/python benchmarks/bench_themes.py {' '.join(sets)}`. One run per set, all variants "
             f"on the same vectors ({backend_of(data)}), seed 42 unless marked. NMI and ARI over every row "
             "(the small-talk group is one cluster, unassigned rows another); k = content candidates; "
             "talk in content = share of the turns the set marks as small talk that land in a content candidate; "
             "3 largest = small-talk share of each of the three largest content candidates; precision and recall "
             "of the small-talk group against the set's marks; phrases = share of content candidates labelled by "
             "a phrase rather than keywords; subs = sub-candidates found (candidates holding them). "
             "Oracle: k-means told the true number of labels. Before: discovery as it was (answers alone, no "
             "small-talk group). With questions W: the question's vector added to the answer's at weight W; "
             "joined text: each answer and its question embedded as one text (`--question-reading joined`). "
             f"The default question weight is {data.get('default_question_weight')}.", ""]
    header = ("| variant | NMI | ARI | coverage | k | small talk apart | talk in content | 3 largest | precision | "
              "recall | phrases | subs | seconds |")
    order = ["plain_bertopic", "oracle_kmeans_answers_alone", "oracle_kmeans_with_questions", "before",
             "small_talk_apart", "with_questions_0.5", "with_questions_1.0", "joined_text", "default_seed_7"]
    for name in sets:
        row = data[name]
        lines += [f"**{name}**: {row['rows']} rows, {row['labels']} labels, "
                  f"{row.get('answers_with_questions', 0)} answers with a question before them; default "
                  f"`{row['default']}`; ARI between seeds 42 and 7 of the default: {row.get('ari_between_seeds')}.",
                  "", header, "|" + "---|" * 13]
        for key in order:
            r = row.get(key)
            if not r:
                continue
            cells = [r.get("nmi"), r.get("ari"), r.get("coverage"), r.get("content_candidates", r.get("candidates")),
                     r.get("small_talk_group", ""), r.get("small_talk_in_content", ""),
                     " / ".join(str(x) for x in r.get("small_talk_share_of_3_largest", [])),
                     r.get("small_talk_precision", ""), r.get("small_talk_recall", ""), r.get("phrase_labels", ""),
                     f"{r['sub_candidates']} ({r['candidates_with_sub_candidates']})" if "sub_candidates" in r else "",
                     r.get("seconds", "")]
            lines.append(f"| {key.replace('_', ' ')} | " + " | ".join(str(c) for c in cells) + " |")
        lines.append("")
    return lines


def continuers(data: dict) -> list[str]:
    seeds = ", ".join(str(s) for s in data.get("seeds", []))
    kept, every = data["continuers_kept_with_the_question"], data["every_interviewer_turn_a_question"]
    lines = ["## Continuers: answers after an interviewer's \"Mm-hmm.\" kept with the question before", "",
             "Command: `.venv/bin/python benchmarks/bench_continuers.py`. Discovery at its defaults, seeds "
             f"{seeds}: the mean NMI and ARI against each set's labels and share of phrase labels, and the ARI "
             "between each pair of seeds, with continuers kept with the question before (now) and with every "
             "interviewer turn taken as a question (before).", "",
             "| set | NMI before | NMI now | ARI before | ARI now | phrases before | phrases now "
             "| seeds agree before | seeds agree now |", "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for name in kept:
        a, b = every[name], kept[name]
        lines.append(f"| {name} | {a['nmi']} | {b['nmi']} | {a['ari']} | {b['ari']} | {a['phrase_labels']} | "
                     f"{b['phrase_labels']} | {' / '.join(map(str, a['ari_between_seeds']))} | "
                     f"{' / '.join(map(str, b['ari_between_seeds']))} |")
    return [*lines, ""]


def answer_key_ceiling(data: dict) -> list[str]:
    key = data.get("answer_key", {})
    lines = ["## Where the answer key's ARI is lost (issue 27)", "",
             "Command: `.venv/bin/python benchmarks/bench_answer_key_ceiling.py`. The default run on the answer key "
             "(seed 42), scored as it is and with one thing made perfect or changed; then k-means told the true "
             "number of labels on every dialogue set, answers read with their questions, as they are, with each "
             "participant's vectors centred, and with a TF-IDF view beside them. ARI throughout.", "",
             "| answer key | ARI |", "|---|---:|"]
    for name in ("discovery", "small_talk_group_perfect", "every_candidate_opened", "small_talk_prototype"):
        if name in key:
            lines.append(f"| {name.replace('_', ' ')} | {key[name]} |")
    if "prototype_moved" in key:
        lines += ["", f"The prototype moved {key['prototype_moved']} turns into the small-talk group, "
                  f"{key['prototype_moved_small_talk']} of them small talk by the key.", ""]
    sets = [k for k, v in data.items() if isinstance(v, dict)]
    lines += ["| oracle | " + " | ".join(sets) + " |", "|---|" + "---:|" * len(sets)]
    for name in ("oracle_read_with_questions", "oracle_participants_centred", "oracle_with_tfidf"):
        lines.append(f"| {name.removeprefix('oracle_').replace('_', ' ')} | "
                     + " | ".join(str(data[s].get(name, "")) for s in sets) + " |")
    return [*lines, ""]


def context_oracle(data: dict) -> list[str]:
    sets = [k for k, v in data.items() if isinstance(v, dict)]
    keys = [k for k in data[sets[0]]] if sets else []
    lines = ["## Reading answers with questions: texts joined or vectors added (oracle)", "",
             "Command: `.venv/bin/python benchmarks/bench_context_oracle.py`. k-means told the true number of "
             "labels (mean of two seeds), NMI / ARI over all rows; vectors_W = the answer's vector plus W times "
             "its question's (0: answers alone); joined_text = the answer's text and its question's embedded "
             "together (`context.joined_text`).", "",
             "| way | " + " | ".join(sets) + " |", "|---|" + "---|" * len(sets)]
    for key in keys:
        lines.append(f"| {key} | " + " | ".join(f"{data[s][key]['nmi']} / {data[s][key]['ari']}" for s in sets)
                     + " |")
    return [*lines, ""]


def label_judging(data: dict) -> list[str]:
    lines = ["## Labels a reader matches to their theme (blind)", "",
             "Command: `.venv/bin/python benchmarks/label_judging.py prepare|score SHEET` on the sheet "
             "`bench_themes.py` wrote; the procedure is in that script's docstring. Share of content candidates "
             "whose label the reader matched to the theme most of the candidate's segments carry.", "",
             "| set and method | matched | of | share |", "|---|---:|---:|---:|"]
    lines += [f"| {k} | {v['matched']} | {v['of']} | {v['share']} |" for k, v in data.items()]
    return [*lines, ""]


def main() -> None:
    out = ["# Benchmark results", "",
           f"Measured on this project's 2-core machines ({platform.machine()}, no GPU), uncontended unless a "
           "note says otherwise. The machines differ in processor between sessions: each section names its own.",
           "Regenerate this file with `.venv/bin/python benchmarks/report.py` after running the benchmarks.", ""]
    for name, render in (("quality", quality), ("embedding", embedding), ("perturbation", perturbation),
                         ("speed_sizes", speed_sizes), ("layout_epochs", layout_epochs),
                         ("layout_epochs_three_seeds", layout_epochs), ("speed", speed),
                         ("speed_feedback", speed), ("startup", startup),
                         ("seed_consensus", seed_consensus), ("layout_scan", layout_scan), ("replay", replay),
                         ("app", app), ("browser_session", browser_session), ("split", split),
                         ("analysis", analysis), ("import_layouts", import_layouts),
                         ("privacy", privacy), ("codebook_import", codebook_import), ("long_turns", long_turns),
                         ("architecture", architecture),
                         ("themes_answer_key_second_sample_real_dialogue", themes),
                         ("themes_nhs_feedback_category", themes),
                         ("themes_nhs_feedback_category_stc_stackoverflow", themes),
                         ("context_oracle", context_oracle), ("continuers", continuers),
                         ("answer_key_ceiling", answer_key_ceiling),
                         ("label_judging", label_judging)):
        data = load(name)
        if data:
            lines = render({k: v for k, v in data.items() if k != "machine"})
            machine = data.get("machine")
            lines[2:2] = [where(machine) if isinstance(machine, dict) or machine is None else f"Machine: {machine}.",
                          ""]
            out += lines
    notes = HERE / "NOTES.md"
    if notes.is_file():
        out += [notes.read_text(encoding="utf-8").strip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(out), encoding="utf-8")
    print("wrote", HERE / "RESULTS.md")


if __name__ == "__main__":
    main()
