"""The two parts of BERTopic that naming uses, without importing BERTopic whole.

``import bertopic.vectorizers`` runs BERTopic's package ``__init__``, which imports the whole
topic model: sentence-transformers, UMAP, HDBSCAN and plotting, about 5-7 s on two cores
(``python -X importtime``; 7.2 s of a 12.3 s warm run on 1,000 short answers, profiled).
A run that reads its layouts from an earlier run (``layout_cache``) needs none of that, so
that import was most of its time. Naming needs two things:

- BERTopic's c-TF-IDF (``ClassTfidfTransformer``): its module imports only scikit-learn,
  numpy and scipy, so it is loaded here from BERTopic's installed file, under a private
  name, without the package ``__init__``. The same class, the same code, the same numbers.
  Where that file is not where this version of BERTopic keeps it, the package is imported
  as before.
- maximal marginal relevance: BERTopic's module for it imports the package, so it is
  written here (``mmr``), and a test holds it to BERTopic's own function's choices.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["class_tfidf_transformer", "mmr"]

_PRIVATE = "workbench._bertopic_ctfidf"


@lru_cache(maxsize=1)
def class_tfidf_transformer() -> type:
    """BERTopic's ``ClassTfidfTransformer`` class, loaded from its own file where possible."""
    spec = importlib.util.find_spec("bertopic")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = f"{folder}/vectorizers/_ctfidf.py"
        part = importlib.util.spec_from_file_location(_PRIVATE, path)
        if part is None or part.loader is None:
            continue
        try:
            module = importlib.util.module_from_spec(part)
            sys.modules[_PRIVATE] = module
            part.loader.exec_module(module)
            return module.ClassTfidfTransformer  # type: ignore[no-any-return]
        except (OSError, ImportError, AttributeError):
            sys.modules.pop(_PRIVATE, None)
    from bertopic.vectorizers import ClassTfidfTransformer

    return ClassTfidfTransformer


def mmr(centre: np.ndarray, vectors: np.ndarray, words: Sequence[str], diversity: float, top_n: int) -> list[str]:
    """Up to ``top_n`` of ``words``: each next the one most like ``centre`` and least like those already chosen.

    The first is the word most similar to ``centre``; each next maximises
    ``(1 - diversity) * similarity to centre - diversity * greatest similarity to a chosen
    word``. Similarities are cosine; ties go to the earlier word, as numpy's argmax gives.
    """
    import numpy as np

    def unit(rows: Any) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        return rows / np.clip(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12, None)

    if not len(words) or top_n <= 0:
        return []
    rows = unit(vectors)
    to_centre = rows @ unit(centre)[0]
    between = rows @ rows.T
    chosen = [int(np.argmax(to_centre))]
    left = [i for i in range(len(words)) if i != chosen[0]]
    while left and len(chosen) < min(top_n, len(words)):
        score = (1 - diversity) * to_centre[left] - diversity * between[np.ix_(left, chosen)].max(axis=1)
        best = left[int(np.argmax(score))]
        chosen.append(best)
        left.remove(best)
    return [words[i] for i in chosen]
