"""Long turns are cut between sentences, within the model's limit, without losing a character."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.splitting import sentence_spans, split_spans


def words(texts):
    return [len(t.split()) for t in texts]


def test_short_text_is_one_span():
    assert split_spans("  Just one short answer.  ", words, 10) == [(2, 24)]


def test_sentence_boundaries_need_a_capital_after():
    text = "We rang them... and nothing. Then [Sarah] called back! Is that right? yes it is."
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["We rang them... and nothing.", "Then [Sarah] called back!", "Is that right? yes it is."]


def test_long_text_splits_between_sentences_and_balances():
    text = " ".join(f"Sentence {i} has five words." for i in range(20))  # 100 words
    spans = split_spans(text, words, 30)
    sizes = words([text[a:b] for a, b in spans])
    assert len(spans) == 4 and max(sizes) <= 30 and min(sizes) >= 20
    assert all(text[a:b].endswith(".") for a, b in spans)


def test_one_sentence_over_the_limit_is_cut_between_words():
    text = "and " * 50 + "then it stopped."
    spans = split_spans(text, words, 20)
    assert all(n <= 20 for n in words([text[a:b] for a, b in spans]))
    assert " ".join(text[a:b] for a, b in spans).split() == text.split()


def test_real_tokenizer_limit(counter):
    text = " ".join(["The strategy discussion was convened within the hour, um, which honestly surprised me."] * 40)
    spans = split_spans(text, counter, counter.limit)
    assert len(spans) > 1
    assert max(counter([text[a:b] for a, b in spans])) <= counter.limit == 254


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40), max_size=30),
       st.integers(min_value=1, max_value=12))
def test_spans_cover_every_word_in_order_within_limit(parts, limit):
    text = ". ".join(parts)
    spans = split_spans(text, words, limit)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(spans))
    assert " ".join(text[a:b] for a, b in spans).split() == text.split()
    assert all(n <= limit for n in words([text[a:b] for a, b in spans]))


def test_a_single_word_longer_than_the_limit_is_cut(counter):
    text = "x" * 3000 + " and then it ended."
    spans = split_spans(text, counter, counter.limit)
    assert max(counter([text[a:b] for a, b in spans])) <= counter.limit
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")
