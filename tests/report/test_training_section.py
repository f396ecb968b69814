"""The training-curves section, computed from run folders without drawing anything."""

from __future__ import annotations

import json

import pytest

from nnrecipe import CheckpointError
from nnrecipe._report import training_section
from nnrecipe._report._downsample import MAX_LINE_POINTS

from .conftest import SCRIPT, write_run


def _severities(section):
    return [(h.severity, h.text) for h in section.headlines()]


def test_a_healthy_run_has_loss_metric_curves_and_no_problem(tmp_path):
    s = training_section(write_run(tmp_path / "run"))
    assert [c.title for c in s.charts] == ["loss", "accuracy"]
    loss = s.charts[0]
    assert [ln.label for ln in loss.lines] == ["train loss", "validation loss"]
    assert loss.y_scale == "log"  # 2.3 down to 0.01: a linear axis would flatten the end
    assert loss.x_marks and "step" in loss.x_marks[0].label  # the best checkpoint
    assert s.headlines() == []
    assert ("status", "finished") in s.facts
    assert any("constant at 0.0003" in n for n in s.notes)


def test_overfitting_is_a_warning_and_its_clean_twin_is_not(tmp_path):
    bad = training_section(write_run(tmp_path / "bad", overfit=True))
    good = training_section(write_run(tmp_path / "good"))
    assert any(sev == "warn" and "overfits" in text for sev, text in _severities(bad))
    assert not any("overfits" in text for _, text in _severities(good))


def test_a_diverged_run_is_an_error_naming_the_step(tmp_path):
    s = training_section(write_run(tmp_path / "run", diverge_at=600))
    assert any(sev == "error" and "diverged at step 600" in text for sev, text in _severities(s))
    assert ("status", "diverged") in s.facts


def test_an_unfinished_run_shows_its_curves_and_says_it_did_not_finish(tmp_path):
    s = training_section(write_run(tmp_path / "run", finished=False))
    assert s.charts and any(sev == "warn" and "no result.json" in text for sev, text in _severities(s))


def test_a_decaying_learning_rate_gets_its_own_chart(tmp_path):
    s = training_section(write_run(tmp_path / "run", decay=True))
    assert [c.title for c in s.charts][-1] == "learning rate"


def test_100000_steps_are_drawn_with_few_points_and_the_spike_kept(tmp_path):
    s = training_section(write_run(tmp_path / "run", steps=100_000, log_every=1, val_every=1000, spike_at=61_234))
    train = s.charts[0].lines[0]
    assert len(train.x) <= MAX_LINE_POINTS
    assert max(train.y) == 50.0 and 61_234.0 in train.x
    assert any("buckets" in n for n in s.notes)


def test_names_are_kept_as_given(tmp_path):
    s = training_section(write_run(tmp_path / "run", metric=SCRIPT, hparams={SCRIPT: 1}))
    assert s.charts[1].title == SCRIPT
    assert (SCRIPT, "1") in s.hparams


def test_a_torn_metrics_file_keeps_the_rows_before_the_tear(tmp_path):
    run = write_run(tmp_path / "run")
    lines = (run / "metrics.jsonl").read_text().splitlines()
    (run / "metrics.jsonl").write_text("\n".join(lines[:5] + ['{"step": 3', *lines[6:]]) + "\n")
    s = training_section(run)
    assert any("damaged after row 5" in n for n in s.notes)
    assert s.charts


def test_an_older_run_folder_without_hparams_or_result_still_reads(tmp_path):
    run = write_run(tmp_path / "run", finished=False)
    (run / "config.json").write_text(json.dumps({"name": "old"}))
    s = training_section(run)
    assert s.hparams == () and s.charts


def test_an_older_run_with_metrics_but_no_config_shows_its_curves(tmp_path):
    run = write_run(tmp_path / "run")
    (run / "config.json").unlink()
    s = training_section(run)
    assert s.charts and any("no config.json" in n for n in s.notes)


def test_a_folder_without_config_is_not_a_run(tmp_path):
    with pytest.raises(CheckpointError, match="not an nnrecipe run folder"):
        training_section(tmp_path)


def test_several_changes_from_the_parent_are_a_warning(tmp_path):
    run = write_run(tmp_path / "run")
    config = json.loads((run / "config.json").read_text())
    config.update(parent=str(tmp_path / "parent"), diff_from_parent={"lr": [1e-3, 3e-4], "batch_size": [32, 64]})
    (run / "config.json").write_text(json.dumps(config))
    s = training_section(run)
    assert ("lr", "0.001", "0.0003") in s.changed
    assert any("changes 2 settings at once" in text for _, text in _severities(s))
