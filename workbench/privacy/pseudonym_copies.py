"""Step two: a de-identified copy of each file, every kept finding replaced; all copies or none.

Also the checks on where things are written: the findings file and the key hold the real identifiers,
so neither may go into the folder of copies, a study folder or over an input; copies are staged and moved
into place only once every one is written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import InputError
from workbench.io.readers import ReadLimits
from workbench.privacy.pseudonym_formats import _open_all
from workbench.privacy.pseudonym_key import Key, _base_placeholder, _split_possessive, key_csv, norm, read_key
from workbench.privacy.pseudonym_review import _read_review
from workbench.privacy.pseudonym_source import Edit, _Source
from workbench.privacy.pseudonym_speakers import _breaks_label

__all__ = ["Outcome", "check_paths", "default_findings_path", "write_copies"]

@dataclass
class Outcome:
    """What step two wrote: the copies (with how many replacements each), the key, and warnings to show."""

    written: list[Path] = field(default_factory=list)
    replaced: dict[str, int] = field(default_factory=dict)
    key: Path | None = None
    key_added: int = 0
    warnings: list[str] = field(default_factory=list)


def _leftovers(source: _Source, data: bytes, originals: dict[str, str]) -> list[str]:
    """Kept originals still found anywhere in a copy: ignored occurrences, or links, properties and hidden text."""
    if not originals:
        return []
    texts = source.copy_texts(data)
    out = []
    for original in originals.values():
        words = original.split()
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.I)
        parts = [part or "the text" for part, text in texts if pattern.search(text)]
        if parts:
            places = ", ".join(dict.fromkeys(parts))
            out.append(f"{source.name}: {original!r}, kept elsewhere, is still in the copy ({places}): an occurrence "
                       "set to ignore, one the scan did not flag, or a link, property or hidden text; check the copy")
    return out


def write_copies(paths: Sequence[Path], review: Path, out: Path, *, key_path: Path | None = None,
                 force: bool = False, limits: ReadLimits | None = None, encoding: str | None = None) -> Outcome:
    """Step two: a de-identified copy of each file in ``out``, every kept finding replaced; all or nothing."""
    check_paths(paths, out, review=review, key=key_path)
    sources = _open_all(paths, limits or ReadLimits(), encoding)
    out_resolved = out.resolve()
    for source in sources:
        target = out / source.name
        if target.resolve() == source.path.resolve():
            raise InputError(str(source.path), "would be overwritten by its own copy",
                             "write the copies to another folder with --out")
        if target.exists() and not force:
            raise InputError(str(target), "already exists", "choose an empty folder, or replace it with --force")
    key = read_key(key_path) if key_path is not None else Key()
    decisions = _read_review(review, sources, key)
    edits: dict[int, dict[int, list[Edit]]] = {id(s): {} for s in sources}
    originals: dict[int, dict[str, str]] = {id(s): {} for s in sources}
    outcome = Outcome(key=key_path)
    added: list[tuple[str, str, str]] = []
    for d in decisions:
        if not d.keep:
            continue
        for unit, start, end in d.spans:
            text = d.source.units[unit].text
            placeholder = d.placeholder
            if re.fullmatch(r"\[[^\[\]]+\]", placeholder) and (
                    (text[start - 1:start] == "[" and text[end:end + 1] == "]") or (d.label and _breaks_label(
                        text, start, end, placeholder))):
                # "[Jane Smith]" becomes "[Person 1]", not "[[Person 1]]"; and "Jane Smith (SW):" becomes
                # "Person 1 (SW):", since "[Person 1] (SW):" no longer reads as a label and turns would merge.
                placeholder = placeholder[1:-1]
            edits[id(d.source)].setdefault(unit, []).append((start, end, placeholder))
        base, _ = _split_possessive(" ".join(d.text.split()))
        originals[id(d.source)].setdefault(norm(d.text), base)
        if norm(d.text) not in key.entries:
            key.entries[norm(d.text)] = (_base_placeholder(d.text, d.placeholder), base, d.type)
            added.append(key.entries[norm(d.text)])
    copies: list[tuple[_Source, bytes]] = []
    for source in sources:
        data = source.render(edits[id(source)])
        copies.append((source, data))
        outcome.replaced[source.name] = sum(len(e) for e in edits[id(source)].values())
        outcome.warnings.extend(_leftovers(source, data, originals[id(source)]))
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pseudonymise-", dir=out_resolved))
    key_partial = key_path.with_name(key_path.name + ".partial") if key_path is not None and added else None
    try:
        for source, data in copies:
            (staging / source.name).write_bytes(data)
        if key_partial is not None:
            key_partial.write_text(key_csv(key), encoding="utf-8-sig", newline="")
        for source, _ in copies:  # everything is written: now move it into place, one rename each
            os.replace(staging / source.name, out / source.name)
            outcome.written.append(out / source.name)
        if key_partial is not None and key_path is not None:
            os.replace(key_partial, key_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if key_partial is not None and key_partial.exists():
            key_partial.unlink()
    outcome.key_added = len(added)
    return outcome


# --- paths ---------------------------------------------------------------------------------------
def default_findings_path(out: Path) -> Path:
    """Beside the folder of copies, never in it: ``copies`` -> ``copies-findings.csv``."""
    return out.parent / f"{out.name}-findings.csv"


def _study_folder(path: Path) -> Path | None:
    from workbench.io.export import study_folder_of

    return study_folder_of(path)


def check_paths(paths: Sequence[Path], out: Path, *, findings: Path | None = None, review: Path | None = None,
                key: Path | None = None) -> None:
    """Refuse a findings file or key where it would leak: in the folder of copies, in a study, over an input."""
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "is a file, not a folder", "name a folder for the copies with --out")
    out_resolved = out.resolve()
    study = _study_folder(out_resolved / "copy")
    if study is not None:
        raise InputError(str(out), f"the folder of copies would be inside the study folder {study}, which holds only "
                         "the workbench's own files", "write the copies to a folder outside the study, then import "
                         "them with 'workbench ingest'")
    inputs = {p.resolve() for p in paths}
    for path in paths:
        if path.resolve().parent == out_resolved:
            raise InputError(str(path), "would be overwritten by its own copy",
                             "write the copies to another folder with --out")
    for what, path in (("findings file", findings), ("review file", review), ("key", key)):
        if path is None:
            continue
        resolved = path.resolve()
        if resolved.is_relative_to(out_resolved):
            raise InputError(str(path), f"the {what} would be inside the folder of copies, {out}, and it holds the "
                             "real identifiers", f"keep the {what} outside {out}, with the original transcripts")
        study = _study_folder(resolved)
        if study is not None:
            raise InputError(str(path), f"the {what} would be inside the study folder {study}, and it holds the "
                             "real identifiers", f"keep the {what} outside the study, with the original transcripts")
        if resolved in inputs:
            raise InputError(str(path), f"is one of the files to copy, not a {what}", f"name another {what}")
        if what != "review file" and not resolved.parent.is_dir():
            raise InputError(str(path), f"the {what}'s folder {path.parent} does not exist", "create it first")
