"""Split long turns at sentence boundaries so no segment exceeds the model's input limit.

A sentence-transformers model silently truncates what it cannot read; a segment longer
than the limit would be themed on its first part only. Splitting here, before anything is
stored, keeps every word of every segment visible to the model, and keeps offsets exact.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from itertools import pairwise

__all__ = ["CountTokens", "sentence_spans", "split_spans"]

CountTokens = Callable[[Sequence[str]], list[int]]

# A sentence ends at . ! ? or an ellipsis (optionally closed by quotes or brackets) when
# whitespace and a capital, digit, quote or bracket follow. "um... and then" stays whole.
_BOUNDARY = re.compile(r"""[.!?\u2026]+["'\u2019\u201d)\]]*(?=\s+["'\u2018\u201c(\[]?[A-Z0-9])""")
_WORD = re.compile(r"\S+")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[0] < s[1]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _char_chunks(text: str, start: int, end: int, count: CountTokens, limit: int) -> list[tuple[int, int]]:
    """Halve a 'word' (a URL, a run of symbols) until each piece fits: the very last resort."""
    if end - start <= 1 or count([text[start:end]])[0] <= limit:
        return [(start, end)]
    middle = (start + end) // 2
    return _char_chunks(text, start, middle, count, limit) + _char_chunks(text, middle, end, count, limit)


def _word_chunks(text: str, start: int, end: int, count: CountTokens, limit: int) -> list[tuple[int, int]]:
    """Cut a single over-long sentence at word boundaries (a last resort)."""
    words: list[tuple[int, int]] = []
    for m in _WORD.finditer(text, start, end):
        words.extend(_char_chunks(text, m.start(), m.end(), count, limit))
    sizes = count([text[a:b] for a, b in words])
    chunks: list[tuple[int, int]] = []
    chunk_start, used, prev_end = None, 0, start
    for (a, b), size in zip(words, sizes, strict=True):
        if chunk_start is not None and used + size > limit:
            chunks.append((chunk_start, prev_end))
            chunk_start, used = None, 0
        if chunk_start is None:
            chunk_start = a
        used += size
        prev_end = b
    if chunk_start is not None:
        chunks.append((chunk_start, prev_end))
    return chunks


def _pack(sizes: list[int], cap: int) -> list[int]:
    """Greedy packing; returns the index where each group starts."""
    starts, used = [0], 0
    for i, size in enumerate(sizes):
        if used and used + size > cap:
            starts.append(i)
            used = 0
        used += size
    return starts


def split_spans(text: str, count: CountTokens, limit: int) -> list[tuple[int, int]]:
    """Spans of text that each hold at most ``limit`` word pieces, cut between sentences.

    Uses the fewest segments possible and balances their lengths, so a long answer does
    not leave a stub of a few words as a segment of its own. A sentence longer than the
    limit on its own is cut between words.
    """
    whole = _trim(text, 0, len(text))
    if whole[0] >= whole[1]:
        return []
    if count([text[whole[0]:whole[1]]])[0] <= limit:
        return [whole]
    pieces: list[tuple[int, int]] = []
    sentences = sentence_spans(text, *whole)
    for (a, b), size in zip(sentences, count([text[a:b] for a, b in sentences]), strict=True):
        pieces.extend([(a, b)] if size <= limit else _word_chunks(text, a, b, count, limit))
    sizes = count([text[a:b] for a, b in pieces])
    groups = len(_pack(sizes, limit))
    low, high = max(max(sizes), math.ceil(sum(sizes) / groups)), limit
    while low < high:  # the smallest cap that still needs no more groups: balanced lengths
        mid = (low + high) // 2
        if len(_pack(sizes, mid)) <= groups:
            high = mid
        else:
            low = mid + 1
    starts = [*_pack(sizes, low), len(pieces)]
    spans = [(pieces[s][0], pieces[e - 1][1]) for s, e in pairwise(starts)]
    # Word pieces are additive across whitespace for BERT tokenizers; check anyway, so a
    # tokenizer that is not never yields an over-long segment.
    checked: list[tuple[int, int]] = []
    for (a, b), size in zip(spans, count([text[a:b] for a, b in spans]), strict=True):
        checked.extend([(a, b)] if size <= limit else _word_chunks(text, a, b, count, limit))
    return checked
