"""Discovery on real data with the real model and real BERTopic: invariants, not exact words."""

from __future__ import annotations

import platform

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from workbench.core.overview import SegmentFilter
from workbench.core.runs import candidate_id, parse_candidate_id
from workbench.engine.discover import FILLERS, DiscoveryParams, Doc, auto_min_size, discover, merge_pairs
from workbench.engine.embed import Encoder, load_model
from workbench.engine.keyword_text import vectorizer_docs
from workbench.services.discovery_runs import _processor


def test_auto_min_size_grows_with_the_corpus():
    assert auto_min_size(100) == 5 and auto_min_size(1_000) == 16
    assert auto_min_size(10_000) == 50 and auto_min_size(100_000) == 158


def test_every_segment_gets_a_candidate_or_is_left_for_triage(discovered_sample):
    run, assigned = discovered_sample.assignments()
    clustered = discovered_sample.segments(SegmentFilter(include_interviewer=False))
    assert {a.segment_id for a in assigned} == {r.id for r in clustered}  # none dropped, interviewer left out
    assert run.segments == len(clustered)
    unassigned = [a for a in assigned if a.candidate == -1]
    assert run.coverage == pytest.approx(1 - len(unassigned) / len(assigned), abs=1e-4)
    assert run.coverage >= 0.9
    for a in unassigned:
        assert a.nearest >= 0 and a.nearest_similarity < run.params["min_similarity"]


def test_candidates_carry_what_researchers_review(discovered_sample):
    run, found = discovered_sample.candidates()
    assert 5 <= len(found) <= 60
    rows = {r.id: r for r in discovered_sample.segments()}
    _, assigned = discovered_sample.assignments()
    for c in found:
        members = [a for a in assigned if a.candidate == c.number]
        assert c.size == len(members) >= run.params["min_cluster_size"] // 2
        assert c.label and c.keywords and 0.0 <= c.stability <= 1.0
        words = {w for k, _ in c.keywords for w in k.split()}
        assert not words & FILLERS, f"fillers among keywords of {c.label}: {words & FILLERS}"
        assert 3 <= len(c.representatives) <= 5
        assert set(c.representatives) <= {a.segment_id for a in members}
        assert not words & ENGLISH_STOP_WORDS, f"stop words among keywords of {c.label}"
        assert all(w > 0 for _, w in c.keywords) and [w for _, w in c.keywords] == sorted(
            (w for _, w in c.keywords), reverse=True), "keywords carry their c-TF-IDF weights, highest first"
        assert c.participants == len({rows[a.segment_id].participant_id for a in members} - {None, ""})
        assert c.sites == len({rows[a.segment_id].site for a in members} - {None, ""})
        people = [rows[s].participant_id for s in c.representatives]
        if c.participants >= len(c.representatives):
            assert len(set(people)) == len(people), "quotes should come from different participants"
        places = {rows[s].site for s in c.representatives}
        assert len(places) >= min(c.sites, len(c.representatives)), "quotes should come from different sites"
        assert len(np.frombuffer(c.centroid, dtype=np.float32)) == 384


def test_the_run_is_recorded(discovered_sample):
    run = discovered_sample.latest_run()
    assert run.model_name == "sentence-transformers/all-MiniLM-L6-v2" and len(run.model_sha256) == 64
    assert run.seed == 42 and len(run.input_sha256) == 64 and run.backend == "onnx"
    assert {"bertopic", "umap-learn", "hdbscan", "onnxruntime"} <= set(run.versions)
    assert {"embedding", "neighbours", "layouts", "consensus", "keywords", "assign"} <= set(run.timings)
    # 1,024 segments: 31 layouts (auto_runs), min size 16, HDBSCAN's min_samples its root 4
    assert run.params["runs"] == 31 and run.params["min_samples"] == 4
    assert run.merge_suggestions and all(-1 <= s <= 1 for _, _, s in run.merge_suggestions)
    sims = [s for _, _, s in run.merge_suggestions]
    assert sims == sorted(sims, reverse=True)
    _, found = discovered_sample.candidates()
    found = [c for c in found if not c.is_small_talk]  # the small-talk group was never clustered: no centre
    centres = np.stack([np.frombuffer(c.centroid, dtype=np.float32) for c in found])
    closeness = centres @ centres.T
    np.fill_diagonal(closeness, -2)
    for a, b, _ in run.merge_suggestions:
        assert closeness[a].argmax() == b and closeness[b].argmax() == a, "each is the other's closest"
    assert {"numba", "scipy", "pynndescent", "transformers", "python"} <= set(run.versions), "what can change it"
    assert run.versions["processor"] == _processor(), "another kind of processor may give another result"
    assert len(run.hierarchy) == run.candidates - 1
    # The stored tree reads back as the linkage of the candidates' centres the page draws.
    from scipy.cluster.hierarchy import linkage

    from workbench.core.runs import linkage_matrix

    _, found = discovered_sample.candidates()
    found = [c for c in found if not c.is_small_talk]
    centres = np.stack([np.frombuffer(c.centroid, dtype=np.float32) for c in found]).astype(np.float64)
    expected = linkage(centres, method="average", metric="cosine")
    assert np.allclose(np.asarray(linkage_matrix(run.hierarchy)), expected, atol=1e-4)


def test_same_input_and_seed_give_identical_output(discovered_sample):
    first = discovered_sample.latest_run()
    again = discovered_sample.discover(by="tester")
    assert again.params["embedded_now"] == 0, "the second run must reuse the embedding cache"
    assert again.input_sha256 == first.input_sha256
    assert discovered_sample.store.assignments(first.id) == discovered_sample.store.assignments(again.id)
    assert discovered_sample.store.candidates(first.id) == discovered_sample.store.candidates(again.id)


@pytest.fixture(scope="module")
def small():
    texts = (["The referral was delayed for weeks and nobody called us back."] * 12
             + ["Information sharing with the police worked well in the hub."] * 12
             + ["Our school found the threshold document confusing."] * 12)
    texts = [f"{t} ({i})" for i, t in enumerate(texts)]
    docs = [Doc(f"s{i}", t, f"P{i % 7}", f"site{i % 3}") for i, t in enumerate(texts)]
    encoder = Encoder(load_model())
    return docs, encoder.encode(texts), encoder


def test_small_clear_data_finds_its_groups(small):
    docs, vectors, encoder = small
    found = discover(docs, vectors, DiscoveryParams(min_size=5), word_embedder=encoder.encode)
    assert len(found.candidates) == 3 and found.coverage == 1.0
    groups = {found.assignment[d.id][0] for d in docs[:12]}
    assert len(groups) == 1
    assert all(c.stability > 0.8 for c in found.candidates)


def test_too_few_segments_leaves_everything_for_triage(small):
    docs, vectors, _encoder = small
    seen: list[str] = []
    found = discover(docs[:4], vectors[:4], DiscoveryParams(min_size=5), progress=lambda d, t, what: seen.append(what))
    assert found.candidates == [] and all(c == -1 for c, _ in found.assignment.values())
    assert seen and "too few segments" in seen[-1], "the researcher is told why nothing was found"


def test_candidate_ids():
    assert candidate_id(3, 7) == "R3-C07"
    assert parse_candidate_id("R3-C07", 9) == (3, 7)
    assert parse_candidate_id("C07", 9) == (9, 7) and parse_candidate_id("7", 9) == (9, 7)
    assert parse_candidate_id("C7", None) is None and parse_candidate_id("theme", 2) is None


def test_strays_are_far_out_and_under_the_threshold():
    import numpy as np

    from workbench.engine.placement import strays

    labels = np.array([0] * 8 + [1] * 6)
    sims = np.zeros((14, 2))
    sims[:8, 0] = [0.8, 0.82, 0.79, 0.81, 0.8, 0.83, 0.78, 0.12]  # one member unlike the rest
    sims[8:, 1] = [0.2, 0.22, 0.18, 0.21, 0.19, 0.2]  # short texts: all under 0.25, none far out
    flagged = strays(labels, sims, threshold=0.25)
    assert flagged.tolist() == [False] * 7 + [True] + [False] * 6
    assert not strays(labels, sims, threshold=0.1).any(), "far out but above the threshold: kept"


@pytest.mark.parametrize("cells", [1 << 26, 300 * 7], ids=["one block", "43 blocks, the last shorter"])
def test_neighbours_are_exact_and_start_with_the_segment_itself(monkeypatch, cells):
    import workbench.engine.neighbours as neighbours_module
    from workbench.engine.neighbours import neighbours

    monkeypatch.setattr(neighbours_module, "SIMILARITY_CELLS", cells)
    rng = np.random.default_rng(3)
    unit = rng.normal(size=(300, 16)).astype(np.float32)
    unit[7] = unit[5]  # a duplicate must still list itself first
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    indices, distances = neighbours(unit, 6)
    assert indices[:, 0].tolist() == list(range(300)) and np.allclose(distances[:, 0], 0.0, atol=1e-6)
    assert indices[5, 1] == 7 and indices[7, 1] == 5 and distances[5, 1] < 1e-6
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    brute = np.argsort(-sims, axis=1, kind="stable")[:, :5]
    for row in range(300):
        assert set(indices[row, 1:].tolist()) == set(brute[row].tolist())
    assert np.all(np.diff(distances, axis=1) >= -1e-6), "nearest first"


def test_consensus_keeps_the_themes_most_layouts_find():
    from workbench.engine.consensus import consensus

    rng = np.random.default_rng(0)
    centres = np.eye(4, 32, dtype=np.float32)
    unit = np.repeat(centres, 20, axis=0) + rng.normal(0, 0.05, (80, 32)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    truth = np.repeat(np.arange(4), 20)
    runs = []
    for r in range(5):
        labels = truth.copy()
        if r < 2:
            labels[truth == 3] = -1  # two layouts of five miss the fourth theme: still a majority
        if r == 4:
            labels[truth == 1] = 0  # one layout lumps two themes: outvoted
            labels[truth >= 2] -= 1
        runs.append(labels)
    labels, stability = consensus(unit, runs, same_theme=0.1)
    assert len(set(labels.tolist())) == 4 and (labels >= 0).all()
    assert all(len(set(labels[truth == t].tolist())) == 1 for t in range(4))
    assert len(stability) == 4 and all(0.0 < s <= 1.0 for s in stability)
    by_theme = {int(truth[labels == c][0]): s for c, s in enumerate(stability)}
    assert by_theme[3] < by_theme[2], "a theme fewer layouts find is less stable"
    minority = [truth.copy() if r < 2 else np.full(80, -1) for r in range(5)]
    only_two, _ = consensus(unit, minority, same_theme=0.1)
    assert len(set(only_two.tolist()) - {-1}) == 4, "with no majority anywhere, the best-supported themes stay"


def test_an_odd_number_of_layouts_settles_lumping_against_splitting():
    """Layouts that lump two themes and layouts that split them: the majority decides, both ways."""
    from workbench.engine.consensus import consensus

    rng = np.random.default_rng(1)
    unit = np.repeat(np.eye(3, 32, dtype=np.float32), 30, axis=0) + rng.normal(0, 0.05, (90, 32)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    truth = np.repeat(np.arange(3), 30)
    split, lumped = truth.copy(), np.where(truth == 2, 1, truth)  # lumped: themes 1 and 2 as one cluster
    most_split, _ = consensus(unit, [split, split, split, lumped, lumped], same_theme=0.1)
    assert len(set(most_split.tolist())) == 3 and (most_split >= 0).all()
    most_lumped, _ = consensus(unit, [split, split, lumped, lumped, lumped], same_theme=0.1)
    assert len(set(most_lumped.tolist())) == 2 and (most_lumped >= 0).all()
    assert len(set(most_lumped[truth >= 1].tolist())) == 1
    tied, _ = consensus(unit, [split, split, lumped, lumped], same_theme=0.1)
    assert (tied[truth >= 1] == -1).all(), "the reason for an odd count: a tie leaves neither with a majority"


def test_runs_are_checked_and_their_seeds_do_not_overlap():
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="runs must be at least 2"):
        DiscoveryParams(runs=1)
    assert DiscoveryParams(seed=42).run_seeds(1000) == DiscoveryParams(seed=42).run_seeds(1000)
    assert not set(DiscoveryParams(seed=42).run_seeds(1000)) & set(DiscoveryParams(seed=43).run_seeds(1000))
    assert DiscoveryParams(seed=42, runs=4).run_seeds(1000) == DiscoveryParams(seed=42).run_seeds(1000)[:4], \
        "more layouts add to fewer"


def test_layout_count_falls_with_the_study_size_unless_given():
    from workbench.engine.discovery_settings import auto_runs

    counts = [auto_runs(n) for n in (50, 1024, 5000, 10_000, 10_334, 15_000, 20_000, 50_000, 50_001, 100_000, 10**7)]
    assert counts == [31, 31, 31, 31, 29, 21, 15, 7, 5, 5, 5]
    spent = [auto_runs(n) * n for n in range(10_500, 50_000, 499)]
    assert all(250_000 <= work <= 350_000 for work in spent), "a fixed budget of layout work from 10,000 segments"
    assert all(auto_runs(n) % 2 == 1 for n in range(1, 200_000, 997)), "an odd count: lumping and splitting never tie"
    assert DiscoveryParams().layout_count(1024) == 31 and DiscoveryParams(runs=4).layout_count(1024) == 4


def test_min_samples_is_the_root_of_the_minimum_size_unless_given():
    from workbench.errors import WorkbenchError

    assert [DiscoveryParams().cluster_min_samples(m) for m in (5, 16, 50, 158)] == [2, 4, 7, 13]
    assert DiscoveryParams(min_samples=3).cluster_min_samples(158) == 3
    with pytest.raises(WorkbenchError, match="min_samples must be at least 1"):
        DiscoveryParams(min_samples=0)


def test_layouts_drawn_in_worker_processes_give_the_same_result(small, monkeypatch):
    import threading

    import workbench.engine.discover as discover_module

    threads: list[str] = []
    real = discover_module.keyword_texts

    def spy(texts):
        threads.append(threading.current_thread().name)
        return real(texts)

    monkeypatch.setattr(discover_module, "keyword_texts", spy)
    docs, vectors, _encoder = small
    params = DiscoveryParams(min_size=5, runs=3)
    steps: list[str] = []
    here = discover(docs, vectors, params, workers=1)
    apart = discover(docs, vectors, params, workers=2, progress=lambda i, total, what: steps.append(what))
    assert apart.assignment == here.assignment
    assert [c.stability for c in apart.candidates] == [c.stability for c in here.candidates]
    assert [(c.label, c.keywords) for c in apart.candidates] == [(c.label, c.keywords) for c in here.candidates]
    assert [s for s in steps if s.startswith("layout ")] == [f"layout {i} of 3 drawn" for i in (1, 2, 3)]
    # Three layouts in two workers: one finishes its share first, and keyword texts are made
    # on its idle core; with one process there is no idle core, and they are made in place.
    assert threads == ["MainThread", "workbench-ahead"]


def test_work_done_ahead_returns_or_raises_where_it_is_needed():
    from workbench.engine.discover import _Ahead

    calls: list[str] = []
    inline = _Ahead(lambda: calls.append("ran") or "value")
    assert inline.result() == "value" and inline.result() == "value" and calls == ["ran"]
    never = _Ahead(lambda: calls.append("never"))
    never.wait()
    assert calls == ["ran"], "waiting does not run work that was not started"
    early = _Ahead(lambda: "early")
    early.start()
    early.start()
    early.wait()
    assert early.result() == "early"

    def fail():
        raise ValueError("bad text")

    failing = _Ahead(fail)
    failing.start()
    with pytest.raises(ValueError, match="bad text"):
        failing.result()


def test_clear_groups_do_not_depend_on_the_seed(small):
    from sklearn.metrics import adjusted_rand_score

    docs, vectors, _encoder = small
    parts = [[discover(docs, vectors, DiscoveryParams(min_size=5, seed=seed, runs=3)).assignment[d.id][0]
              for d in docs] for seed in (1, 2)]
    assert adjusted_rand_score(*parts) == 1.0


def test_fences_are_far_out_by_each_candidates_own_spread():
    from workbench.engine.placement import far_out_fences

    labels = np.array([0] * 8 + [1] * 3 + [-1])
    sims = np.zeros((12, 2))
    sims[:8, 0] = [0.5, 0.52, 0.54, 0.56, 0.58, 0.6, 0.62, 0.64]
    q1, q3 = np.percentile(sims[:8, 0], [25, 75])
    fences = far_out_fences(labels, sims)
    assert fences[0] == pytest.approx(q1 - 3 * (q3 - q1)) and fences[1] == -np.inf


def test_placing_treats_members_and_the_rest_by_the_same_two_tests():
    from workbench.engine.placement import place

    labels = np.array([0] * 8 + [-1, -1, -1])
    sims = np.zeros((11, 2))
    sims[:8, 0] = [0.2, 0.21, 0.22, 0.2, 0.19, 0.21, 0.2, 0.02]  # short texts; the last is far out
    sims[8:, 0] = [0.19, 0.02, 0.6]  # not members: typical, far out, above the threshold
    sims[10, 1] = 0.7  # ...and that one is nearer candidate 1
    placed = place(labels, sims, threshold=0.25)
    assert placed.tolist() == [0] * 7 + [-1] + [0, -1, 1]
    assert place(labels, np.zeros((11, 0)), 0.25).tolist() == [-1] * 11


def test_worker_count_follows_the_setting_and_rejects_nonsense(monkeypatch):
    from workbench.engine.layouts import PARALLEL_FROM, worker_count
    from workbench.errors import WorkbenchError

    monkeypatch.delenv("WORKBENCH_LAYOUT_WORKERS", raising=False)
    assert worker_count(PARALLEL_FROM - 1, 10, None) == 1 and worker_count(PARALLEL_FROM, 10, 4) == 4
    assert worker_count(PARALLEL_FROM, 3, 8) == 3, "never more workers than layouts"
    monkeypatch.setenv("WORKBENCH_LAYOUT_WORKERS", "1")
    assert worker_count(10 * PARALLEL_FROM, 10, None) == 1
    monkeypatch.setenv("WORKBENCH_LAYOUT_WORKERS", "two")
    with pytest.raises(WorkbenchError, match="WORKBENCH_LAYOUT_WORKERS must be a whole number"):
        worker_count(10 * PARALLEL_FROM, 10, None)


def test_a_failing_worker_is_reported_with_what_to_do(small, monkeypatch):
    import workbench.engine.layout_processes as layout_processes
    from workbench.errors import WorkbenchError

    docs, vectors, _encoder = small
    monkeypatch.setattr(layout_processes.sys, "executable", "/bin/false")
    with pytest.raises(WorkbenchError, match="WORKBENCH_LAYOUT_WORKERS=1 to draw them in this process"):
        discover(docs, vectors, DiscoveryParams(min_size=5, runs=2), workers=2)


def test_each_layout_runs_in_one_thread_and_restores_the_thread_count(small, monkeypatch):
    import numba
    from threadpoolctl import threadpool_info

    from workbench.engine.clustering import HdbscanClusterer

    seen: list[tuple[int, set[int]]] = []
    real = HdbscanClusterer.labels

    def spy(self, points):
        seen.append((numba.get_num_threads(), {p["num_threads"] for p in threadpool_info()}))
        return real(self, points)

    monkeypatch.setattr(HdbscanClusterer, "labels", spy)
    before = numba.get_num_threads()
    docs, vectors, _encoder = small
    discover(docs, vectors, DiscoveryParams(min_size=5, runs=2), workers=1)
    # Two layouts, each clustered at two grains (candidates, and the sub-candidates inside them).
    assert seen == [(1, {1})] * 4, "threads change UMAP's rounding, and with it the layout"
    assert numba.get_num_threads() == before


def test_merge_suggestions_are_pairs_closest_to_each_other():
    angle = np.radians([0, 10, 60, 68, 150])  # A-B close, C-D close, E nearest to D but D has C
    centres = np.stack([np.cos(angle), np.sin(angle), np.zeros(5)], axis=1).astype(np.float32)
    pairs = merge_pairs(centres)
    assert [(a, b) for a, b, _ in pairs] == [(2, 3), (0, 1)]  # 8 degrees apart before 10
    assert pairs[0][2] == pytest.approx(np.cos(np.radians(8)), abs=1e-4)
    spread = np.eye(3, dtype=np.float32) + np.float32(0.05) * np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    assert [(a, b) for a, b, _ in merge_pairs(spread)] == [(0, 1)], "not every pair of a small run"


def test_filler_phrases_go_but_their_words_stay_where_they_mean_something():
    [text] = vectorizer_docs(["You know, the staff were kind of rushed but kind. Right, I mean the right "
                               "support [laughs] of course, sort of a sort-out. Isn't that right? It's right. "
                               "Right now we wait."])
    lowered = text.lower()
    for gone in ("you know", "kind of", "i mean", "of course", "sort of", "[laughs]", "right,", "right?", "right now"):
        assert gone not in lowered, gone
    assert "but kind." in lowered and "the right support" in lowered and "sort-out" in lowered
    assert "it's right." in lowered
    [talk] = vectorizer_docs(["Mm-hmm, we-we did the follow-up. That\u2019s right."],
                              frozenset(ENGLISH_STOP_WORDS | FILLERS))
    assert "mm hmm" in talk.lower() and "we we" in talk and "follow-up" in talk and "right" not in talk


def test_keywords_keep_words_that_mean_something_and_whole_compounds(small):
    texts = (["The nurses on the ward were kind and the reception staff were kind to my mum, you know."] * 12
             + ["The multi-agency meeting, I mean the strategy discussion, was kind of slow to convene."] * 12
             + ["Our school found the threshold document confusing, sort of, and the forms long."] * 12)
    texts = [f"{t} ({i})" for i, t in enumerate(texts)]
    docs = [Doc(f"k{i}", t, f"P{i % 7}", f"site{i % 3}") for i, t in enumerate(texts)]
    encoder = small[2]
    found = discover(docs, encoder.encode(texts), DiscoveryParams(min_size=5), word_embedder=encoder.encode)
    words = {c.number: {w for k, _ in c.keywords for w in k.split()} for c in found.candidates}
    kind = [c for c, w in words.items() if "kind" in w]
    agency = [c for c, w in words.items() if "multi-agency" in w]
    assert kind and agency and kind != agency, words
    assert not any(w & {"sort", "mean", "know", "multi"} for w in words.values()), words


def test_labels_come_from_maximal_marginal_relevance():
    """MMR picks a candidate's label words from its c-TF-IDF words by their embeddings: words
    a (stand-in) embedder puts far from the candidate's words together must not name it."""
    from workbench.engine.naming import cluster_keywords

    topics = [["referral", "threshold", "duty", "desk", "screening", "triage", "backlog", "consent", "strategy"],
              ["school", "teacher", "pupil", "classroom", "governor", "curriculum", "timetable", "uniform", "exam"]]
    texts, labels = [], []
    for label, words in enumerate(topics):
        for i in range(12):
            texts.append(f"The {words[i % 9]} and the {words[(i + 2) % 9]} came up with the {words[(i + 5) % 9]}.")
            labels.append(label)
    vectors = np.random.default_rng(1).normal(size=(len(texts), 8)).astype(np.float32)
    keywords, plain = cluster_keywords(texts, np.asarray(labels), vectors, None, 42)
    top = [w for w, _ in keywords[0][:2]]
    assert plain[0][:2] == top, "without an embedder the label follows c-TF-IDF"
    rng = np.random.default_rng(0)
    toward = np.eye(8, dtype=np.float32)[0]

    def embedder(words):
        return np.stack([toward if w.count(" ") >= 3 else -toward if w in top
                         else toward + 0.3 * rng.normal(size=8).astype(np.float32) for w in words])

    again, chosen = cluster_keywords(texts, np.asarray(labels), vectors, embedder, 42)
    assert again == keywords, "the keywords themselves stay c-TF-IDF's"
    assert len(chosen[0]) == 10 and not set(top) & set(chosen[0]), chosen[0]


def test_compiled_clustering_code_is_cached_between_processes(tmp_path):
    """UMAP's kernels are compiled once and kept in NUMBA_CACHE_DIR, not rebuilt in each process."""
    import subprocess
    import sys

    code = ("import numpy as np; from workbench.engine.compiled import clustering_stack; clustering_stack(); "
            "from umap import UMAP; UMAP(n_neighbors=5, random_state=1, n_epochs=20)"
            ".fit(np.random.default_rng(0).random((60, 8), dtype=np.float32))")
    env = {**__import__("os").environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300, capture_output=True)
    kept = [p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*.nbi")]
    assert any(part.startswith("umap") for part in kept), sorted(set(kept))


def test_the_processor_is_named_with_the_instructions_that_choose_its_kernels():
    here = platform.machine()
    intel = "processor\t: 0\nmodel name\t: Some CPU 9000\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n\n" \
            "processor\t: 1\nmodel name\t: Some CPU 9000\nflags\t\t: fpu\n"
    assert _processor(intel) == f"Some CPU 9000 ({here}, avx2, avx512f, avx512_vnni)", "the first processor's"
    assert _processor("processor : 0\nFeatures : fp asimd sve\n") == f"{here} ({here}, asimd, sve)"
    assert _processor("") == f"{here} ({here})", "no /proc/cpuinfo (not Linux): the architecture alone"
