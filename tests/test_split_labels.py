"""Naming clusters and proposing sub-groups: readable labels, stages reported, no wasted work.

Real model, real clustering, real c-TF-IDF, on interview talk full of contractions written
both with ' and with ’ (and, as transcription services often do, with none).
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from workbench.core.runs import candidate_id
from workbench.engine.discover import DiscoveryParams, Doc, discover, propose_split
from workbench.engine.embed import Encoder, load_model
from workbench.engine.naming import cluster_keywords, make_label
from workbench.study import Study

# Three kinds of answer inside one broad theme ("waiting for services"), as people say them.
GROUPS = {
    "camhs": [
        "We've been on the waiting list for CAMHS for {n} months and that's just for the assessment.",
        "It's the waiting list, isn't it, they said it's another {n} months on the waiting list for CAMHS.",
        "I don't know why the CAMHS waiting list is that long, we're still waiting for an assessment.",
        "They're saying the waiting list for the CAMHS assessment is {n} months now, I'm not surprised.",
        "She's been on the CAMHS waiting list since the referral, and I'd say it's got worse.",
    ],
    "school": [
        "The school's never rung me back, I'm ringing the school office every week and they don't answer.",
        "I'd emailed the head teacher {n} times and the school didn't reply, that's the school for you.",
        "We're told the head teacher's in meetings, the school office doesn't pass the message on.",
        "I'm at the school gate asking the head teacher, and they've not got back to me after {n} weeks.",
        "The school office said they'd ring back and they didn't, it's the school's way, isn't it.",
    ],
    "housing": [
        "The housing officer's letter says we're in temporary accommodation till March, that's {n} months.",
        "We've had {n} moves in temporary accommodation and the housing officer doesn't return calls.",
        "I've told the housing officer the temporary accommodation has damp, they're not doing anything.",
        "It's temporary accommodation, a bed and breakfast, and the housing officer says it's {n} more weeks.",
        "The housing officer's moved on and we're still in temporary accommodation, I'd given up.",
    ],
}
# Contraction forms, with or without an apostrophe, and their stumps: none of them says what a
# group is about.
CONTRACTED = {"thats", "that", "dont", "don", "didnt", "didn", "doesnt", "doesn", "isnt", "isn", "its", "it", "im",
              "ive", "id", "youre", "theyre", "theyve", "weve", "were", "shes", "s", "t", "m", "d", "ll", "ve", "re"}


def talk(style: int) -> list[tuple[str, str, str]]:
    """(id, group, text): each group's sentences, with ’ in every other answer and none in every third."""
    rows = []
    for name, sentences in GROUPS.items():
        for i in range(15):
            text = sentences[i % 5].format(n=i + 2)
            if (i + style) % 2:
                text = text.replace("'", "\u2019")
            if (i + style) % 3 == 0:
                text = text.replace("'", "").replace("\u2019", "")  # transcribed without apostrophes
            rows.append((f"{name}{i:02d}", name, text))
    return rows


def words_of(keywords: list[tuple[str, float]]) -> set[str]:
    return {w for k, _ in keywords for w in k.split()}


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder(load_model())


@pytest.fixture(scope="module")
def answers(encoder):
    rows = talk(0)
    return rows, encoder.encode([t for _, _, t in rows])


def assert_readable(keywords: list[tuple[str, float]], label: str) -> None:
    found = words_of(keywords)
    assert not found & CONTRACTED, f"contractions among the keywords: {found & CONTRACTED} in {keywords}"
    if " / " in label or " " not in label:  # a keyword label
        assert not re.search(r"['\u2019]", label), label
        assert not set(re.split(r" / | ", label)) & CONTRACTED, label
        return
    # A phrase label: words as said, so "that" or "isn't" may stand inside, but never a
    # contraction's stump, one written without its apostrophe where others wrote it, or one at an end.
    words = label.split()
    assert words[0] not in CONTRACTED and words[-1] not in CONTRACTED, label
    assert not set(words) & (CONTRACTED - {"that", "it", "its", "were"}), label


def test_naming_drops_contractions_written_either_way(answers):
    """The naming step alone, on groups as given: no "thats / dont", both apostrophes handled."""
    rows, vectors = answers
    labels = np.asarray([list(GROUPS).index(g) for _, g, _ in rows])
    keywords, plain = cluster_keywords([t for _, _, t in rows], labels, vectors, None, 0)
    for c in range(3):
        assert_readable(keywords[c], make_label(plain[c], keywords[c]))


def test_possessives_count_as_their_word(answers):
    """"the school's office" and "the school office" are one word, "school", not "school" and "schools"."""
    rows, vectors = answers
    labels = np.asarray([list(GROUPS).index(g) for _, g, _ in rows])
    keywords, _ = cluster_keywords([t for _, _, t in rows], labels, vectors, None, 0)
    school = words_of(keywords[1])
    assert "school" in school and "schools" not in school and "school's" not in school, keywords[1]


def test_proposed_parts_are_named_by_their_own_phrases(answers):
    """Each proposed part is named by what sets it apart, as phrases where the words go together."""
    rows, vectors = answers
    docs = [Doc(i, t) for i, _, t in rows]
    parts = propose_split(docs, vectors, 3)
    group = {i: g for i, g, _ in rows}
    named = {}
    for part in parts:
        [which] = {group[m] for m in part.members}  # the three groups are found as they are
        assert_readable(part.keywords, part.label)
        named[which] = part.label
    assert "waiting list" in named["camhs"], named
    assert "temporary accommodation" in named["housing"] or "housing officer" in named["housing"], named
    assert "head teacher" in named["school"] or "school office" in named["school"], named
    # A group's own words name it: not the words it shares with the others.
    for which, label in named.items():
        others = {w for o, text in named.items() if o != which for w in re.split(r" / | ", text)}
        assert set(re.split(r" / | ", label)) - others, named


def test_discovery_names_candidates_with_the_same_rules(answers, encoder):
    """Candidate labels in discovery come from the same naming: no contractions there either."""
    rows, vectors = answers
    docs = [Doc(i, t, f"P{n % 7}", f"S{n % 3}") for n, (i, _, t) in enumerate(rows)]
    found = discover(docs, vectors, DiscoveryParams(min_size=5, runs=3), word_embedder=encoder.encode)
    assert len(found.candidates) >= 2
    for c in found.candidates:
        assert_readable(c.keywords, c.label)


def test_a_phrase_names_a_part_only_where_c_tf_idf_supports_it():
    keywords = [("waiting", 0.9), ("list", 0.8), ("assessment", 0.7), ("waiting list", 0.6), ("camhs", 0.5),
                ("months", 0.4), ("long assessment", 0.1)]
    assert make_label([], keywords) == "waiting list / assessment / camhs / months"
    forms = [("audit", 0.9), ("audits", 0.8), ("family", 0.7), ("families", 0.6), ("romania", 0.5),
             ("romanian", 0.4), ("agency", 0.3), ("age", 0.2)]
    assert make_label([], forms, size=5) == "audit / family / romania / agency / age", "one form of a word"
    assert make_label([], []) == "(no distinctive words)"


def test_the_tree_is_built_once_and_cut_as_scikit_learn_cuts_it(answers):
    """Proposals try 2 to 6 parts from one Ward tree: the parts are those of a Ward fit per count."""
    from sklearn.cluster import AgglomerativeClustering

    from workbench.engine.consensus import renumber
    from workbench.engine.split_proposal import ward_cuts

    _, vectors = answers
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cuts = ward_cuts(unit, range(2, 7))
    for k, labels in zip(range(2, 7), cuts, strict=True):
        alone = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(unit)
        assert renumber(labels).tolist() == renumber(alone).tolist(), k


def study_of(folder: Path, rows: list[tuple[str, str, str]]) -> Study:
    table = folder / "answers.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "participant"])
        writer.writerows((i, t, f"P{n % 7}") for n, (i, _, t) in enumerate(rows))
    study = Study.init(folder / "study", by="setup")
    study.ingest([table])
    return study


def test_proposing_reports_its_stages_in_order(tmp_path):
    study = study_of(tmp_path, talk(1))
    theme = study.create_theme("Waiting", [r.id for r in study.rows()], by="setup").payload["theme"]
    calls: list[tuple[int, int, str]] = []
    parts = study.propose_split(theme, progress=lambda done, total, what: calls.append((done, total, what)))
    assert len(parts) >= 2
    stages = [w for _, _, w in calls]
    assert stages[0] == "looking up stored embeddings"
    assert any(w.startswith("embedding ") for w in stages), "nothing was embedded yet: the study says so"
    grouping = [w for w in stages if w.startswith("grouping")]
    assert grouping[0] == "grouping: building the tree (Ward)"
    assert grouping[1:] == [f"grouping: trying {k} parts" for k in range(2, 7)]
    assert stages.index(grouping[-1]) < stages.index("naming the parts (c-TF-IDF)") < len(stages) - 1
    assert calls[-1] == (calls[-1][1], calls[-1][1], "done")
    fractions = [d / t for d, t, _ in calls]
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)
    again: list[str] = []
    assert study.propose_split(theme, progress=lambda d, t, w: again.append(w)) == parts
    assert not any(w.startswith("embedding ") for w in again), "stored vectors are not embedded again"
    study.close()


def test_a_candidate_is_split_on_the_vectors_its_run_stored(tmp_path):
    """A quick-look (int8) run's candidate is split on its run's vectors, not embedded again at full precision."""
    study = study_of(tmp_path, talk(2))
    study.discover(DiscoveryParams(min_size=5, runs=3), by="setup", backend="onnx-int8")
    run, found = study.candidates()
    biggest = max(found, key=lambda c: c.size)
    steps: list[str] = []
    parts = study.propose_split(candidate_id(run.id or 0, biggest.number), 2, progress=lambda d, t, w: steps.append(w))
    assert sum(len(p.members) for p in parts) == biggest.size
    assert not any(w.startswith("embedding ") for w in steps), steps
    full = Encoder(load_model())  # the default, full-precision backend: nothing stored under it
    hashes = [hashlib.sha256(r.text.encode("utf-8")).hexdigest() for r in study.rows()]
    assert not study.store.cached_vectors(full.key, hashes)
    study.close()


def test_parts_that_say_the_same_are_not_proposed_under_one_name(encoder):
    """A split needs a name per part: parts that say the same are named by different phrases
    they said, or, where no phrase qualifies, by the same keywords, then a number."""
    texts = [f"The referral sat for weeks and nobody rang us back about it, in case {i}." for i in range(12)]
    parts = propose_split([Doc(f"r{i}", t) for i, t in enumerate(texts)], encoder.encode(texts), 2)
    labels = [p.label for p in parts]
    assert len(set(labels)) == 2 and all(label in texts[0].lower() for label in labels), labels
    texts = [f"Referral, in case {i}." for i in range(12)]  # no two words said together: no phrase
    parts = propose_split([Doc(f"r{i}", t) for i, t in enumerate(texts)], encoder.encode(texts), 2)
    labels = [p.label for p in parts]
    assert len(set(labels)) == 2 and "referral" in labels[0], labels
    assert labels[1] == f"{labels[0]} (part 2)", labels
