"""Proposed sub-groups of a theme, for the researcher to confirm or edit before a split.

Ward's tree on the theme's unit vectors, cut at the number of parts with the best
silhouette, each part named as discovery names candidates (``naming``, ``phrases``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.engine.consensus import renumber
from workbench.engine.naming import cluster_keywords, make_label
from workbench.engine.phrases import phrase_labels
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

    from workbench.core.progress import Progress
    from workbench.engine.documents import Doc
    from workbench.engine.naming import WordEmbedder

__all__ = ["ProposedPart", "propose_split", "ward_cuts"]


@dataclass
class ProposedPart:
    members: list[str]
    keywords: list[tuple[str, float]]
    label: str = ""  # by default from the keywords; ``propose_split`` makes each part's its own

    def __post_init__(self) -> None:
        if not self.label:
            self.label = make_label([], self.keywords)


def ward_cuts(unit: np.ndarray, counts: Sequence[int]) -> list[np.ndarray]:
    """The parts of a Ward tree of ``unit`` at each number of parts in ``counts``, from one tree.

    Proposing tried 2 to 6 parts with a Ward fit for each, and every fit built the same tree
    again: choosing among 2 to 6 parts of 3,000 random unit vectors took 4.9 s, and 1.7 s from
    one tree (1,000: 0.68 and 0.32 s; two shared cores, a session measurement, not scripted). The tree
    is scikit-learn's (``ward_tree``), cut as AgglomerativeClustering cuts it (undoing the last
    merges, latest first), so the parts are the same as before (a test).
    """
    import numpy as np
    from sklearn.cluster import ward_tree

    children, _, leaves, _ = ward_tree(unit)
    found = []
    for k in counts:
        tops = [leaves + len(children) - 1]  # the root
        for _ in range(k - 1):
            latest = max(tops)
            tops.remove(latest)
            tops.extend(int(c) for c in children[latest - leaves])
        labels = np.empty(leaves, dtype=int)
        for part, top in enumerate(tops):
            stack = [top]
            while stack:
                node = stack.pop()
                if node < leaves:
                    labels[node] = part
                else:
                    stack.extend(int(c) for c in children[node - leaves])
        found.append(labels)
    return found


def propose_split(docs: Sequence[Doc], embeddings: np.ndarray, parts: int | None = None,
                  progress: Progress | None = None, word_embedder: WordEmbedder | None = None) -> list[ProposedPart]:
    """Sub-groups of a theme's segments, for the researcher to confirm or edit before a split.

    Deterministic on purpose (Ward linkage on the unit-length embeddings, no seed): asking
    twice gives the same proposal. Without ``parts``, the number of groups (2 to 6) with the
    best silhouette is chosen. Parts are largest first; they are named as candidates are
    (``cluster_keywords``, then ``phrases.phrase_labels``: a phrase the part's segments said,
    chosen by its embedding with ``word_embedder``, the embedder of ``embeddings``, or by its
    counts without one). ``progress`` hears each stage: it takes seconds on a large theme, and
    the researcher waits for it.
    """
    import numpy as np
    from sklearn.metrics import silhouette_score

    n = len(docs)
    if n < 4:
        raise WorkbenchError(f"a theme of {n} segment(s) is too small to split automatically; move segments "
                             "by hand instead")
    if parts is not None and not 2 <= parts <= n // 2:
        raise WorkbenchError(f"a theme of {n} segments can be split into 2 to {n // 2} parts, not {parts}")
    counts = [parts] if parts else list(range(2, min(6, n // 2) + 1))
    steps = len(counts) + 2

    def stage(step: int, what: str) -> None:
        if progress:
            progress(step, steps, what)

    stage(0, "grouping: building the tree (Ward)")
    unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    cuts = ward_cuts(unit, counts)
    best: tuple[float, np.ndarray] | None = None
    for step, (k, found) in enumerate(zip(counts, cuts, strict=True), start=1):
        stage(step, f"grouping: trying {k} parts")
        score = float(silhouette_score(unit, found, metric="cosine")) if parts is None else 0.0
        if best is None or score > best[0] + 1e-9:
            best = (score, found)
    assert best is not None
    labels = renumber(best[1])
    stage(steps - 1, "naming the parts (c-TF-IDF)")
    texts = [d.text for d in docs]
    keywords, _ = cluster_keywords(texts, labels, unit, None, 0)
    count = int(labels.max()) + 1
    centroids = np.stack([unit[labels == c].mean(axis=0) for c in range(count)])
    named = phrase_labels(texts, labels, centroids, keywords, word_embedder)
    found = [ProposedPart([d.id for d, lab in zip(docs, labels.tolist(), strict=True) if lab == c],
                          keywords.get(c, []), named[c].text) for c in range(count)]
    # A split names each part once; parts that say the same words (a theme of near-identical
    # answers) would be proposed under one name, and the split refused.
    seen: set[str] = set()
    for number, part in enumerate(found, start=1):
        if part.label in seen:
            part.label = f"{part.label} (part {number})"
        seen.add(part.label)
    stage(steps, "done")
    return found
