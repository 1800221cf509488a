"""The store's queries on discovery: cached vectors, runs, their candidates, assignments and
suggestions, and the map's cached layouts.

Parts of ``Store`` (reads) and ``Writer`` (writes). What a run records is immutable once
written, and the vectors and layouts are caches keyed by what they were computed from, so
these tables are only ever added to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa

from workbench.core.runs import AssignmentRecord, CandidateRecord, RunRecord
from workbench.store import schema
from workbench.store.schema import assignments, candidates, embeddings, imports, layouts, projections, runs

__all__ = ["RunReads", "RunWrites"]

class RunReads:
    """``Store``'s reads of the vector cache, discovery runs and cached layouts."""

    read: Callable[[], AbstractContextManager[sa.Connection]]

    def cached_vectors(self, model_key: str, hashes: Iterable[str]) -> dict[str, bytes]:
        """Embedding vectors already computed for these text hashes under this model."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, bytes] = {}
        with self.read() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = conn.execute(sa.select(embeddings.c.text_sha256, embeddings.c.vector)
                                    .where(embeddings.c.model_key == model_key)
                                    .where(embeddings.c.text_sha256.in_(chunk)))
                found.update((h, bytes(v)) for h, v in rows)
        return found

    def cached_hashes(self, model_key: str, hashes: Iterable[str]) -> set[str]:
        """Which of these text hashes have a vector cached under this model (the vectors themselves not read)."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        with self.read() as conn:
            for start in range(0, len(wanted), 500):
                found.update(h for (h,) in conn.execute(
                    sa.select(embeddings.c.text_sha256).where(embeddings.c.model_key == model_key)
                    .where(embeddings.c.text_sha256.in_(wanted[start:start + 500]))))
        return found

    def cached_layouts(self, keys: Iterable[str]) -> dict[str, bytes]:
        """Seeded layouts' clusters already kept under these keys (``engine.layout_cache``)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        with self.read() as conn:
            for start in range(0, len(wanted), 500):
                rows = conn.execute(sa.select(layouts.c.key, layouts.c.labels)
                                    .where(layouts.c.key.in_(wanted[start:start + 500])))
                found.update((k, bytes(v)) for k, v in rows)
        return found

    def runs(self) -> list[RunRecord]:
        with self.read() as conn:
            return [_run(r) for r in conn.execute(sa.select(runs).order_by(runs.c.id))]

    def latest_run_id(self) -> int | None:
        with self.read() as conn:
            return conn.execute(sa.select(sa.func.max(runs.c.id))).scalar()

    def run(self, run_id: int) -> RunRecord | None:
        with self.read() as conn:
            row = conn.execute(sa.select(runs).where(runs.c.id == run_id)).first()
            return _run(row) if row else None

    def candidates(self, run_id: int) -> list[CandidateRecord]:
        with self.read() as conn:
            rows = conn.execute(sa.select(candidates).where(candidates.c.run_id == run_id)
                                .order_by(candidates.c.number))
            return [CandidateRecord(r.number, r.label, [tuple(k) for k in r.keywords], list(r.representatives),
                                    r.size, r.participants, r.sites, r.stability, bytes(r.centroid),
                                    r.kind or "theme", list(r.children or [])) for r in rows]

    def assignments(self, run_id: int) -> list[AssignmentRecord]:
        with self.read() as conn:
            rows = conn.execute(sa.select(assignments).where(assignments.c.run_id == run_id)
                                .order_by(assignments.c.segment_id))
            return [AssignmentRecord(r.segment_id, r.candidate, r.similarity, r.nearest, r.nearest_similarity)
                    for r in rows]

    def theme_suggestions(self, run_id: int) -> list[tuple[str, str, float]]:
        """(segment, theme, similarity) suggested by a run, best first for each segment."""
        with self.read() as conn:
            table = schema.theme_suggestions
            rows = conn.execute(sa.select(table.c.segment_id, table.c.theme_id, table.c.similarity)
                                .where(table.c.run_id == run_id)
                                .order_by(table.c.segment_id, table.c.similarity.desc(), table.c.theme_id))
            return [(s, t, float(v)) for s, t, v in rows]

    def data_version(self) -> tuple[int, int]:
        """(last import, last run): changes whenever segments, participants or runs change."""
        with self.read() as conn:
            last_import = conn.execute(sa.select(sa.func.max(imports.c.id))).scalar() or 0
            last_run = conn.execute(sa.select(sa.func.max(runs.c.id))).scalar() or 0
            return int(last_import), int(last_run)

    def projection(self, key: str) -> dict[str, tuple[float, float]]:
        with self.read() as conn:
            rows = conn.execute(sa.select(projections.c.segment_id, projections.c.x, projections.c.y)
                                .where(projections.c.key == key))
            return {s: (float(x), float(y)) for s, x, y in rows}


class RunWrites:
    """``Writer``'s writes of cached vectors, a discovery run with what it found, and layouts."""

    conn: sa.Connection

    def add_vectors(self, model_key: str, items: Iterable[tuple[str, bytes]]) -> None:
        """Cache embedding vectors (text hash -> float32 bytes); ones already cached are left alone."""
        pending = dict(items)
        hashes = list(pending)
        for start in range(0, len(hashes), 500):
            chunk = hashes[start:start + 500]
            have = {h for (h,) in self.conn.execute(
                sa.select(embeddings.c.text_sha256).where(embeddings.c.model_key == model_key)
                .where(embeddings.c.text_sha256.in_(chunk)))}
            fresh = [{"model_key": model_key, "text_sha256": h, "vector": pending[h]} for h in chunk if h not in have]
            if fresh:
                self.conn.execute(sa.insert(embeddings), fresh)

    def add_layouts(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Keep seeded layouts' clusters by key; ones already kept are left alone (a key names one result)."""
        pending = dict(items)
        keys = list(pending)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            have = {k for (k,) in self.conn.execute(sa.select(layouts.c.key).where(layouts.c.key.in_(chunk)))}
            fresh = [{"key": k, "labels": pending[k]} for k in chunk if k not in have]
            if fresh:
                self.conn.execute(sa.insert(layouts), fresh)

    def add_run(self, run: RunRecord, found: Iterable[CandidateRecord], assigned: Iterable[AssignmentRecord]) -> int:
        """Record a discovery run with its candidates and every segment's assignment."""
        values = {k: v for k, v in run.__dict__.items() if k != "id"}
        run_id = int(self.conn.execute(sa.insert(runs).values(**values)).inserted_primary_key[0])
        rows = [{"run_id": run_id, **c.__dict__} for c in found]
        if rows:
            self.conn.execute(sa.insert(candidates), rows)
        rows = [{"run_id": run_id, **a.__dict__} for a in assigned]
        if rows:
            self.conn.execute(sa.insert(assignments), rows)
        return run_id

    def add_theme_suggestions(self, run_id: int, rows: Iterable[tuple[str, str, float]]) -> None:
        values = [{"run_id": run_id, "segment_id": s, "theme_id": t, "similarity": v} for s, t, v in rows]
        if values:
            self.conn.execute(sa.insert(schema.theme_suggestions), values)

    def add_projection(self, key: str, points: dict[str, tuple[float, float]]) -> None:
        values = [{"key": key, "segment_id": s, "x": x, "y": y} for s, (x, y) in points.items()]
        if values:
            self.conn.execute(sa.insert(projections), values)


def _run(r: Any) -> RunRecord:
    return RunRecord(
        id=r.id, created_at=r.created_at, by=r.by, params=dict(r.params), model_name=r.model_name,
        model_sha256=r.model_sha256, backend=r.backend, seed=r.seed, input_sha256=r.input_sha256,
        versions=dict(r.versions), timings=dict(r.timings), segments=r.segments, candidates=r.candidates,
        coverage=r.coverage, merge_suggestions=[tuple(m) for m in r.merge_suggestions],
        hierarchy=list(r.hierarchy))
