"""The audit section, from the audit's typed summary: as the real audit writes it, and from
summaries built section by section."""

from __future__ import annotations

import dataclasses
import json

import numpy as np

import nnrecipe
from nnrecipe import AuditReport
from nnrecipe._report import audit_section
from nnrecipe._report._audit_facts import MAX_CLASS_ROWS
from nnrecipe._report._downsample import MAX_LINE_POINTS
from nnrecipe.auditing import BaselineFigures, Gallery, RegressionTargets, SequenceTargets

from .conftest import IMG, LEAKED, SCRIPT, findings, summary, write_audit


def _charts(report: AuditReport) -> dict[str, nnrecipe.reporting.Chart]:
    return {c.title: c for c in audit_section(report).charts}


def _facts(report: AuditReport) -> dict[str, str]:
    return dict(audit_section(report).facts)


def test_the_real_audits_findings_become_headlines_errors_first(audited):
    s = audit_section(AuditReport.from_json((audited / "audit.json").read_text()), folder=audited)
    severities = [h.severity for h in s.headlines()]
    assert severities[0] == "error" and "warn" in severities and severities == sorted(severities, key=["error", "warn"].index)
    leak = next(f for f in s.findings if f.kind == "leakage")
    assert leak.severity == "error" and leak.examples == ", ".join(f"val[{i}]" for i in range(LEAKED))
    assert any(f.kind == "outliers" and f.examples.startswith("train[0]") for f in s.findings)


def test_the_real_audit_reads_the_same_from_memory_and_from_audit_json(audited):
    from_json = AuditReport.from_json((audited / "audit.json").read_text())
    again = AuditReport.from_json(from_json.to_json())
    a, b = audit_section(from_json), audit_section(again)
    assert (a.facts, a.splits, a.classes, a.label_errors, a.charts, a.extremes) == (b.facts, b.splits, b.classes, b.label_errors, b.charts, b.extremes)
    assert a.classes is not None and [r[0] for r in a.classes.rows] == sorted([SCRIPT, IMG, "cat"])
    assert a.label_errors is not None and [r[0] for r in a.label_errors.rows] == ["train"] * 2 + ["val"] * 2  # a row per baseline
    assert {"task", "classes", "expected initial loss", "input scale", "near-duplicate threshold", "label errors"} <= dict(a.facts).keys()


def test_an_outlier_is_a_marked_bar_beyond_the_axis_and_its_clean_twin_has_none():
    squashed = _charts(AuditReport([], summary()))["mean of each training example"]
    clean = _charts(AuditReport([], summary(outlier=False)))["mean of each training example"]
    bins, beyond = squashed.bars
    assert beyond.marked and beyond.labels == ("1",) and beyond.left[0] > bins.left[-1] + bins.width[-1]
    assert "highest 40" in beyond.label and "marked bars" in squashed.note
    assert sum(h > 0 for h in bins.height) > 10  # the bulk fills the bins instead of one bar
    assert squashed.y_scale == "linear" and len(clean.bars) == 1


def test_a_statistic_spanning_orders_of_magnitude_gets_a_log_axis():
    charts = _charts(AuditReport([], summary()))
    assert charts["nn_distance of each training example"].x_scale == "log"
    assert charts["std of each training example"].x_scale == "linear"


def test_a_statistic_equal_for_every_example_is_no_histogram_but_is_in_the_extremes():
    s = audit_section(AuditReport([], summary()))
    assert "length of each training example" not in [c.title for c in s.charts]
    assert s.extremes is not None and ("train", "length", "0: 40, 1: 40, 2: 40", "2999: 40, 2998: 40, 2997: 40") in s.extremes.rows


def test_class_shares_use_the_class_names():
    shares = audit_section(AuditReport([], summary())).charts[0]
    assert shares.x_categories == (SCRIPT, IMG, "cat")
    assert [b.label for b in shares.bars] == ["train", "val"]
    assert abs(sum(shares.bars[0].height) - 1.0) < 1e-9


def test_the_class_table_marks_a_class_absent_from_train_and_gives_the_bias():
    typed = summary()
    labels = dataclasses.replace(typed.labels, counts={"train": (1000, 1200, 0), "val": (150, 200, 150)}, absent_classes=(2,))
    s = audit_section(AuditReport([], dataclasses.replace(typed, labels=labels)))
    assert s.classes is not None and s.classes.header == ("class", "train", "val", "bias init")
    assert s.classes.rows[2][:3] == ("cat", "0 (0.0%): absent from train", "150 (30.0%)")
    assert s.classes.rows[0][3] == f"{labels.bias_init[0]:.3g}"
    assert dict(s.facts)["absent from train"].startswith("cat:")


def test_label_errors_show_the_noise_estimate_per_split_or_why_there_is_none():
    s = audit_section(AuditReport([], summary()))
    assert s.label_errors is not None
    rows = {r[0]: r for r in s.label_errors.rows}
    assert rows["train"][5] == "1.3%" and rows["train"][6] == "12"
    assert rows["val"][5] == "no baseline can tell"
    skipped = dataclasses.replace(summary().label_errors, skipped="fewer than 30 labelled examples")
    assert _facts(AuditReport([], summary(label_errors=skipped)))["label errors"] == "not judged: fewer than 30 labelled examples"


def test_each_label_baseline_gets_a_row_the_judge_first_with_the_estimate():
    judge = BaselineFigures("linear", "linear model", 3000, 0.55, 0.6, 300, 0.31, 0.92, can_tell=True)
    weak = BaselineFigures("neighbours", "20-nearest-neighbour vote on train", 3000, 0.42, 0.2, 300, 0.33)
    le = dataclasses.replace(summary().label_errors, noise_rate={"train": 0.31, "val": None}, baselines={"train": (judge, weak)})
    rows = audit_section(AuditReport([], summary(label_errors=le))).label_errors.rows  # type: ignore[union-attr]
    assert [r[:2] for r in rows[:2]] == [("train", "linear model"), ("train", "20-nearest-neighbour vote on train (cannot tell)")]
    assert rows[0][4:] == ("31.0%", "31.0%", "12") and rows[1][5:] == ("", "")


def test_input_scale_leakage_and_the_near_duplicate_threshold_are_facts():
    facts = _facts(AuditReport([], summary()))
    assert facts["constant features"] == "2: 3, 17"
    assert facts["best single feature"].startswith("feature 7 scores 0.41")
    assert facts["near-duplicate threshold"].startswith("distance 0.05")
    assert facts["audit time"] == "0.3 s"


def test_regression_targets_give_their_means_per_split():
    targets = RegressionTargets("regression", {"train": (0.5, 2.0), "val": (0.4, 2.1)}, {"train": (1.0, 3.0), "val": (1.1, 2.9)}, (0.5, 2.0), 10.0)
    s = audit_section(AuditReport([], summary(labels=targets)))
    assert s.classes is None and s.targets is not None
    assert s.targets.rows == (("train", "0.5, 2", "1, 3"), ("val", "0.4, 2.1", "1.1, 2.9"))
    assert dict(s.facts)["task"] == "regression" and dict(s.facts)["bias init (train mean)"] == "0.5, 2"


def test_next_token_data_shows_the_inferred_shift_and_the_agreement_per_shift():
    targets = SequenceTargets("autoregressive", 1, {0: 0.02, 1: 0.97, 2: 0.05}, 50, 3.2)
    s = audit_section(AuditReport([], summary(labels=targets)))
    facts = dict(s.facts)
    assert facts["task"].startswith("autoregressive") and facts["inferred shift"] == "y[t] = x[t + 1]"
    assert s.targets is not None and s.targets.rows == (("+0", "0.02"), ("+1", "0.97"), ("+2", "0.05"))


def test_an_interrupted_audit_says_where_it_stopped():
    s = audit_section(AuditReport([], summary(stopped="neighbours")))
    assert s.stopped == "neighbours" and [h.severity for h in s.headlines()] == ["warn"]
    assert "neighbours" in s.headlines()[0].text and "partial" in dict(s.facts)["interrupted"]


def test_timings_are_a_table():
    s = audit_section(AuditReport([], summary()))
    assert s.timings is not None and s.timings.rows == (("read train", "0.10"), ("outliers", "0.20"))


def test_only_the_audits_example_pictures_are_inlined(tmp_path, audited):
    folder = write_audit(tmp_path / "audit", audited)
    s = audit_section(AuditReport.from_json((folder / "audit.json").read_text()), folder=folder)
    assert sorted(p.caption for p in s.pictures) == ["extremes", "samples per class"]


def test_an_audit_read_back_without_its_folder_says_it_has_no_examples():
    s = audit_section(AuditReport.from_json(AuditReport([], summary()).to_json()))
    assert s.headlines() == [] and s.pictures == () and s.per_class == ()
    assert any("no example inputs to draw" in n for n in s.notes)


def test_findings_from_json_keep_their_examples():
    s = audit_section(AuditReport.from_json(AuditReport(findings(), summary()).to_json()))
    assert s.findings[0].examples == "val[1], val[4], val[9]"
    assert [h.severity for h in s.headlines()] == ["error", "warn"]


def test_an_audit_in_memory_draws_its_examples_sequences_as_lines_images_as_tiles():
    rng = np.random.default_rng(0)
    seq = Gallery((40,), {SCRIPT: [("train", 3, rng.normal(size=40))]}, {"mean": [("train", 5, -1.5, rng.normal(size=40))]})
    img = Gallery((1, 8, 8), {"cat": [("train", 1, rng.normal(size=64))]}, {})
    s = audit_section(AuditReport([], summary(), seq))
    (row,) = s.per_class
    assert row.label == SCRIPT and row.examples[0].caption == "train[3]" and len(row.examples[0].series[0]) == 40
    assert s.extreme_examples[0].examples[0].caption == "train[5] -1.5"
    tile = audit_section(AuditReport([], gallery=img)).per_class[0].examples[0]
    assert tile.png.startswith(b"\x89PNG") and tile.series == ()


def test_an_older_audit_json_is_named_with_the_fix_and_the_other_sections_still_build(tmp_path, audited):
    old = write_audit(tmp_path / "runs" / "old-audit", audited)
    (old / "audit.json").write_text(json.dumps({"ok": True, "findings": [], "summary": {"splits": "?", "labels": {"counts": {"train": "x"}}}}))
    write_audit(tmp_path / "runs" / "new-audit", audited)
    r = nnrecipe.report(tmp_path / "runs")
    assert [s.title for s in r.sections] == ["Audit: new-audit"]
    (missing,) = r.missing
    assert "old-audit" in missing.what and "run `nnrecipe audit` again" in missing.reason


def test_a_thousand_classes_are_lines_over_the_ranked_classes_and_a_capped_table():
    rng = np.random.default_rng(0)
    train = tuple(int(v) for v in rng.integers(1, 500, size=1000)) + (0,) * 200
    val = tuple(int(v) for v in rng.integers(1, 50, size=1200))
    typed = summary()
    labels = dataclasses.replace(typed.labels, num_classes=1200, class_names=None, counts={"train": train, "val": val},
                                 absent_classes=tuple(range(1000, 1200)), bias_init=(0.0,) * 1200)
    s = audit_section(AuditReport([], dataclasses.replace(typed, labels=labels)))
    shares = s.charts[0]
    assert shares.bars == () and [ln.label for ln in shares.lines] == ["train", "val"]
    assert shares.size <= 2 * MAX_LINE_POINTS and shares.lines[0].y[0] == max(train) / sum(train)
    assert s.classes is not None and len(s.classes.rows) == 2 * MAX_CLASS_ROWS and "1,080 more classes" in s.classes.note
    assert dict(s.facts)["absent from train"].startswith("1000, 1001") and "(180 more)" in dict(s.facts)["absent from train"]
