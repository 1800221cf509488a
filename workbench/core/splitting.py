"""Split long turns at sentence boundaries so no segment exceeds the model's input limit.

A sentence-transformers model silently truncates what it cannot read; a segment longer
than the limit would be themed on its first part only. Splitting here, before anything is
stored, keeps every word of every segment visible to the model, and keeps offsets exact.

A turn may be a whole 49 MB file (one row of a table, a transcript with no labels): the
tokenizer keeps several hundred bytes per word piece, so a long turn is first cut into
blocks of at most ``BLOCK_CHARS`` characters (between sentences where it can), and only a
block is ever tokenised at once. Memory then stays bounded whatever the turn's length.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from itertools import pairwise

__all__ = ["BLOCK_CHARS", "CountTokens", "bounded_blocks", "sentence_spans", "split_spans"]

CountTokens = Callable[[Sequence[str]], list[int]]

# A sentence ends at . ! ? or an ellipsis (optionally closed by quotes or brackets) when
# whitespace and a capital, digit, quote or bracket follow. "um... and then" stays whole.
# A match starts only where a run of punctuation starts and never backtracks into it, so a
# run of a million dots costs a million steps, not a million squared.
_BOUNDARY = re.compile(r"""(?<![.!?\u2026])[.!?\u2026]++["'\u2019\u201d)\]]*+(?=\s++["'\u2018\u201c(\[]?[A-Z0-9])""")
_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s+")

# The most characters tokenised at once: about 10,000 word pieces, a few megabytes of the
# tokenizer's memory. Far above any turn people speak, so ordinary turns are split whole.
BLOCK_CHARS = 50_000


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


def bounded_blocks(text: str, start: int = 0, end: int | None = None,
                   size: int | None = None) -> list[tuple[int, int]]:
    """Cut text[start:end] into whitespace-trimmed spans of at most ``size`` characters.

    Each cut falls at the last sentence end in the second half of the block, else at its
    last whitespace, else (a run with no space at all) at ``size`` itself. Text of at most
    ``size`` characters (``BLOCK_CHARS`` unless given) is one block. Every step scans one
    block, so this is linear.
    """
    size = BLOCK_CHARS if size is None else size
    end = len(text) if end is None else end
    blocks: list[tuple[int, int]] = []
    cursor, end = _trim(text, start, end)
    while end - cursor > size:
        reach, half = cursor + size, cursor + size // 2
        cut = None
        for match in _BOUNDARY.finditer(text, half, reach):
            cut = match.end()
        if cut is None:
            for match in _SPACE.finditer(text, half, reach):
                cut = match.start()
        if cut is None or cut <= cursor:
            cut = reach
        blocks.append(_trim(text, cursor, cut))
        cursor, end = _trim(text, cut, end)
    if cursor < end:
        blocks.append((cursor, end))
    return [b for b in blocks if b[0] < b[1]]


def _char_chunks(text: str, start: int, end: int, count: CountTokens, limit: int) -> list[tuple[int, int]]:
    """Halve a 'word' (a URL, a run of symbols) until each piece fits: the very last resort."""
    if end - start <= 1 or count([text[start:end]])[0] <= limit:
        return [(start, end)]
    middle = (start + end) // 2
    return _char_chunks(text, start, middle, count, limit) + _char_chunks(text, middle, end, count, limit)


def _within(text: str, spans: Sequence[tuple[int, int]], sizes: Sequence[int], count: CountTokens, limit: int,
            cut: Callable[[str, int, int, CountTokens, int], list[tuple[int, int]]]
            ) -> tuple[list[tuple[int, int]], list[int]]:
    """``spans`` with their token counts, each over ``limit`` cut by ``cut`` into pieces within it.

    A span's count is known and kept: tokenising costs more than anything else here, so
    only the pieces of a span that was cut are counted again.
    """
    pieces: list[tuple[int, int]] = []
    counted: list[int] = []
    for (a, b), size in zip(spans, sizes, strict=True):
        if size <= limit:
            pieces.append((a, b))
            counted.append(size)
        else:
            chunks = cut(text, a, b, count, limit)
            pieces.extend(chunks)
            counted.extend(count([text[x:y] for x, y in chunks]))
    return pieces, counted


def _word_chunks(text: str, start: int, end: int, count: CountTokens, limit: int) -> list[tuple[int, int]]:
    """Cut a single over-long sentence at word boundaries (a last resort).

    Words are counted in one batch, each distinct word once (a word's count does not
    depend on its neighbours: the tokenizer splits at whitespace first); only a word over
    the limit on its own is halved.
    """
    found = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    distinct = list(dict.fromkeys(text[a:b] for a, b in found))
    size_of = dict(zip(distinct, count(distinct), strict=True))
    words, sizes = _within(text, found, [size_of[text[a:b]] for a, b in found], count, limit, _char_chunks)
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
    limit on its own is cut between words. A text longer than ``BLOCK_CHARS`` is split
    block by block (``bounded_blocks``), so the tokenizer never sees more than one block.
    """
    blocks = bounded_blocks(text)
    spans: list[tuple[int, int]] = []
    for block in blocks:
        spans.extend(_split_block(text, block, count, limit, whole_first=len(blocks) == 1))
    return spans


def _split_block(text: str, whole: tuple[int, int], count: CountTokens, limit: int,
                 whole_first: bool = True) -> list[tuple[int, int]]:
    """``split_spans`` for one trimmed block of text.

    ``whole_first`` counts the block whole before its sentences: cheapest for a turn that
    fits, the usual case. A block of a very long turn almost never fits, so its sentences
    are counted first and the whole only where they sum within the limit, sparing a pass
    of the tokenizer (the slowest step) over the longest texts.
    """
    def fits() -> bool:
        return count([text[whole[0]:whole[1]]])[0] <= limit

    if whole_first and fits():
        return [whole]
    sentences = sentence_spans(text, *whole)
    sentence_sizes = count([text[a:b] for a, b in sentences])
    if not whole_first and sum(sentence_sizes) <= limit and fits():
        return [whole]
    pieces, sizes = _within(text, sentences, sentence_sizes, count, limit, _word_chunks)
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
