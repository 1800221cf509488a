"""Phrase labels: short phrases the members said, one per cluster, with the real embedding model.

Three small clusters of interview answers, each with a phrase its people keep saying and
talk around it (fillers, contractions, pseudonyms in brackets); and a cluster where nothing
is said twice, which keeps its keyword label.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from workbench.engine.embed import Encoder, load_model
from workbench.engine.keyword_text import FILLERS
from workbench.engine.naming import cluster_keywords, make_label
from workbench.engine.phrases import PhraseLabel, phrase_labels, phrases_of

CLUSTERS = {
    "early help": [
        "We were waiting for early help for months before anyone came.",
        "The family was waiting for early help and, you know, nothing happened.",
        "Honestly we're still waiting for early help, the referral went in ages ago.",
        "Early help said there's a waiting list for the family support worker.",
        "Families on the waiting list for early help get a phone call and that's it.",
        "By the time the early help worker came the crisis had passed.",
        "The early help worker did a home visit after six weeks.",
        "Waiting for early help is the hardest part for parents.",
        "We stepped the case down to early help but the waiting list is long.",
        "The waiting list for early help is twelve weeks now, I mean it's awful.",
    ],
    "interpreters": [
        "We book interpreters at home visits but they often cancel.",
        "Having interpreters at home visits makes a huge difference for the mum.",
        "Sometimes the child ends up interpreting for the parents, which is wrong.",
        "The interpreter didn't turn up so the home visit was rearranged.",
        "Telephone interpreters at home visits are hard to hear, yeah.",
        "We used a family member as interpreter, which we shouldn't do.",
        "[Person 2] speaks Romanian and we had no Romanian interpreter.",
        "Booking an interpreter for a home visit takes days.",
        "The interpreter at the home visit explained the plan in Urdu.",
        "Without interpreters at home visits families don't understand the concerns.",
    ],
    "schools": [
        "Sharing information with schools is easier since the hub opened.",
        "The school's designated safeguarding lead rings us for advice.",
        "We started sharing information with schools through a secure email.",
        "Schools don't always hear back, so sharing information with schools matters.",
        "The DSL told us the school had concerns about attendance.",
        "Consent for sharing information with schools is explained to parents.",
        "Schools send referrals by email and we share the outcome with the school.",
        "Information sharing with schools happens at the weekly meeting.",
        "A teacher noticed the bruises and the school made a referral.",
        "Sharing information with schools about incidents is quick now.",
    ],
}
# Nothing said twice: no phrase qualifies, and the keyword label stays.
SCATTERED = ["Rain again today.", "Lovely garden outside.", "Parking was awful.", "Coffee tastes burnt.",
             "Trains keep running late.", "Printer jammed twice.", "Lunch arrived cold.", "Keys went missing."]
STOP = ENGLISH_STOP_WORDS | FILLERS


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder(load_model())


def corpus(with_scattered: bool = False) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    for number, sentences in enumerate(CLUSTERS.values()):
        texts += sentences
        labels += [number] * len(sentences)
    if with_scattered:
        texts += SCATTERED
        labels += [len(CLUSTERS)] * len(SCATTERED)
    return texts, np.asarray(labels)


def name(texts: list[str], labels: np.ndarray, encoder: Encoder | None) -> tuple[dict[int, PhraseLabel],
                                                                                 dict[int, list[tuple[str, float]]]]:
    vectors = encoder.encode(texts) if encoder else np.zeros((len(texts), 4))
    keywords, _ = cluster_keywords(texts, labels, vectors, None, 0)
    count = int(labels.max()) + 1
    centroids = np.stack([vectors[labels == c].mean(axis=0) for c in range(count)])
    centroids /= np.clip(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12, None)
    return phrase_labels(texts, labels, centroids, keywords, encoder.encode if encoder else None), keywords


def said_by(phrase: str, texts: list[str]) -> int:
    """How many texts say ``phrase`` word for word (case, apostrophes and punctuation aside)."""
    def plain(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'")))
    return sum(f" {phrase} " in f" {plain(t)} " for t in texts)


def assert_phrase_labels(named: dict[int, PhraseLabel], texts: list[str], labels: np.ndarray) -> None:
    for cluster, label in named.items():
        if not label.is_phrase:
            continue
        words = label.text.split()
        assert 2 <= len(words) <= 6, label
        assert words[0] not in STOP and words[-1] not in STOP, f"starts or ends with a stop word or filler: {label}"
        assert not words[-1].endswith("'s"), label
        members = [t for t, c in zip(texts, labels.tolist(), strict=True) if c == cluster]
        assert said_by(label.text, members) >= 2, f"{label.text!r} is not said in two members"
    phrases = [label.text for label in named.values()]
    assert len(set(phrases)) == len(phrases), phrases


def test_each_cluster_is_named_by_a_phrase_its_members_said(encoder):
    texts, labels = corpus()
    named, _ = name(texts, labels, encoder)
    assert sorted(named) == [0, 1, 2] and all(label.is_phrase for label in named.values()), named
    assert_phrase_labels(named, texts, labels)
    assert "early help" in named[0].text, named
    assert "interpret" in named[1].text, named
    assert "school" in named[2].text, named
    assert len({len(label.text.split()) for label in named.values()} - {2}) >= 1, "not only two-word phrases"


def test_a_cluster_with_nothing_said_twice_keeps_its_keyword_label(encoder):
    texts, labels = corpus(with_scattered=True)
    named, keywords = name(texts, labels, encoder)
    assert not named[3].is_phrase and named[3].text == make_label([], keywords[3]), named[3]
    assert " / " in named[3].text
    assert all(named[c].is_phrase for c in range(3)), named
    assert_phrase_labels(named, texts, labels)
    given = phrase_labels(texts, labels, np.eye(4, 384), keywords, None, fallbacks={3: "weather / parking"})
    assert given[3] == PhraseLabel("weather / parking", False)


def test_without_an_embedder_labels_are_still_phrases(encoder):
    texts, labels = corpus(with_scattered=True)
    named, _ = name(texts, labels, None)
    assert [named[c].is_phrase for c in range(4)] == [True, True, True, False], named
    assert_phrase_labels(named, texts, labels)
    assert "early help" in named[0].text and "interpret" in named[1].text and "school" in named[2].text, named


def test_labels_are_the_same_every_time_and_in_any_order(encoder):
    texts, labels = corpus(with_scattered=True)
    first, _ = name(texts, labels, encoder)
    assert name(texts, labels, encoder)[0] == first
    order = np.random.default_rng(3).permutation(len(texts))
    shuffled, _ = name([texts[i] for i in order], labels[order], encoder)
    assert shuffled == first


def test_phrases_start_and_end_with_content_words_and_stop_at_fillers():
    said = phrases_of("Yeah, we've been waiting for early help, you know, for six months and the school's "
                      "office isnt great. The the school office said [Child 1] family and families um waiting.")
    texts = set(said.values())
    assert {"waiting for early help", "early help", "school's office", "office isnt great"} <= texts, texts
    assert "school office" not in texts, "one phrase however it is written: it is said first as school's office"
    assert all(t.split()[0] not in STOP and t.split()[-1] not in STOP for t in texts), texts
    assert not any(t.endswith("'s") for t in texts), texts
    assert not any("know" in t or "child" in t or "um" in t.split() for t in texts), texts
    assert "family and families" not in texts, "one word twice is no phrase"
    assert not any(len(t.split()) > 6 for t in texts)
    numbers = set(phrases_of("We met on 12 05 2023 dates, then the section 47 enquiry.").values())
    assert "section 47 enquiry" in numbers and not any("2023" in t for t in numbers), numbers


def test_a_phrase_said_always_inside_a_longer_one_gives_way_to_it(encoder):
    texts = ["The family support worker came on Monday."] * 3 + ["Our family support worker left."] * 2
    texts += ["The school nurse rang.", "A school nurse visited.", "School nurse was off sick."]
    labels = np.asarray([0] * 5 + [1] * 3)
    named, _ = name(texts, labels, None)
    assert named[0].text == "family support worker", named
    assert named[1].text == "school nurse", named
