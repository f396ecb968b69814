"""The analyses, computed from hand-made trial records: each finding on a case that has it and its twin that does not."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from nnrecipe._tune._adoption import adoption
from nnrecipe._tune._axes import axis_info
from nnrecipe._tune._best_of_k import best_of_k
from nnrecipe._tune._curves import diagnose_curve
from nnrecipe._tune._isolation import isolation_info
from nnrecipe._tune._records import TrialRecord
from nnrecipe._tune._stability import stability_advice
from nnrecipe._tune._train_length import train_length
from nnrecipe.tuning import Goal, Param, Space

MAX = Goal(metric="val_accuracy", direction="maximize")
LR = Param(name="lr", kind="log", low=1e-4, high=1e-1)
OPT = Param(name="optimizer", kind="choices", choices=("adam", "sgd"), role="scientific")


def rec(number, value, params=None, *, outcome="complete", val=(), train=(), steps=100, best_step=None, arm=None, norms=(), step_losses=()):
    return TrialRecord(
        number=number, outcome=outcome, params=params or {}, hparams={}, value=value, final=value,
        best_step=best_step, steps=steps, seconds=1.0, train_curve=list(train), val_curve=list(val),
        grad_norms=list(norms), step_losses=list(step_losses), run_dir=None, retry_of=None, retried=False,
        arm=arm, seed=None, error=None,
    )


def test_isolation_takes_the_best_of_each_scientific_value_and_flags_thin_ones():
    records = [rec(0, 0.9, {"optimizer": "adam"}), rec(1, 0.7, {"optimizer": "adam"}), rec(2, 0.95, {"optimizer": "sgd"}),
               rec(3, None, {"optimizer": "sgd"}, outcome="infeasible")] + [rec(4 + i, 0.5, {"optimizer": "adam"}) for i in range(2)]
    (info,) = isolation_info(records, Space((OPT,)), MAX)
    adam, sgd = info.points
    assert (adam.best, adam.best_trial, len(adam.trials)) == (0.9, 0, 4)
    assert (sgd.best, sgd.infeasible) == (0.95, 1)
    assert info.winner == "sgd"
    assert any("'sgd' has only 1 feasible trial" in n for n in info.notes)
    assert not any("'adam' has only" in n for n in info.notes)


def _lr_trials(values_at, n=12, outcome_at=lambda u: "complete"):
    """``n`` trials spread evenly over LR's log range (as quasi-random search spreads them), scored by position u in [0, 1]."""
    us = [(i + 0.5) / n for i in range(n)]
    out = []
    for i, u in enumerate(us):
        outcome = outcome_at(u)
        value = values_at(u) if outcome == "complete" else None
        out.append(rec(i, value, {"lr": 10 ** (-4 + 3 * u)}, outcome=outcome))
    return out


def _wobble(u):
    return 0.004 * math.sin(40 * u)  # evaluation noise, well below the trends below


@pytest.mark.parametrize(("side", "values_at", "bound"), [("upper", lambda u: 0.5 + 0.4 * u, "0.1 (e.g. to 1)"),
                                                          ("lower", lambda u: 0.9 - 0.4 * u, "0.0001 (e.g. to 1e-05)")])
def test_best_trial_at_an_edge_with_a_trend_toward_it_names_the_bound_to_extend(side, values_at, bound):
    (info,) = axis_info(_lr_trials(lambda u: values_at(u) + _wobble(u)), Space((LR,)), MAX)
    assert len(info.warnings) == 1 and info.notes == []
    assert f"lies in the {side} 20% of [0.0001, 0.1]" in info.warnings[0] and f"extend the {side} bound {bound}" in info.warnings[0]
    (edge,) = [e for e in info.edges if e.warn]
    assert edge.side == side and edge.n == 6 and edge.rho is not None and edge.rho > 0.9 and edge.p_value is not None and edge.p_value < 0.01


def test_best_trial_at_an_edge_without_a_trend_toward_it_raises_no_warning():
    # The best trial is at the top, but across the upper half the metric falls toward the edge: a lucky outlier.
    values = {11: 0.95}
    (info,) = axis_info(_lr_trials(lambda u: values.get(round(u * 12 - 0.5), 0.9 - 0.2 * abs(u - 0.4))), Space((LR,)), MAX)
    assert info.warnings == []
    assert len(info.notes) == 1 and "no clear trend toward that edge" in info.notes[0] and "probably inside" in info.notes[0]


def test_an_interior_optimum_raises_no_boundary_warning_or_note():
    (info,) = axis_info(_lr_trials(lambda u: 0.9 - 0.5 * (u - 0.5) ** 2 + _wobble(u)), Space((LR,)), MAX)
    assert info.warnings == [] and info.notes == []
    assert len(info.points) == 12 and not any(e.best_at_edge for e in info.edges)


def test_an_optimum_just_below_diverging_learning_rates_is_inside_the_range():
    # The best trials sit at the top of the feasible rates; above them, trials diverge.
    trials = _lr_trials(lambda u: 0.5 + 0.4 * u, outcome_at=lambda u: "infeasible" if u > 0.9 else "complete")
    (info,) = axis_info(trials, Space((LR,)), MAX)
    assert info.warnings == []
    assert [p.outcome for p in info.points].count("infeasible") == 1  # infeasible trials stay on the axis plot


def test_too_few_trials_near_the_edge_say_so_instead_of_warning():
    (info,) = axis_info(_lr_trials(lambda u: 0.5 + 0.4 * u, n=4), Space((LR,)), MAX)
    assert info.warnings == []
    assert len(info.notes) == 1 and "too few (under 5) to tell a trend" in info.notes[0]


def test_infeasible_trials_stay_on_the_axis_plot():
    records = [rec(0, 0.9, {"lr": 1e-3}), rec(1, None, {"lr": 0.09}, outcome="infeasible")]
    (info,) = axis_info(records, Space((LR,)), MAX)
    assert [p.outcome for p in info.points] == ["complete", "infeasible"]


def test_best_of_k_sees_diminishing_returns_on_a_plateau():
    records = [rec(i, 0.9 + 0.001 * (i % 3)) for i in range(12)]
    assert best_of_k(records, MAX).enough is True


def test_best_of_k_asks_for_more_trials_when_good_ones_are_rare():
    result = best_of_k([rec(i, 0.1) for i in range(11)] + [rec(11, 0.9)], MAX)
    assert result.enough is False and "sample more trials" in result.message
    assert result.median[0] == pytest.approx(0.1) and result.median[-1] == pytest.approx(0.9)
    assert all(lo <= m <= hi for lo, m, hi in zip(result.low, result.median, result.high))
    assert result.observed == [0.1] * 11 + [0.9]  # the best so far, in the order trials ran


def test_a_late_gain_within_the_evaluation_noise_is_no_gain():
    records = [rec(i, 0.1) for i in range(11)] + [rec(11, 0.9)]
    assert best_of_k(records, MAX, noise=1.0).enough is True


def test_best_of_k_needs_enough_trials_to_say_anything():
    assert best_of_k([rec(i, 0.5) for i in range(3)], MAX).enough is None


def _curve(metric, loss, train):
    steps = [10 * (i + 1) for i in range(len(metric))]
    return {"val": list(zip(steps, loss, metric)), "train": list(zip(steps, train)), "steps": steps[-1]}


def test_rising_validation_loss_while_training_loss_falls_is_overfitting():
    c = _curve([0.5, 0.7, 0.8, 0.8, 0.79, 0.78], [1.0, 0.6, 0.5, 0.6, 0.8, 1.0], [1.0, 0.6, 0.4, 0.2, 0.1, 0.05])
    assert diagnose_curve(rec(0, 0.8, best_step=30, **c), MAX).overfitting


def test_a_clean_converging_curve_is_not_overfitting():
    c = _curve([0.5, 0.7, 0.8, 0.85, 0.86, 0.86], [1.0, 0.6, 0.5, 0.45, 0.44, 0.44], [1.0, 0.6, 0.4, 0.3, 0.28, 0.27])
    d = diagnose_curve(rec(0, 0.86, best_step=50, **c), MAX)
    assert not (d.overfitting or d.noisy)


def test_a_curve_still_rising_at_the_end_says_train_longer():
    c = _curve([0.2, 0.4, 0.5, 0.6, 0.7, 0.8], [2, 1.5, 1.2, 1.0, 0.9, 0.8], [2, 1.5, 1.2, 1.0, 0.9, 0.8])
    d = diagnose_curve(rec(0, 0.8, best_step=60, **c), MAX)
    assert d.still_improving and not d.saturated_early and "train longer" in d.notes[0]


def test_a_curve_that_peaked_early_says_train_shorter():
    c = _curve([0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], [0.5, 0.3] + [0.3] * 6, [0.5, 0.3] + [0.3] * 6)
    assert diagnose_curve(rec(0, 0.9, best_step=20, **c), MAX).saturated_early


def test_late_jumps_larger_than_a_tenth_of_the_gain_are_noise():
    c = _curve([0.1, 0.5, 0.6, 0.8, 0.6, 0.8, 0.6, 0.8, 0.6], [1.0] * 9, [1.0] * 9)
    assert diagnose_curve(rec(0, 0.8, best_step=80, **c), MAX).noisy


def test_train_length_suggests_more_steps_when_best_checkpoints_come_last():
    verdict = train_length([rec(i, 0.9, steps=1000, best_step=990) for i in range(5)])
    assert verdict.suggested_steps == 2000 and verdict.median == pytest.approx(0.99)


def test_train_length_suggests_fewer_steps_when_best_checkpoints_come_early():
    verdict = train_length([rec(i, 0.9, steps=1000, best_step=200 + 50 * i) for i in range(5)])
    assert verdict.suggested_steps == math.ceil(1.25 * 400)


def test_adoption_needs_a_gain_beyond_the_seed_to_seed_spread():
    clear = [rec(i, 0.95 + 0.002 * i, arm="candidate") for i in range(5)] + [rec(5 + i, 0.90 + 0.002 * i, arm="baseline") for i in range(5)]
    verdict = adoption(clear, MAX)
    assert verdict is not None and verdict.adopt
    torch.testing.assert_close(verdict.difference, 0.05)
    assert verdict.ci_low > 0 and verdict.ci_low < 0.05 < verdict.ci_high
    noisy = [rec(i, v, arm="candidate") for i, v in enumerate([0.93, 0.88, 0.95])] + [rec(9 + i, v, arm="baseline") for i, v in enumerate([0.90, 0.92, 0.89])]
    verdict = adoption(noisy, MAX)
    assert verdict is not None and not verdict.adopt and verdict.ci_low < 0 < verdict.ci_high
    assert adoption(clear[:1] + clear[5:], MAX) is None  # one candidate seed: no variance


def test_early_loss_blow_ups_advise_warmup_and_clipping_at_the_90th_percentile():
    norms = [(s, float(v)) for s, v in enumerate(np.linspace(1.0, 10.0, 10))]
    spiky = rec(0, 0.8, steps=100, step_losses=[(1, 2.3), (2, 2.0), (3, 5.0), (4, 1.9)], norms=norms)
    calm = rec(1, 0.9, steps=100, step_losses=[(1, 2.3), (2, 2.0), (3, 1.8), (4, 1.5)], norms=norms)
    advice = stability_advice([spiky, calm])
    assert advice.unstable_trials == [0] and advice.warmup_steps == 5
    torch.testing.assert_close(advice.grad_clip_norm, float(np.percentile([v for _, v in norms * 2], 90)))
    assert stability_advice([calm]).warmup_steps is None


def test_a_search_that_learned_nothing_has_no_best_trial_at_an_edge():
    (info,) = axis_info(_lr_trials(lambda u: 0.1), Space((LR,)), MAX)  # every trial ties
    assert info.warnings == [] and info.notes == []


def test_the_experiments_reference_is_read_from_the_best_trials_run_and_shown(tmp_path):
    import dataclasses
    import json

    from nnrecipe._tune._analysis import analysis_of
    from nnrecipe._tune._study import Study

    study = Study(name="s", experiment="e.py", space=Space((LR,)), goal=MAX)
    run = tmp_path / "trial-0"
    run.mkdir()
    (run / "config.json").write_text(json.dumps({"reference": {"val_accuracy": 0.96, "bad": "x"}}))
    best = dataclasses.replace(rec(0, 0.98, {"lr": 1e-3}), run_dir=str(run))
    analysis = analysis_of(study, [best, rec(1, 0.5, {"lr": 1e-2})])
    assert analysis.reference == {"val_accuracy": 0.96}
    assert "reference val_accuracy 0.96 (declared by the experiment); best trial 0.98" in analysis.to_text()
    elsewhere = dataclasses.replace(best, run_dir=str(tmp_path / "on-another-machine"))
    assert analysis_of(study, [elsewhere]).reference == {}  # a shared storage's folders may be elsewhere
