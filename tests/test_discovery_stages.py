"""Discovery's stages as modules: the layout workers stand apart from the pipeline, and the clusterer is one class."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from workbench.engine.clustering import CLUSTERERS, HdbscanClusterer, KMeansClusterer
from workbench.engine.discover import DiscoveryParams, Doc, discover
from workbench.engine.discovery_settings import LayoutSettings
from workbench.errors import WorkbenchError

ROOT = Path(__file__).resolve().parent.parent

TOPICS = ["The referral waited for weeks and nobody rang back about the referral",
          "Police and school shared information at the weekly hub meeting",
          "Parents found the threshold document confusing and the forms long"]


@pytest.fixture(scope="module")
def three_groups() -> tuple[list[Doc], np.ndarray]:
    """45 segments in three clearly separated groups of vectors, each group saying its own words."""
    rng = np.random.default_rng(5)
    vectors = (np.repeat(np.eye(3, 32), 15, axis=0) + rng.normal(0, 0.05, (45, 32))).astype(np.float32)
    docs = [Doc(f"s{i:02d}", f"{TOPICS[i // 15]} ({i}).", f"P{i % 7}", f"site{i % 3}") for i in range(45)]
    return docs, vectors


@pytest.mark.parametrize("module", ["workbench.engine.layouts", "workbench.engine.layout_worker",
                                    "workbench.engine.layout_processes"])
def test_the_layout_stages_do_not_import_the_pipeline(module):
    """The worker imports the layouts stage, and the layouts stage knows nothing of ``discover``: no import circle.

    Importing them loads no numerical library either: a worker sets up numba's cache first.
    """
    code = f"import sys, json; import {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                            cwd=ROOT)
    loaded = set(json.loads(result.stdout))
    assert module in loaded and "workbench.engine.discover" not in loaded, sorted(m for m in loaded if "workbench" in m)
    assert not loaded & {"numpy", "umap", "hdbscan", "numba", "sklearn", "torch"}


def test_layout_settings_go_to_the_workers_as_named_fields():
    settings = LayoutSettings(components=5, clusterer=HdbscanClusterer(min_size=16, min_samples=4))
    written = json.loads(settings.to_json())
    assert written == {"components": 5, "clusterer": {"kind": "hdbscan", "min_size": 16, "min_samples": 4},
                       "finer": None}
    assert LayoutSettings.from_json(settings.to_json()) == settings
    finer = LayoutSettings(5, HdbscanClusterer(16, 4), finer=HdbscanClusterer(8, 3))
    assert json.loads(finer.to_json())["finer"] == {"kind": "hdbscan", "min_size": 8, "min_samples": 3}
    assert LayoutSettings.from_json(finer.to_json()) == finer
    other = LayoutSettings(components=3, clusterer=KMeansClusterer(clusters=4, seed=1))
    assert LayoutSettings.from_json(other.to_json()) == other
    assert set(CLUSTERERS) >= {"hdbscan", "kmeans"}
    with pytest.raises(WorkbenchError, match="unknown clusterer 'spectral'"):
        LayoutSettings.from_json(json.dumps({"components": 5, "clusterer": {"kind": "spectral"}}))


def test_a_runs_layouts_are_clustered_by_hdbscan_with_the_runs_sizes_by_default():
    params = DiscoveryParams()
    # ...and again at the sub-candidates' grain, half the minimum size (sub_candidates).
    assert params.layout_settings(1024) == LayoutSettings(5, HdbscanClusterer(min_size=16, min_samples=4),
                                                          finer=HdbscanClusterer(min_size=8, min_samples=3))
    chosen = KMeansClusterer(clusters=3)
    assert DiscoveryParams(n_components=3).layout_settings(1024, chosen) == LayoutSettings(3, chosen)


def test_the_default_clusterer_is_hdbscan_as_before(three_groups):
    docs, vectors = three_groups
    params = DiscoveryParams(min_size=5, runs=3)
    default = discover(docs, vectors, params, workers=1)
    explicit = discover(docs, vectors, params, workers=1,
                        clusterer=HdbscanClusterer(min_size=5, min_samples=params.cluster_min_samples(5)))
    assert default.assignment == explicit.assignment and len(default.candidates) == 3
    assert [(c.label, c.keywords, c.stability) for c in default.candidates] == \
        [(c.label, c.keywords, c.stability) for c in explicit.candidates]


def test_k_means_can_stand_in_for_hdbscan(three_groups):
    docs, vectors = three_groups
    params = DiscoveryParams(min_size=5, runs=3)
    steps: list[str] = []
    found = discover(docs, vectors, params, workers=1, clusterer=KMeansClusterer(clusters=3),
                     progress=lambda i, total, what: steps.append(what))
    assert len(found.candidates) == 3 and found.coverage == 1.0
    groups = [{found.assignment[d.id][0] for d in docs[g * 15:(g + 1) * 15]} for g in range(3)]
    assert all(len(g) == 1 for g in groups) and len(set().union(*groups)) == 3, groups
    assert all(c.stability == 1.0 and c.label for c in found.candidates)
    assert any("then k-means" in s for s in steps)
    apart = discover(docs, vectors, params, workers=2, clusterer=KMeansClusterer(clusters=3))
    assert apart.assignment == found.assignment, "the clusterer reaches the worker processes as it is"


def test_kept_layouts_give_the_same_candidates_and_only_missing_ones_are_drawn(three_groups):
    """A re-run reads every layout an earlier run drew on the same vectors; seeds and vectors change the keys."""
    from workbench.engine.layout_cache import MemoryLayouts, from_bytes, to_bytes

    docs, vectors = three_groups
    params = DiscoveryParams(min_size=5, runs=3, seed=11)
    plain = discover(docs, vectors, params)
    kept = MemoryLayouts(salt="this machine")
    first = discover(docs, vectors, params, kept=kept)
    assert first.layouts_kept == 0 and len(kept.kept) == 3
    again = discover(docs, vectors, params, kept=kept)
    assert again.layouts_kept == 3 and len(kept.kept) == 3
    for found in (first, again):
        assert found.assignment == plain.assignment and found.nearest == plain.nearest
        assert [(c.label, c.stability, c.size) for c in found.candidates] == \
            [(c.label, c.stability, c.size) for c in plain.candidates]
    more = discover(docs, vectors, DiscoveryParams(min_size=5, runs=5, seed=11), kept=kept)
    assert more.layouts_kept == 3 and len(kept.kept) == 5, "more layouts add to fewer: the first seeds are the same"
    assert discover(docs, vectors, DiscoveryParams(min_size=5, runs=3, seed=12), kept=kept).layouts_kept == 0
    nudged = vectors.copy()
    nudged[0, 0] += 1e-3
    assert discover(docs, nudged, params, kept=kept).layouts_kept == 0, "other vectors: nothing is read"
    elsewhere = MemoryLayouts(salt="another processor")
    elsewhere.kept = dict(kept.kept)
    assert discover(docs, vectors, params, kept=elsewhere).layouts_kept == 0, "another machine's layouts are its own"
    labels = np.array([[0, 1, -1, 2], [3, -1, 0, 0]])
    assert np.array_equal(from_bytes(to_bytes(labels)), labels)
    with pytest.raises(ValueError):  # never unpickled, whoever wrote the bytes
        import pickle
        import zlib

        from_bytes(zlib.compress(pickle.dumps(labels)))
