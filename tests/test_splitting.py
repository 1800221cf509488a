"""Long turns are cut between sentences, within the model's limit, without losing a character."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.splitting import BLOCK_CHARS, bounded_blocks, sentence_spans, split_spans


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


# Long turns: a whole file may be one turn, and only a bounded block is ever tokenised.

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .!?\n\u2026\"A1"), max_size=400), st.integers(min_value=1, max_value=60))
def test_blocks_are_bounded_in_order_and_lose_nothing_but_whitespace(text, size):
    blocks = bounded_blocks(text, size=size)
    assert all(0 <= a < b <= len(text) and b - a <= size for a, b in blocks)
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(blocks))
    edges = [(0, 0), *blocks, (len(text), len(text))]
    gaps = [text[b1:a2] for (_, b1), (a2, _) in pairwise(edges)]
    assert not "".join(gaps).strip()  # only whitespace falls outside the blocks
    assert "".join(gap + text[a:b] for gap, (a, b) in zip(gaps, edges[1:], strict=True)) == text


def test_blocks_cut_between_sentences_where_they_can():
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    blocks = bounded_blocks(text, size=300)
    assert len(blocks) > 1
    assert all(text[a:b].endswith(".") and text[a].isupper() for a, b in blocks)


def test_short_text_is_one_block_as_before():
    assert bounded_blocks("  Just one short answer.  ") == [(2, 24)]


def _recording(seen: list[int]):
    def count(texts):
        seen.extend(len(t) for t in texts)
        return words(texts)
    return count


@pytest.mark.parametrize("unit", ["Sentence with six words here. ", "word ", "x"])
def test_a_turn_many_blocks_long_never_reaches_the_tokenizer_whole(unit):
    text = unit * (3 * BLOCK_CHARS // len(unit))  # prose; words without a full stop; one endless word
    seen: list[int] = []
    spans = split_spans(text, _recording(seen), 50)
    assert max(seen) <= BLOCK_CHARS
    assert all(0 <= a < b <= len(text) and b - a <= BLOCK_CHARS for a, b in spans)
    assert all(b1 <= a2 and not text[b1:a2].strip() for (_, b1), (a2, _) in pairwise(spans))
    assert all(n <= 50 for n in words([text[a:b] for a, b in spans]))
    assert "".join(text[a:b] for a, b in spans) == text.replace(" ", "") if unit == "x" else \
        " ".join(text[a:b] for a, b in spans).split() == text.split()


def test_a_long_turn_splits_between_sentences_and_in_few_segments(counter):
    text = " ".join(f"This is sentence {i} of a very long answer that goes on." for i in range(4000))
    spans = split_spans(text, counter, counter.limit)
    sizes = counter([text[a:b] for a, b in spans])
    assert max(sizes) <= counter.limit
    assert all(text[a:b].endswith(".") for a, b in spans)
    assert len(spans) <= 1.1 * sum(sizes) / counter.limit + len(bounded_blocks(text))


def test_a_run_of_punctuation_is_scanned_in_linear_time():
    # The old boundary pattern backtracked through every dot from every dot: 20,000 took 24 s.
    started = time.perf_counter()
    assert sentence_spans("." * 20_000 + " and") == [(0, 20_004)]
    assert sentence_spans("Yes" + "!" * 20_000 + " Then") == [(0, 20_003), (20_004, 20_008)]
    assert time.perf_counter() - started < 2
