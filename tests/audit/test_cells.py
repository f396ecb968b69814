"""The cell join of large splits: neighbours within cells, near copies across cell borders,
queries from another split, and the same answers from memory, from disk and in float16."""

from __future__ import annotations

import numpy as np
import pytest

from nnrecipe import AuditConfig, AuditReport, audit
from nnrecipe._audit._budget import Budget
from nnrecipe._audit._cells import CellJoin
from nnrecipe._audit._join import Hits
from nnrecipe._audit._neighbors import NearestTable

from .conftest import Planted, train


@pytest.fixture(scope="module")
def cloud() -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, size=(20, 8))
    return (centres[rng.integers(0, 20, 6000)] + rng.normal(size=(6000, 8))).astype(np.float32)


def _nearest(Z: np.ndarray, budget: Budget, *, queries: np.ndarray | None = None, threshold: float = 0.0, vectors: object = np.float32) -> tuple[NearestTable, NearestTable, CellJoin]:
    join = CellJoin(0, budget, Z[::3], len(Z), vectors=vectors)
    own, other = NearestTable(len(Z)), NearestTable(0 if queries is None else len(queries))
    for lo in range(0, len(Z), 1000):  # added in chunks, as the audit does
        join.add(0, np.arange(lo, min(lo + 1000, len(Z))), Z[lo : lo + 1000])
    if queries is not None:
        join.add(1, np.arange(len(queries)), queries)

    def sink(h: Hits) -> None:
        (own if h.tag == 0 else other).update(h)

    join.run(5, sink)
    join.run_boundaries(threshold, sink)
    join.close()
    return own, other, join


def test_each_row_gets_a_near_neighbour_of_its_cell_never_itself(cloud: np.ndarray) -> None:
    own, _, join = _nearest(cloud, Budget(1 << 30))
    assert join.nlist == round(np.sqrt(len(cloud)))
    assert (own.row != np.arange(len(cloud))).all() and (own.row >= 0).all()
    d = np.linalg.norm(cloud[:300, None, :] - cloud[None, :, :], axis=2)
    d[np.arange(300), np.arange(300)] = np.inf
    # Within the own cell only: mostly the exact nearest, never nearer than it.
    assert (own.row[:300] == d.argmin(1)).mean() >= 0.7
    assert (own.dist[:300] >= d.min(1) - 1e-4).all()


def test_near_copies_across_a_cell_border_are_found_by_the_border_pass(cloud: np.ndarray) -> None:
    Z = cloud.copy()
    src, copies = np.arange(0, 300), np.arange(3000, 3300)
    Z[copies] = Z[src] + np.random.default_rng(1).normal(0, 0.03, size=(300, 8)).astype(np.float32)
    without, _, _ = _nearest(Z, Budget(1 << 30))
    found, _, _ = _nearest(Z, Budget(1 << 30), threshold=0.3)
    # Every pair is found from at least one side (one side looks across a border).
    assert ((found.row[copies] == src) | (found.row[src] == copies)).all()
    # Some pairs did straddle a border: the border pass is what found them.
    assert ((without.row[copies] != src) & (without.row[src] != copies)).any()


def test_queries_from_another_split_find_their_copies_in_the_members(cloud: np.ndarray) -> None:
    queries = cloud[:50] + 1e-3
    _, other, _ = _nearest(cloud, Budget(1 << 30), queries=queries, threshold=0.05)
    assert (other.row == np.arange(50)).all()


def test_lists_on_disk_and_float16_vectors_give_the_same_neighbours(cloud: np.ndarray, tmp_path: object) -> None:
    budget = Budget(2**20, parent=str(tmp_path))
    memory, _, _ = _nearest(cloud, Budget(1 << 30), threshold=0.05)
    disk, _, _ = _nearest(cloud, budget, threshold=0.05)
    assert budget.spilled
    np.testing.assert_array_equal(disk.row, memory.row)
    half, _, _ = _nearest(cloud, Budget(1 << 30), threshold=0.05, vectors=np.float16)
    # Rounding moves a few rows across the border-distance threshold: nearly all agree.
    assert (half.row == memory.row).mean() > 0.99
    assert np.isclose(half.dist, memory.dist, rtol=0.01, atol=0.01).mean() > 0.99
    budget.cleanup()


def test_the_audit_finds_the_same_planted_faults_through_cells(
    planted: Planted, monkeypatch: pytest.MonkeyPatch, dirty_report: AuditReport
) -> None:
    monkeypatch.setattr("nnrecipe._audit._search.EXACT_MAX", 100)
    report = audit((planted.X, planted.y), val=(planted.Xv, planted.yv), config=AuditConfig(label_errors=False))
    assert "cells" in report.summary.neighbors.index  # type: ignore[union-attr]
    assert train(planted.near) <= report.flagged("near_duplicates")
    assert ("val", 6) in report.flagged("near_leakage")
    assert train(planted.outliers) <= report.flagged("outliers")
    assert len(report.flagged("outliers")) <= len(dirty_report.flagged("outliers")) + 15


def test_cells_with_a_single_member_give_full_width_hits() -> None:
    rng = np.random.default_rng(0)
    Z = np.concatenate([rng.normal(size=(300, 4)), rng.normal(size=(1, 4)) + 50]).astype(np.float32)  # one far row
    own, other, _ = _nearest(Z, Budget(1 << 30), queries=Z[-1:] + 0.01, threshold=100.0)
    assert np.isfinite(own.dist[:300]).all() and other.row[0] == 300


def test_cells_report_each_querys_vector_with_its_home_hits(cloud: np.ndarray) -> None:
    join = CellJoin(0, Budget(1 << 30), cloud[::3], len(cloud))
    join.add(0, np.arange(len(cloud)), cloud)
    got: list[Hits] = []
    join.run(3, got.append)
    join.close()
    assert sum(len(h.rows) for h in got) == len(cloud)
    for h in got:
        assert h.vectors is not None
        np.testing.assert_array_equal(h.vectors, cloud[h.rows])
