"""Naming's two parts of BERTopic, loaded without BERTopic's package import, agree with BERTopic's own."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import sparse

from workbench.engine.bertopic_parts import class_tfidf_transformer, mmr


@pytest.mark.parametrize("seed", range(12))
def test_mmr_picks_what_bertopics_own_function_picks(seed):
    from bertopic.representation._mmr import mmr as bertopic_mmr

    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 30))
    vectors = rng.normal(size=(count, 16))
    centre = rng.normal(size=(1, 16))
    words = [f"w{i}" for i in range(count)]
    for diversity in (0.0, 0.3, 0.8):
        for top_n in (1, 4, 10):
            assert mmr(centre, vectors, words, diversity, top_n) == \
                bertopic_mmr(centre, vectors, words, diversity=diversity, top_n=min(top_n, count))


def test_class_tfidf_is_bertopics_class_loaded_without_the_package():
    """Loaded in a fresh interpreter, BERTopic's package (and sentence-transformers with it) is never imported."""
    script = ("import sys, json; from workbench.engine.bertopic_parts import class_tfidf_transformer as c; "
              "k = c(); print(json.dumps([k.__name__, k.__module__, 'bertopic' in sys.modules, "
              "'sentence_transformers' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    name, module, package, st = json.loads(out.stdout.strip().splitlines()[-1])
    assert name == "ClassTfidfTransformer" and module == "workbench._bertopic_ctfidf"
    assert not package and not st


def test_class_tfidf_gives_bertopics_numbers():
    from bertopic.vectorizers import ClassTfidfTransformer

    rng = np.random.default_rng(3)
    counts = sparse.csr_matrix(rng.poisson(0.7, size=(6, 40)).astype(float))
    for reduce in (False, True):
        ours = class_tfidf_transformer()(reduce_frequent_words=reduce).fit_transform(counts.copy()).toarray()
        theirs = ClassTfidfTransformer(reduce_frequent_words=reduce).fit_transform(counts.copy()).toarray()
        assert np.array_equal(ours, theirs)
