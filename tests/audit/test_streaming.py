"""Data larger than memory: chunked reading, tables on disk, memory maps, and the same findings
whatever the chunk size or the memory budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnrecipe import AuditConfig, AuditReport, audit
from nnrecipe._audit._budget import Budget

from .conftest import Planted

_FAST = AuditConfig(label_errors=False)


def _comparable(report: AuditReport) -> tuple[Any, ...]:
    findings = sorted((f.kind, f.severity, tuple(sorted(f.examples))) for f in report.findings)
    s = report.summary
    # Moments summed chunk by chunk differ in the last bits.
    scale = None if s.scale is None else round(s.scale.mean, 9), round(s.scale.std, 9)  # type: ignore[union-attr]
    return findings, s.splits, s.labels, scale, s.target_leakage


def test_small_chunks_give_the_same_report(planted: Planted, dirty_report: AuditReport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Budget, "chunk_rows", lambda self, width: 97)
    report = audit((planted.X, planted.y), val=(planted.Xv, planted.yv))
    assert _comparable(report) == _comparable(dirty_report)
    assert report.summary.statistics == dirty_report.summary.statistics


def test_tables_on_disk_give_the_same_report_and_the_folder_is_removed(
    planted: Planted, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("nnrecipe._audit._search.EXACT_MAX", 100)  # cells, not the exact join
    config = AuditConfig(work_dir=str(tmp_path), label_errors=False)
    in_memory = audit((planted.X, planted.y), val=(planted.Xv, planted.yv), config=config)
    spilled: list[bool] = []
    cleanup = Budget.cleanup

    def watch(self: Budget) -> None:
        spilled.append(self.spilled)
        cleanup(self)

    monkeypatch.setattr(Budget, "share", lambda self, fraction: 1024)  # every table moves to disk
    monkeypatch.setattr(Budget, "cleanup", watch)
    on_disk = audit((planted.X, planted.y), val=(planted.Xv, planted.yv), config=config)
    assert spilled == [True]
    assert _comparable(on_disk) == _comparable(in_memory)
    assert "float16" in on_disk.summary.neighbors.index  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == []


def test_a_memory_mapped_array_is_audited_like_the_array(tmp_path: Path, planted: Planted) -> None:
    path = tmp_path / "X.npy"
    np.save(path, planted.X)
    mapped = np.load(path, mmap_mode="r")
    report = audit((mapped, planted.y), config=_FAST)
    assert _comparable(report) == _comparable(audit((planted.X, planted.y), config=_FAST))


def test_max_memory_is_validated() -> None:
    from nnrecipe import ConfigError

    assert AuditConfig(max_memory="512MiB").max_memory_bytes == 512 * 2**20
    with pytest.raises(ConfigError, match="not a size"):
        AuditConfig(max_memory="lots")
    with pytest.raises(ConfigError, match="below 64 MiB"):
        AuditConfig(max_memory="1MB")


def test_label_errors_from_votes_on_disk_use_the_batched_inspector(planted: Planted, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Budget, "share", lambda self, fraction: 1024)
    report = audit((planted.X, planted.y), val=(planted.Xv, planted.yv))
    flagged = {i for s, i in report.flagged("label_errors") if s == "train"}
    assert len(flagged & set(planted.flipped)) >= 0.7 * len(planted.flipped)
    assert len(flagged & set(planted.flipped)) >= 0.5 * len(flagged)


def test_the_noise_verdict_is_the_same_with_cells_float16_vectors_and_tables_on_disk(
    digits: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    X, y = digits
    rng = np.random.default_rng(1)
    noisy = np.where(rng.random(len(y)) < 0.3, (y + rng.integers(1, 10, len(y))) % 10, y)
    in_memory = audit((X, noisy))
    monkeypatch.setattr("nnrecipe._audit._search.EXACT_MAX", 100)
    monkeypatch.setattr(Budget, "share", lambda self, fraction: 1024)
    streamed = audit((X, noisy))
    assert "float16" in streamed.summary.neighbors.index  # type: ignore[union-attr]
    for report in (in_memory, streamed):
        assert report.find("label_noise").severity == "error"  # type: ignore[union-attr]
    a, b = in_memory.summary.label_errors, streamed.summary.label_errors
    assert a is not None and b is not None
    assert abs(a.noise_rate["train"] - b.noise_rate["train"]) < 0.02  # type: ignore[operator]
