"""The ensemble section, from an `EnsembleResult` with chosen figures and from a real `nnrecipe.ensemble`."""

from __future__ import annotations

import dataclasses

import pytest

import nnrecipe
from nnrecipe import EnsembleResult
from nnrecipe._report import _ensemble_section, ensemble_section
from nnrecipe._report._ensemble_section import read_ensemble

from .conftest import IMG, SCRIPT, ensemble_result, write_ensemble, write_run


def test_members_with_their_validation_value_and_weights_best_first():
    s = ensemble_section(ensemble_result(members=4))
    assert [m.label for m in s.members] == [SCRIPT, IMG, "trial 2", "trial 3"]
    assert [m.val for m in s.members] == pytest.approx([0.90, 0.89, 0.88, 0.87])
    first, second, third = s.members[:3]
    assert (first.greedy, first.picks, first.average) == pytest.approx((2 / 3, 2, 0.25))
    assert (second.greedy, second.picks) == pytest.approx((1 / 3, 1)) and (third.greedy, third.picks) == (0.0, 0)
    assert s.metric == "accuracy" and s.higher_is_better and (s.val_size, s.test_size) == (500, 1000)


def test_the_three_methods_on_validation_and_test_with_the_gain_and_its_interval():
    s = ensemble_section(ensemble_result(gain=0.03, interval=(0.01, 0.05)))
    single, average, greedy = s.methods
    assert single.name == f"best single ({SCRIPT})" and single.gain is None and single.interval is None
    assert (single.val, single.test) == pytest.approx((0.90, 0.88))
    assert average.name == "average of the best 3" and average.gain == pytest.approx(0.01)
    assert greedy.name == "greedy (3 picks of 2 models)" and greedy.models == 2
    assert (greedy.val, greedy.test, greedy.gain) == pytest.approx((0.95, 0.91, 0.03)) and greedy.interval == (0.01, 0.05)
    assert greedy.other_test == (("nll", 0.3),)
    assert s.method("greedy") is greedy and (s.confidence, s.resamples) == (0.95, 2000)


def test_the_headline_gives_the_gain_and_warns_only_when_the_saved_ensemble_is_worse_on_test():
    better = ensemble_section(ensemble_result(gain=0.03, interval=(0.01, 0.05)))
    assert [h.severity for h in better.headlines()] == ["info"]
    assert "test accuracy 91.00%, best single model 88.00%: gain +3.00 pts (95% CI +1.00 pts to +5.00 pts)" in better.headlines()[0].text
    worse = ensemble_section(ensemble_result(gain=-0.02, interval=(-0.04, 0.001)))
    assert [h.severity for h in worse.headlines()] == ["warn", "info"]
    assert "worse than the best single model on test" in worse.headlines()[0].text and "gain -2.00 pts" in worse.headlines()[0].text
    summary = nnrecipe.report(ensemble_result(gain=-0.02, interval=(-0.04, 0.001))).summary
    assert summary.worst == "warn" and "worse than the best single" in summary.items[0].headline.text


def test_a_validation_gain_whose_test_interval_includes_0_is_named_overfitting():
    overfit = ensemble_section(ensemble_result(greedy_val=0.95, gain=0.004, interval=(-0.003, 0.011)))
    assert any(n.startswith("greedy overfits validation: it gains +5.00 pts on validation, but its test gain's interval includes 0")
               for n in overfit.notes)
    below = ensemble_section(ensemble_result(greedy_val=0.95, gain=-0.02, interval=(-0.03, -0.01)))
    assert any("interval lies below 0" in n for n in below.notes)
    real_gain = ensemble_section(ensemble_result(greedy_val=0.95, gain=0.03, interval=(0.01, 0.05)))
    assert not any("overfits" in n for n in real_gain.notes)
    assert any("trial 9 (infeasible)" in n for n in real_gain.notes)  # runs left out are named


def test_the_trajectory_chart_draws_every_step_and_rings_the_point_kept():
    s = ensemble_section(ensemble_result())
    assert s.trajectory[:3] == ((1, 0.90), (2, pytest.approx(0.94)), (3, 0.95)) and s.best_size == 3
    chart = s.charts[0]
    assert chart.lines[0].x == (1, 2, 3, 4, 5, 6) and chart.lines[0].y[2] == 0.95
    assert chart.points[0].x == (3.0,) and chart.points[0].y == (0.95,) and chart.points[0].label == "kept: size 3, 95.00%"


def test_the_methods_chart_puts_each_interval_around_the_best_singles_test_value():
    chart = ensemble_section(ensemble_result(gain=0.03, interval=(0.01, 0.05))).charts[1]
    assert chart.x_categories == ("best single", "average of 3", "greedy (size 3)")
    validation, test = chart.points
    assert validation.y == pytest.approx((0.90, 0.91, 0.95)) and test.y == pytest.approx((0.88, 0.89, 0.91))
    (w,) = chart.whiskers
    assert w.x == test.x[1:]  # one whisker per ensemble, on its test point
    assert w.low == pytest.approx((0.87, 0.89)) and w.high == pytest.approx((0.91, 0.93))
    assert all(lo <= y <= hi for lo, y, hi in zip(w.low, test.y[1:], w.high))
    assert chart.y_marks[0].at == pytest.approx(0.88) and all(p.label for p in chart.points)


def test_a_metric_where_lower_is_better_turns_the_intervals_the_other_way():
    s = ensemble_section(ensemble_result(metric="nll", greedy_val=0.85, gain=0.03, interval=(0.01, 0.05)))
    assert not s.higher_is_better and s.method("greedy").test == pytest.approx(0.85)  # 0.88 - 0.03
    (w,) = s.charts[1].whiskers
    assert w.low[1] == pytest.approx(0.83) and w.high[1] == pytest.approx(0.87)
    assert [m.val for m in s.members] == pytest.approx([0.90, 0.91, 0.92])  # the lowest loss first
    assert "test nll 0.85, best single model 0.88: gain +0.03" in s.headlines()[0].text


def test_without_a_test_split_only_validation_is_shown_and_the_gain_is_not_claimed():
    s = ensemble_section(ensemble_result(test=False))
    assert [h.severity for h in s.headlines()] == ["info"] and "no test split" in s.headlines()[0].text
    assert s.charts[1].whiskers == () and "no test split" in s.charts[1].note
    assert any("only validation figures" in n for n in s.notes)


def test_a_large_library_lists_every_weighted_member_then_the_best_others(monkeypatch):
    monkeypatch.setattr(_ensemble_section, "MAX_MEMBER_ROWS", 5)
    r = ensemble_result(members=12)
    r = dataclasses.replace(r, average=dataclasses.replace(r.average, weights=(0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5)))
    s = ensemble_section(r)
    assert [m.label for m in s.members] == [SCRIPT, IMG, "trial 2", "trial 3", "trial 11"]
    assert "7 of 12 members have no weight in either ensemble and are not listed" in s.notes


def test_a_result_that_contradicts_itself_is_refused_with_the_fix():
    r = ensemble_result()
    with pytest.raises(ValueError, match="greedy weights have 2 entries for 3 members.*nnrecipe ensemble"):
        ensemble_section(dataclasses.replace(r, greedy=dataclasses.replace(r.greedy, weights=(0.5, 0.5))))
    with pytest.raises(ValueError, match="kept size 9 is outside its trajectory of 6 steps"):
        ensemble_section(dataclasses.replace(r, best_size=9))


def test_a_real_ensemble_reads_back_from_its_file_as_it_was_made(tmp_path):
    runs = [write_run(tmp_path / "runs" / name) for name in ("a", f"{IMG}-b", "c")]
    path = write_ensemble(runs)
    assert path == tmp_path / "runs" / "ensemble.json"
    from_file = read_ensemble(path)
    in_memory = ensemble_section(EnsembleResult.load(path))
    assert from_file.title == "Ensemble: runs" and from_file.source == str(path)
    assert dataclasses.replace(from_file, title="", source="", members=()) == dataclasses.replace(in_memory, title="", source="", members=())
    assert {(m.label, m.run_dir) for m in from_file.members} == {("a", "a"), (f"{IMG}-b", f"{IMG}-b"), ("c", "c")}
    assert {m.run_dir for m in in_memory.members} == {str(run.resolve()) for run in runs}
    greedy = from_file.method("greedy")
    assert greedy.gain is not None and greedy.interval is not None and greedy.interval[0] <= greedy.gain <= greedy.interval[1]
    assert len(from_file.trajectory) == 50 and 1 <= from_file.best_size <= 50


def test_greedy_that_kept_the_best_single_model_alone_says_so():
    r = ensemble_result(gain=0.0, interval=(0.0, 0.0), greedy_val=0.90)
    r = dataclasses.replace(r, best_size=1, greedy=dataclasses.replace(r.greedy, weights=(1.0, 0.0, 0.0)))
    s = ensemble_section(r)
    assert s.method("greedy").name == "greedy (1 pick of 1 model)" and s.members[0].picks == 1
    assert "greedy kept the best single model alone: no addition improved validation" in s.notes
    assert [h.severity for h in s.headlines()] == ["info"] and "gain +0.00 pts" in s.headlines()[0].text
