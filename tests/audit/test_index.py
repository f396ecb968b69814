"""The neighbour index (a faiss graph for small splits, an inverted file for large ones):
near neighbours found, itself excluded, k found even where cells are small."""

from __future__ import annotations

import numpy as np
import pytest

from nnrecipe import AuditConfig, AuditReport, audit
from nnrecipe._audit._index import NeighborIndex

from .conftest import Planted, train


@pytest.fixture(scope="module")
def cloud() -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, size=(20, 8))
    return (centres[rng.integers(0, 20, 6000)] + rng.normal(size=(6000, 8))).astype(np.float32)


@pytest.fixture(params=["graph", "inverted_file"])
def kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "inverted_file":
        monkeypatch.setattr("nnrecipe._audit._index.GRAPH_MAX", 100)
    return str(request.param)


def test_every_planted_near_copy_finds_its_source(cloud: np.ndarray, kind: str) -> None:
    Z = cloud.copy()
    src, copies = np.arange(0, 200), np.arange(3000, 3200)
    Z[copies] = Z[src] + 1e-3
    ids, dist = NeighborIndex(Z).search(Z, 3, exclude=np.arange(len(Z)))
    assert (ids[copies, 0] == src).all()
    np.testing.assert_allclose(dist[copies, 0], np.sqrt(8) * 1e-3, rtol=1e-2)


def test_no_row_is_its_own_neighbour_and_distances_are_sorted(cloud: np.ndarray, kind: str) -> None:
    ids, dist = NeighborIndex(cloud).search(cloud, 4, exclude=np.arange(len(cloud)))
    assert not (ids == np.arange(len(cloud))[:, None]).any()
    assert (np.diff(dist, axis=1) >= 0).all()


def test_most_nearest_neighbours_are_the_exact_ones(cloud: np.ndarray, kind: str) -> None:
    ids, dist = NeighborIndex(cloud).search(cloud[:300], 1, exclude=np.arange(300))
    d = np.linalg.norm(cloud[:300, None, :] - cloud[None, :, :], axis=2)
    d[np.arange(300), np.arange(300)] = np.inf
    assert (d.argmin(1) == ids[:, 0]).mean() >= 0.8
    # Approximate distances are never below the exact ones.
    assert (dist[:, 0] >= d.min(1) - 1e-4).all()


def test_queries_whose_probed_cells_are_small_still_get_k_neighbours(cloud: np.ndarray, kind: str) -> None:
    Z = np.concatenate([cloud, np.full((1, 8), 40.0, dtype=np.float32)])  # far from everything
    ids, dist = NeighborIndex(Z).search(Z[-1:], 300, exclude=np.array([len(cloud)]))
    assert (ids >= 0).all() and np.isfinite(dist).all()
    assert dist[0, 0] > 20


def test_the_audit_finds_the_same_planted_faults_through_the_large_split_index(
    planted: Planted, monkeypatch: pytest.MonkeyPatch, dirty_report: AuditReport
) -> None:
    monkeypatch.setattr("nnrecipe._audit._index.GRAPH_MAX", 100)
    report = audit((planted.X, planted.y), val=(planted.Xv, planted.yv), config=AuditConfig(label_errors=False))
    assert train(planted.near) <= report.flagged("near_duplicates")
    assert ("val", 6) in report.flagged("near_leakage")
    assert train(planted.outliers) <= report.flagged("outliers")
    assert len(report.flagged("outliers")) <= len(dirty_report.flagged("outliers")) + 15
