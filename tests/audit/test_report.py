"""The report: ok, ordering, JSON with every example, saved files and pictures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nnrecipe import AuditReport, Finding
from nnrecipe._audit import AuditSummary, ScaleSummary

from .conftest import Planted


def test_ok_means_no_error_finding() -> None:
    assert AuditReport([Finding("outliers", "warn", "x", [("train", 1)])], {}).ok
    assert not AuditReport([Finding("leakage", "error", "x", [("val", 1)])], {}).ok


def test_a_finding_rejects_an_unknown_severity() -> None:
    with pytest.raises(ValueError, match="severity"):
        Finding("x", "fatal", "x")  # type: ignore[arg-type]


def test_json_holds_every_example_and_round_trips(dirty_report: AuditReport, planted: Planted) -> None:
    data = json.loads(dirty_report.to_json())
    assert data["ok"] is False
    labels = next(f for f in data["findings"] if f["kind"] == "label_errors")
    assert labels["count"] == len(labels["examples"]) >= 32
    again = AuditReport.from_json(dirty_report.to_json())
    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in dirty_report.findings]
    assert again.summary == dirty_report.summary


def test_save_writes_json_and_pictures(tmp_path: Path, dirty_report: AuditReport) -> None:
    path = dirty_report.save(tmp_path / "run")
    assert json.loads(path.read_text())["summary"]["splits"]["train"]["examples"] == 1400
    pictures = sorted(p.name for p in (tmp_path / "run" / "pictures").iterdir())
    assert pictures == ["extremes.png", "labels.png", "samples_per_class.png", "statistics.png"]
    assert all((tmp_path / "run" / "pictures" / p).stat().st_size > 1000 for p in pictures)
    assert not list((tmp_path / "run").glob("*.tmp"))


def test_the_gallery_shows_every_class_and_the_extremes(dirty_report: AuditReport) -> None:
    g = dirty_report.gallery
    assert g is not None
    assert sorted(g.per_class) == [str(c) for c in range(10)]
    assert all(len(v) == 8 for v in g.per_class.values())
    highest_norm = g.extremes["norm"][4]  # lowest four, then highest first
    assert highest_norm[:2] == ("train", 400)


def test_non_finite_summary_values_become_null_in_json_and_nan_again() -> None:
    scale = ScaleSummary(mean=float("nan"), std=1.0, min=-float("inf"), max=2.0, constant_features=(), feature_std_ratio=1.0)
    report = AuditReport([], AuditSummary(splits={}, scale=scale))
    data = json.loads(report.to_json())["summary"]["scale"]
    assert data["mean"] is None and data["min"] is None
    again = AuditReport.from_json(report.to_json()).summary.scale
    assert again is not None and np.isnan(again.mean) and np.isnan(again.min) and again.max == 2.0
