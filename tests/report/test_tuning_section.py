"""The tuning section, from `nnrecipe.analyze` of a study held in a journal file."""

from __future__ import annotations

import pytest

from nnrecipe import analyze
from nnrecipe._report import _tuning_section, tuning_section

from .conftest import IMG, SCRIPT, write_study


def test_isolation_axis_best_of_k_and_curve_plots(tmp_path):
    s = tuning_section(analyze(write_study(tmp_path)))
    titles = [c.title for c in s.charts]
    assert titles[0].startswith("isolation of optimizer")
    assert f"{'val_' + SCRIPT} against lr (best trials at the edge of the search range)" in titles
    assert titles[-2].startswith("enough trials?") and titles[-1].startswith("best trials")
    iso = s.charts[0]
    assert iso.x_categories == ("'adam'", "'sgd'") and len(iso.points[1].x) == 2  # one ring per value
    assert s.title == f"Tuning: {IMG}"


def test_a_boundary_warning_appears_only_where_the_analysis_has_one(tmp_path):
    edge = tuning_section(analyze(write_study(tmp_path / "a", edge=True)))
    inside = tuning_section(analyze(write_study(tmp_path / "b", edge=False)))
    lr_edge = next(c for c in edge.charts if " against lr" in c.title)
    lr_inside = next(c for c in inside.charts if " against lr" in c.title)
    assert "extend the upper bound" in lr_edge.note and any("lr:" in h.text for h in edge.headlines())
    assert lr_inside.note == "" and "edge" not in lr_inside.title
    assert lr_edge.x_scale == "log" and lr_edge.x_range == (1e-4, 1e-1)


def test_every_line_of_the_tuning_plots_is_labelled(tmp_path):
    s = tuning_section(analyze(write_study(tmp_path)))
    assert all(ln.label for c in s.charts for ln in c.lines)
    assert all(p.label for c in s.charts for p in c.points)


def test_a_cloud_of_trials_is_capped_keeping_the_best(tmp_path, monkeypatch):
    monkeypatch.setattr(_tuning_section, "MAX_SCATTER_POINTS", 20)
    monkeypatch.setattr(_tuning_section, "KEEP_BEST", 5)
    a = analyze(write_study(tmp_path, trials=60))
    s = tuning_section(a)
    lr = next(c for c in s.charts if " against lr" in c.title)
    assert sum(len(p.x) for p in lr.points) <= 20
    best = sorted((r.value for r in a.records if r.value is not None), reverse=True)[:5]
    assert set(best) <= {y for p in lr.points for y in p.y}
    assert any("20 of 60 trials drawn (the best 5" in n for n in s.notes)


def test_a_study_with_no_finished_trial_says_how_many_failed(tmp_path):
    with pytest.raises(ValueError, match="no finished trials \\(5 failed"):
        tuning_section(analyze(write_study(tmp_path, trials=5, complete=False)))


def test_the_experiments_reference_metric_is_shown_next_to_the_best_trial(tmp_path):
    import dataclasses

    a = analyze(write_study(tmp_path))
    assert not any(k.startswith("reference") for k, _ in tuning_section(a).facts)  # none declared, none shown
    metric = a.study.goal.metric
    s = tuning_section(dataclasses.replace(a, reference={metric: 0.5}))
    fact = dict(s.facts)[f"reference {metric}"]
    assert fact.startswith("0.5 (declared by the experiment); best trial: ")
    curves = next(c for c in s.charts if c.title.startswith("best trials"))
    assert [(m.at, m.label) for m in curves.y_marks] == [(0.5, "reference 0.5")]
