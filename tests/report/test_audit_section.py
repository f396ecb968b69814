"""The audit section, from audit.json as the audit writes it."""

from __future__ import annotations

import json

import numpy as np

from nnrecipe import AuditReport
from nnrecipe._audit._report import Gallery
from nnrecipe._report import audit_section

from .conftest import IMG, SCRIPT, audit_json, write_audit


def _section(tmp_path, **kw):
    folder = write_audit(tmp_path / "audit", **kw)
    return audit_section(AuditReport.from_json((folder / "audit.json").read_text()), folder=folder)


def test_findings_become_headlines_errors_first(tmp_path):
    s = _section(tmp_path)
    assert [(h.severity, h.text.split(":")[0]) for h in s.headlines()] == [("error", "audit"), ("warn", "audit")]
    assert s.findings[0].examples == "val[1], val[4], val[9]"


def test_an_outlier_gets_a_log_count_axis_and_its_clean_twin_a_linear_one(tmp_path):
    squashed = {c.title: c for c in _section(tmp_path / "a").charts}["mean of each training example"]
    clean = {c.title: c for c in _section(tmp_path / "b", outlier=False).charts}["mean of each training example"]
    assert squashed.y_scale == "log" and "log count axis" in squashed.note
    assert clean.y_scale == "linear"


def test_a_statistic_equal_for_every_example_is_no_histogram(tmp_path):
    titles = [c.title for c in _section(tmp_path).charts]
    assert "length of each training example" not in titles
    assert "std of each training example" in titles


def test_class_shares_use_the_class_names(tmp_path):
    shares = _section(tmp_path).charts[0]
    assert shares.x_categories == (SCRIPT, IMG, "cat")
    assert [b.label for b in shares.bars] == ["train", "val"]
    assert abs(sum(shares.bars[0].height) - 1.0) < 1e-9


def test_only_the_audits_example_pictures_are_inlined(tmp_path):
    s = _section(tmp_path)
    assert [p.caption for p in s.pictures] == ["samples per class"]


def test_an_audit_read_back_without_its_folder_says_it_has_no_examples():
    s = audit_section(AuditReport.from_json(json.dumps(audit_json(findings=False))))
    assert s.headlines() == [] and s.pictures == () and s.per_class == ()
    assert any("no example inputs to draw" in n for n in s.notes)


def test_an_audit_in_memory_draws_its_examples_sequences_as_lines_images_as_tiles():
    rng = np.random.default_rng(0)
    seq = Gallery((40,), {SCRIPT: [("train", 3, rng.normal(size=40))]}, {"mean": [("train", 5, -1.5, rng.normal(size=40))]})
    img = Gallery((1, 8, 8), {"cat": [("train", 1, rng.normal(size=64))]}, {})
    s = audit_section(AuditReport([], audit_json()["summary"], seq))
    (row,) = s.per_class
    assert row.label == SCRIPT and row.examples[0].caption == "train[3]" and len(row.examples[0].series[0]) == 40
    assert s.extreme_examples[0].examples[0].caption == "train[5] -1.5"
    tile = audit_section(AuditReport([], {}, img)).per_class[0].examples[0]
    assert tile.png.startswith(b"\x89PNG") and tile.series == ()


def test_an_older_audit_summary_missing_parts_still_reads():
    s = audit_section(AuditReport([], {"splits": "?", "labels": {"counts": {"train": "x"}}}))
    assert s.charts == () and s.splits == ()
