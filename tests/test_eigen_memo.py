"""The spectral start's memo: layouts bit-for-bit as without it, and only exact repeats reused."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
import scipy.sparse.linalg as linalg

from workbench.engine import eigen_memo

ORIGINAL = getattr(linalg.eigsh, "__wrapped__", linalg.eigsh)  # the solver itself, memo or not


@pytest.fixture(autouse=True)
def fresh_memo():
    eigen_memo.clear()
    yield
    eigen_memo.clear()


def _laplacian(n: int = 40, seed: int = 0) -> scipy.sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    weights = scipy.sparse.random(n, n, density=0.2, random_state=rng, format="csr")
    graph = weights + weights.T
    degree = np.asarray(graph.sum(axis=1)).ravel() + 1.0
    return (scipy.sparse.diags(degree) - graph).tocsr()


class Counting:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, A, k=6, *args, **options):
        self.calls += 1
        return ORIGINAL(A, k, *args, **options)


def test_a_repeated_problem_is_solved_once_and_answered_with_copies():
    solver = Counting()
    eigsh = eigen_memo.memoised(solver)
    matrix = _laplacian()
    first = eigsh(matrix, 3, which="SM", v0=np.ones(40), tol=1e-6)
    first[1][:] = 0.0  # what a caller does to its answer does not reach the next one
    again = eigsh(matrix.copy(), 3, which="SM", v0=np.ones(40), tol=1e-6)
    assert solver.calls == 1
    assert np.abs(again[1]).sum() > 0
    other = _laplacian(seed=1)
    eigsh(other, 3, which="SM", v0=np.ones(40), tol=1e-6)
    eigsh(matrix, 3, which="SM", v0=np.ones(40), tol=1e-5)
    eigsh(matrix, 2, which="SM", v0=np.ones(40), tol=1e-6)
    assert solver.calls == 4, "another matrix, tolerance or count is another problem"


def test_a_random_start_or_a_dense_matrix_is_never_reused():
    solver = Counting()
    eigsh = eigen_memo.memoised(solver)
    matrix = _laplacian()
    for _ in range(2):
        eigsh(matrix, 3, which="SM", tol=1e-6)  # ARPACK picks a random start: each call may differ
        eigsh(matrix.toarray(), 3, which="SM", v0=np.ones(40), tol=1e-6)
    assert solver.calls == 4


def test_the_memo_keeps_to_its_limit_dropping_the_least_recently_used(monkeypatch):
    solver = Counting()
    eigsh = eigen_memo.memoised(solver)
    matrices = [_laplacian(seed=s) for s in range(3)]
    one = sum(part.nbytes for part in solver_result(matrices[0]))
    monkeypatch.setattr(eigen_memo, "LIMIT_BYTES", 2 * one)
    for matrix in (*matrices[:2], matrices[0], matrices[2]):
        eigsh(matrix, 3, which="SM", v0=np.ones(40), tol=1e-6)
    assert solver.calls == 3
    eigsh(matrices[0], 3, which="SM", v0=np.ones(40), tol=1e-6)
    assert solver.calls == 3, "used most recently, so kept"
    eigsh(matrices[1], 3, which="SM", v0=np.ones(40), tol=1e-6)
    assert solver.calls == 4, "the least recently used was dropped"


def solver_result(matrix):
    return ORIGINAL(matrix, 3, which="SM", v0=np.ones(matrix.shape[0]), tol=1e-6)


def test_layouts_are_bit_for_bit_what_they_were_without_the_memo(monkeypatch):
    """Three separate groups: UMAP lays out each component spectrally, every seed the same problems."""
    from workbench.engine.compiled import clustering_stack
    from workbench.engine.layouts import umap_layout
    from workbench.engine.neighbours import neighbours

    clustering_stack()
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(3, 32)) * 10
    points = np.concatenate([c + rng.normal(size=(60, 32)) for c in centres]).astype(np.float32)
    unit = points / np.linalg.norm(points, axis=1, keepdims=True)
    knn = neighbours(unit, 10)
    monkeypatch.setattr(linalg, "eigsh", ORIGINAL)
    before = [umap_layout(unit, knn, 5, seed) for seed in (1, 2)]

    counting = Counting()
    monkeypatch.setattr(linalg, "eigsh", counting)
    eigen_memo.install()
    after = [umap_layout(unit, knn, 5, seed) for seed in (1, 2)]
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    assert counting.calls == 3, "each component's problem solved once, for the first seed only"
