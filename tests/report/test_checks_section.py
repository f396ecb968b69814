"""The checks section, from check.json as `nnrecipe check` writes it."""

from __future__ import annotations

from nnrecipe import CheckReport, CheckResult
from nnrecipe._report import checks_section
from nnrecipe._report._sources import _read_checks

from .conftest import SCRIPT, write_check


def test_a_failed_check_is_an_error_with_its_fix_and_a_passing_twin_is_nothing(tmp_path):
    bad = checks_section(_read_checks(write_check(tmp_path / "a") / "check.json"))
    good = checks_section(_read_checks(write_check(tmp_path / "b", failing=False) / "check.json"))
    (h,) = bad.headlines()
    assert h.severity == "error" and h.text.startswith(f"check {SCRIPT} failed") and "use permute" in h.text
    assert good.headlines() == []
    assert bad.rows[0].status == "fail"  # failures first


def test_loss_curves_are_drawn_the_lr_range_against_a_log_learning_rate(tmp_path):
    s = checks_section(_read_checks(write_check(tmp_path / "c") / "check.json"))
    charts = {c.title: c for c in s.charts}
    assert charts["overfit_batch: loss"].y_marks[0].label == "target"
    lr = charts["lr_range: loss"]
    assert lr.x_scale == "log" and lr.x_label == "learning rate" and "suggested lr" in lr.x_marks[0].label


def test_labels_and_predictions_of_the_overfitted_batch_side_by_side(tmp_path):
    s = checks_section(_read_checks(write_check(tmp_path / "c") / "check.json"))
    assert s.labels_vs_predictions == (("0", "1", "2", "1"), ("0", "1", "2", "2"))


def test_pictures_outside_the_check_folder_are_never_read(tmp_path):
    folder = write_check(tmp_path / "c")
    s = checks_section(_read_checks(folder / "check.json"), folder=folder)
    assert len(s.pictures) == 1 and s.pictures[0].png.startswith(b"\x89PNG")
    assert any("/etc/passwd lies outside" in n for n in s.notes)


def test_a_report_in_memory_needs_no_folder():
    s = checks_section(CheckReport([CheckResult(name="x", status="warn", measured="m", expected="e", fix="f")]))
    assert [h.severity for h in s.headlines()] == ["warn"] and s.counts == (("warn", 1),)
