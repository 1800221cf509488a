"""Running discovery on a study: embed (through the cache), cluster, and record the run.

Kept out of ``study.py`` so the facade stays a list of actions; this module does the one
long action and nothing else. It imports the heavy stack (numpy, onnxruntime, BERTopic)
only when called, so commands that never cluster start quickly.
"""

from __future__ import annotations

import hashlib
import platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from importlib import metadata
from typing import TYPE_CHECKING

from workbench import __version__
from workbench.core.overview import SegmentFilter, site_of
from workbench.core.progress import Progress
from workbench.core.questions import questions_before
from workbench.core.runs import AssignmentRecord, CandidateRecord, RunRecord
from workbench.core.segments import SegmentRow
from workbench.engine.context import joined_text
from workbench.engine.discover import Discovery, DiscoveryParams, Doc, discover
from workbench.engine.embed import DEFAULT_BACKEND, Encoder, load_model
from workbench.errors import WorkbenchError
from workbench.store.database import Store, utc_now

if TYPE_CHECKING:
    import numpy as np

__all__ = ["StoredLayouts", "embed_segments", "embed_texts", "estimate_run", "input_hash", "layout_salt",
           "machine_rates", "projection", "projection_key", "remember_rates", "run_discovery", "theme_suggestions"]

# Everything whose version can change a run's candidates: the clustering stack with the
# compiled kernels and linear algebra under it, and what turns text into vectors.
_PACKAGES = ("bertopic", "umap-learn", "hdbscan", "pynndescent", "numba", "scikit-learn", "scipy", "numpy",
             "onnxruntime", "tokenizers", "transformers", "sentence-transformers", "torch")


def _processor(cpuinfo: str | None = None) -> str:
    """The processor, with the vector instructions that decide which numeric kernels run.

    Candidates move with small changes to the arithmetic (benchmarks/bench_perturbation.py),
    and numeric libraries choose their kernels by the processor's instructions, so a rerun
    on another kind of machine can differ. The instructions are read from /proc/cpuinfo,
    so only on Linux; elsewhere the record names the processor's architecture alone.
    ``cpuinfo``: that file's text (for tests); None reads it.
    """
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
                cpuinfo = handle.read(1 << 16)
        except OSError:
            cpuinfo = ""
    name, flags = "", set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model") and not name:
            name = value.strip()
        elif key.strip() in ("flags", "Features") and not flags:
            flags = set(value.split())
    machine = platform.machine() or "unknown architecture"
    isa = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "asimd", "sve") if f in flags]
    return f"{name or machine} ({', '.join([machine, *isa])})"


def _versions() -> dict[str, str]:
    """Everything that can change a run's result besides its input and parameters."""
    found = {"theme-workbench": __version__, "python": platform.python_version(), "processor": _processor()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def input_hash(rows: Sequence[SegmentRow]) -> str:
    """What was clustered: segment ids and their texts' hashes, order-independent."""
    digest = hashlib.sha256()
    for row in sorted(rows, key=lambda r: r.id):
        digest.update(f"{row.id}\t{hashlib.sha256(row.text.encode()).hexdigest()}\n".encode())
    return digest.hexdigest()


def embed_segments(store: Store, encoder: Encoder, rows: Sequence[SegmentRow], progress: Progress | None = None):
    """Vectors for ``rows``, computing only texts this model has not embedded before."""
    return embed_texts(store, encoder, [r.text for r in rows], progress)


def embed_texts(store: Store, encoder: Encoder, texts: Sequence[str], progress: Progress | None = None):
    """Vectors for ``texts`` (with how many were computed now), through the study's cache of this model's vectors."""
    import numpy as np

    hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    cached = store.cached_vectors(encoder.key, hashes)
    missing = list(dict.fromkeys(h for h in hashes if h not in cached))
    if missing:
        text_of = dict(zip(hashes, texts, strict=True))
        vectors = encoder.encode([text_of[h] for h in missing], progress)
        fresh = {h: v.astype(np.float32).tobytes() for h, v in zip(missing, vectors, strict=True)}
        with store.write(action="saving segment vectors (discovery)") as tx:
            tx.add_vectors(encoder.key, fresh.items())
        cached.update(fresh)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32), 0
    return np.stack([np.frombuffer(cached[h], dtype=np.float32) for h in hashes]), len(missing)


class StoredLayouts:
    """The study's kept layouts (``engine.layout_cache``): read from the store, new ones written with the run.

    Newly drawn layouts are held here until the run is recorded, and written in the same
    transaction as the run, so a discovery that fails leaves nothing behind.
    """

    def __init__(self, store: Store, salt: str) -> None:
        self.store = store
        self.salt = salt
        self.pending: dict[str, bytes] = {}

    def found(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        from workbench.engine.layout_cache import from_bytes

        return {k: from_bytes(v) for k, v in self.store.cached_layouts(keys).items()}

    def keep(self, drawn: Mapping[str, np.ndarray]) -> None:
        from workbench.engine.layout_cache import to_bytes

        self.pending.update((k, to_bytes(v)) for k, v in drawn.items())


def layout_salt(versions: Mapping[str, str]) -> str:
    """What draws a layout here, for its cache key: every version and the processor, as a run records them."""
    import json

    return json.dumps(dict(versions), sort_keys=True)


def theme_suggestions(vectors: np.ndarray, segment_ids: Sequence[str], theme_vectors: dict[str, np.ndarray],
                      threshold: float, top: int = 3) -> list[tuple[str, str, float]]:
    """For segments no theme holds: the accepted themes they are most like, with the score.

    A theme is represented by the mean of its members' unit vectors; suggestions under
    ``threshold`` are not made, and at most ``top`` per segment.
    """
    import numpy as np

    if not theme_vectors or not len(segment_ids):
        return []
    names = sorted(theme_vectors)
    centroids = np.stack([theme_vectors[t].mean(axis=0) for t in names])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    sims = vectors @ centroids.T
    found = []
    for i, seg in enumerate(segment_ids):
        order = np.argsort(-sims[i], kind="stable")[:top]
        found.extend((seg, names[j], round(float(sims[i, j]), 4)) for j in order if sims[i, j] >= threshold)
    return found


def run_discovery(store: Store, by: str, params: DiscoveryParams, segments: list[SegmentRow],
                  backend: str = DEFAULT_BACKEND, progress: Progress | None = None,
                  themes: Mapping[str, set[str]] | None = None,
                  described: Mapping[str, str] | None = None) -> tuple[int, Discovery]:
    """Embed, cluster and record one run in a single write; returns (run id, discovery).

    ``themes`` are the accepted themes' members: those segments belong to the researchers
    and are not clustered again. The segments no theme holds are clustered into new
    candidates, and each is also scored against the accepted themes, as suggestions.
    """
    themes = themes or {}
    described = described or {}
    held = set().union(*themes.values()) if themes else set()
    eligible = SegmentFilter(include_interviewer=params.include_interviewer).apply(segments)
    rows = _rows_to_cluster(params, segments, held)
    if not eligible:
        raise WorkbenchError("the study has no segments to cluster: import transcripts first with 'workbench ingest'")
    if not rows:
        raise WorkbenchError("every segment is already in an accepted theme: there is nothing new to cluster")
    info = load_model()
    encoder = Encoder(info, backend)  # type: ignore[arg-type]
    start = time.perf_counter()
    embeddings, embedded = embed_segments(store, encoder, rows, progress)
    suggestions: list[tuple[str, str, float]] = []
    if themes:
        by_id = {r.id: r for r in segments}
        member_rows = [by_id[s] for s in sorted(held) if s in by_id]
        member_vectors, more = embed_segments(store, encoder, member_rows)
        embedded += more
        index = {r.id: i for i, r in enumerate(member_rows)}
        theme_vectors = {t: member_vectors[[index[s] for s in sorted(m) if s in index]]
                         for t, m in themes.items() if any(s in index for s in m)}
        # Themes with no members yet: their name and definition stand in (zero-shot).
        wordy = sorted(t for t in described if t not in theme_vectors)
        if wordy:
            theme_vectors.update(zip(wordy, (v[None, :] for v in encoder.encode([described[t] for t in wordy])),
                                     strict=True))
        suggestions = theme_suggestions(embeddings, [r.id for r in rows], theme_vectors, params.min_similarity)
    asked = questions_before(segments) if params.question_weight > 0 else {}
    docs = [Doc(r.id, r.text, r.participant_id, site_of(r), asked.get(r.id)) for r in rows]
    question_vectors = joined = None
    if asked and params.question_reading == "joined":
        import numpy as np

        texts = [joined_text(d.text, d.question) for d in docs if d.question]
        vectors, more = embed_texts(store, encoder, texts, progress)
        embedded += more
        joined = np.array(embeddings, copy=True)
        joined[[i for i, d in enumerate(docs) if d.question]] = vectors
    elif asked:
        import numpy as np

        texts = sorted({q for d in docs if (q := d.question)})
        vectors, more = embed_texts(store, encoder, texts, progress)
        embedded += more
        row_of = {q: i for i, q in enumerate(texts)}
        question_vectors = np.zeros_like(embeddings)
        for i, d in enumerate(docs):
            if d.question:
                question_vectors[i] = vectors[row_of[d.question]]
    embed_time = time.perf_counter() - start
    pieces = encoder.pieces_encoded if backend != "torch" else None  # naming embeds words too: counted before it
    versions = _versions()
    kept = StoredLayouts(store, layout_salt(versions))
    found = discover(docs, embeddings, params, word_embedder=encoder.encode, progress=progress,
                     questions=question_vectors, joined=joined, kept=kept)
    timings = {"embedding": round(embed_time, 3), **{k: round(v, 3) for k, v in found.timings.items()}}
    record = RunRecord(
        id=None, created_at=utc_now(), by=by,
        params={**asdict(params), "runs": params.layout_count(len(docs)), "min_cluster_size": found.min_cluster_size,
                "min_samples": params.cluster_min_samples(found.min_cluster_size), "embedded_now": embedded,
                "layouts_kept": found.layouts_kept, "layout_workers": found.layout_workers,
                "pieces_embedded": pieces,
                "held_by_themes": len(held), "themes": len(themes),
                "answers_with_questions": sum(1 for d in docs if d.question),
                "small_talk_segments": sum(c.size for c in found.candidates if c.kind == "small_talk")},
        model_name=info.name, model_sha256=info.weights_sha256, backend=backend, seed=params.seed,
        input_sha256=input_hash(rows), versions=versions, timings=timings, segments=len(rows),
        candidates=len(found.themes), coverage=round(found.coverage, 4),
        merge_suggestions=found.merge_suggestions, hierarchy=found.hierarchy,
    )
    candidates = [
        CandidateRecord(c.number, c.label, c.keywords, c.representatives, c.size, c.participants, c.sites,
                        c.stability, c.centroid.astype("float32").tobytes(), c.kind,
                        [{"label": s.label, "keywords": [list(k) for k in s.keywords],
                          "members": [[m, sim] for m, sim in s.members], "representatives": s.representatives,
                          "stability": s.stability} for s in c.children])
        for c in found.candidates
    ]
    assigned = [AssignmentRecord(seg, cand, sim, *found.nearest[seg]) for seg, (cand, sim) in found.assignment.items()]
    with store.write(by, "recording a discovery run") as tx:
        run_id = tx.add_run(record, candidates, assigned)
        tx.add_theme_suggestions(run_id, suggestions)
        tx.add_layouts(kept.pending.items())
    remember_rates(record)
    return run_id, found


def _rows_to_cluster(params: DiscoveryParams, segments: list[SegmentRow], held: set[str]) -> list[SegmentRow]:
    return [r for r in SegmentFilter(include_interviewer=params.include_interviewer).apply(segments)
            if r.id not in held]


def _texts_to_embed(params: DiscoveryParams, segments: list[SegmentRow], rows: list[SegmentRow]) -> list[str]:
    """Every text a run on ``rows`` embeds: the answers, and their questions or the two joined."""
    asked = questions_before(segments) if params.question_weight > 0 else {}
    if asked and params.question_reading == "joined":
        return [r.text for r in rows] + [joined_text(r.text, q) for r in rows if (q := asked.get(r.id))]
    return [r.text for r in rows] + sorted({q for r in rows if (q := asked.get(r.id))})


def _rates_file():
    from workbench.engine.embed import cache_dir

    return cache_dir() / "rates.json"


def remember_rates(run: RunRecord) -> None:
    """Keep this machine's rates measured by ``run`` in the user's cache, for the first run of another study.

    Only numbers, by processor: nothing of the study. A file that cannot be written (a
    read-only home) is no reason to fail a run that is already recorded.
    """
    import json

    from workbench.core.estimate import run_rates

    measured = dict(zip(("embed_per_piece", "layout_per_segment", "other_per_segment"), run_rates(run), strict=True))
    path = _rates_file()
    try:
        kept = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        mine = kept.get(run.versions.get("processor", ""), {})
        mine.update({k: v for k, v in measured.items() if v is not None})
        kept[run.versions.get("processor", "")] = mine
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(kept, indent=1), encoding="utf-8")
    except (OSError, ValueError, AttributeError):
        pass


def machine_rates(processor: str):
    """This machine's rates as its runs in any study left them (``remember_rates``), else the first rates."""
    import json

    from workbench.core.estimate import kept_rates

    try:
        kept = json.loads(_rates_file().read_text(encoding="utf-8")).get(processor)
    except (OSError, ValueError, AttributeError):
        kept = None
    return kept_rates(kept if isinstance(kept, dict) else {}, "this computer's runs in other studies")


def estimate_run(store: Store, params: DiscoveryParams, segments: list[SegmentRow], backend: str = DEFAULT_BACKEND,
                 held: set[str] | None = None):
    """How long ``run_discovery`` with these arguments should take (``core.estimate``), before it starts.

    Counts the word pieces of the texts not yet in the cache, and the layouts to draw:
    none when the latest run clustered the same segments with the same parameters, backend
    and versions (its layouts are kept), else the run's whole count.
    """
    from workbench.core.estimate import estimate, rates_from_runs
    from workbench.engine.layouts import worker_count

    rows = _rows_to_cluster(params, segments, held or set())
    encoder = Encoder(load_model(), backend)  # type: ignore[arg-type]
    texts = list(dict.fromkeys(_texts_to_embed(params, segments, rows)))
    hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    cached = store.cached_hashes(encoder.key, hashes)
    pieces = encoder.pieces([t for t, h in zip(texts, hashes, strict=True) if h not in cached])
    n = len(rows)
    count = params.layout_count(n)
    versions = _versions()
    runs = store.runs()
    last = runs[-1] if runs else None
    wanted = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(params).items()}
    wanted |= {"runs": count, "min_samples": params.cluster_min_samples(params.min_cluster_size(n))}  # as recorded
    kept = (last is not None and last.input_sha256 == input_hash(rows) and last.backend == backend
            and last.versions == versions and all(last.params.get(k) == v for k, v in wanted.items()))
    to_draw = 0 if kept else count
    rates = rates_from_runs(runs, versions["processor"], machine_rates(versions["processor"]))
    return estimate(n, pieces, to_draw, worker_count(n, max(1, to_draw), None), rates)


def projection_key(model_key: str, rows: Sequence[SegmentRow]) -> str:
    """Which layout fits: the model and the exact set of segments (ids and texts)."""
    return hashlib.sha256(f"{model_key}\n{input_hash(rows)}".encode()).hexdigest()


def projection(store: Store, rows: Sequence[SegmentRow], progress: Progress | None = None,
               compute: bool = True) -> dict[str, tuple[float, float]]:
    """Each segment's place on the map, computed once for this model and segment set, then kept.

    With ``compute`` False, only a layout already kept is returned (or nothing).
    """
    from workbench.engine.discover import project_2d

    encoder = Encoder(load_model())
    key = projection_key(encoder.key, rows)
    found = store.projection(key)
    if found or not rows or not compute:
        return found
    vectors, _ = embed_segments(store, encoder, rows, progress)
    if progress:
        progress(0, 1, "laying out the map (UMAP)")
    points = project_2d(vectors)
    found = {r.id: (round(float(x), 4), round(float(y), 4)) for r, (x, y) in zip(rows, points.tolist(), strict=True)}
    with store.write(action="saving the map's layout") as tx:
        tx.add_projection(key, found)
    if progress:
        progress(1, 1, "done")
    return found
