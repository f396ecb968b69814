"""The audit section, from audit.json as the audit writes it."""

from __future__ import annotations

import json

from nnrecipe import AuditReport
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


def test_an_audit_in_memory_without_pictures_says_where_they_come_from():
    s = audit_section(AuditReport.from_json(json.dumps(audit_json(findings=False))))
    assert s.headlines() == [] and s.pictures == ()
    assert any("AuditReport.save" in n for n in s.notes)


def test_an_older_audit_summary_missing_parts_still_reads():
    s = audit_section(AuditReport([], {"splits": "?", "labels": {"counts": {"train": "x"}}}))
    assert s.charts == () and s.splits == ()
