"""Exact neighbours inside a block of rows, and the in-memory join of small splits."""

from __future__ import annotations

import numpy as np

from nnrecipe._audit._budget import Budget
from nnrecipe._audit._join import ExactJoin, Hits, nearest


def test_nearest_is_exact_never_itself_and_pads_when_few() -> None:
    rng = np.random.default_rng(0)
    M = rng.normal(size=(300, 8)).astype(np.float32)
    at, dist = nearest(M, M, np.arange(300), 3)
    d = np.linalg.norm(M[:, None] - M[None], axis=2)
    d[np.arange(300), np.arange(300)] = np.inf
    np.testing.assert_array_equal(at[:, 0], d.argmin(1))
    np.testing.assert_allclose(dist, np.sort(d, axis=1)[:, :3], rtol=1e-5)
    at, dist = nearest(M[:2], M[:2], np.arange(2), 3)
    assert at.tolist() == [[1, -1, -1], [0, -1, -1]] and np.isinf(dist[:, 1:]).all()


def test_identical_vectors_are_exactly_zero_apart_whatever_their_scale() -> None:
    rng = np.random.default_rng(0)
    M = (1e3 + rng.normal(size=(50, 32))).astype(np.float32)  # large norms: the matrix product rounds
    Q = M[:5].copy()
    at, dist = nearest(Q, M, np.full(5, -1), 1)
    assert at[:, 0].tolist() == list(range(5)) and (dist == 0).all()


def test_the_exact_join_answers_members_and_other_splits() -> None:
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(400, 4)).astype(np.float32)
    join = ExactJoin(0, Budget(1 << 30))
    join.add(0, np.arange(200), Z[:200])
    join.add(0, np.arange(200, 400), Z[200:])
    join.add(1, np.arange(3), Z[:3] + 1e-3)
    got: list[Hits] = []
    join.run(2, got.append)
    own = [h for h in got if h.tag == 0]
    assert sum(len(h.rows) for h in own) == 400
    assert all((h.ids != h.rows[:, None]).all() for h in own)
    other = next(h for h in got if h.tag == 1)
    assert other.ids[:, 0].tolist() == [0, 1, 2]


def test_the_exact_join_reports_each_querys_vector_with_its_hits() -> None:
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(300, 4)).astype(np.float32)
    join = ExactJoin(0, Budget(1 << 30))
    join.add(0, np.arange(300), Z)
    join.add(1, np.arange(5), Z[:5] + 1.0)
    got: list[Hits] = []
    join.run(2, got.append)
    for h in got:
        assert h.vectors is not None
        np.testing.assert_array_equal(h.vectors, Z[h.rows] + (1.0 if h.tag == 1 else 0.0))
