"""The tuning figures: every line labelled, every axis named with its scale, a boundary warning only with a trend."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest

from nnrecipe import Study
from nnrecipe._tune._analysis import analysis_of
from nnrecipe._tune._records import TrialRecord
from nnrecipe._tune._render_png import figures, save_plots
from nnrecipe._tune._study import Goal
from nnrecipe.tuning import Param, Space

OPT = Param(name="optimizer", kind="choices", choices=("adam", "sgd"), role="scientific")
LR = Param(name="lr", kind="log", low=1e-4, high=1e-1)


def _study():
    return Study(name="s", experiment="e.py", goal=Goal(metric="val_accuracy", direction="maximize"), space=Space((OPT, LR)))


def _records(score):
    out = []
    for i in range(12):
        u = (i + 0.5) / 12
        value = score(u)
        val = [] if value is None else [(10 * k, 1.0 - value * k / 4, value * k / 4) for k in range(1, 5)]
        outcome = "infeasible" if value is None else "complete"
        out.append(TrialRecord(
            number=i, outcome=outcome, params={"optimizer": "adam" if i % 2 else "sgd", "lr": 10 ** (-4 + 3 * u)}, hparams={},
            value=value, final=value, best_step=40, steps=40, seconds=1.0, train_curve=[(10 * k, 1.0) for k in range(1, 5)],
            val_curve=val, grad_norms=[], step_losses=[], run_dir=None, retry_of=None,
            retried=False, arm=None, seed=None, error=None,
        ))
    return out


@pytest.fixture
def drawn():
    figs = []

    def draw(score):
        figs.extend(figures(analysis_of(_study(), _records(score))))
        return dict(figs)

    yield draw
    for _, fig in figs:
        plt.close(fig)


def test_every_line_has_a_legend_entry_and_every_axis_a_label(drawn):
    figs = drawn(lambda u: None if u > 0.9 else 0.5 + 0.4 * u)  # with infeasible trials, to draw them too
    assert set(figs) == {"isolation", "axes", "best_of_k", "curves"}
    for name, fig in figs.items():
        for ax in (a for a in fig.axes if a.get_visible()):
            assert ax.get_xlabel() and ax.get_ylabel(), (name, ax.get_title())
            assert ax.get_legend() is not None, (name, ax.get_title())
            unlabelled = [line for line in ax.get_lines() if line.get_label().startswith("_")]
            assert unlabelled == [], (name, ax.get_title())
    lr_axis = next(ax for ax in figs["axes"].axes if ax.get_title().startswith("lr"))
    assert "log scale" in lr_axis.get_xlabel() and "higher is better" in lr_axis.get_ylabel()


def test_a_boundary_warning_draws_its_trend_and_an_edge_without_one_does_not(drawn):
    warned = next(ax for ax in drawn(lambda u: 0.5 + 0.4 * u + 0.004 * math.sin(40 * u))["axes"].axes if ax.get_title().startswith("lr"))
    assert "beyond the upper bound" in warned.get_title()
    assert any("trend over the upper half" in line.get_label() for line in warned.get_lines())
    lucky = {11: 0.95}
    calm = next(ax for ax in drawn(lambda u: lucky.get(round(u * 12 - 0.5), 0.9 - 0.2 * abs(u - 0.4)))["axes"].axes if ax.get_title().startswith("lr"))
    assert calm.get_title() == "lr" and calm.get_lines() == []


def test_figures_are_written_as_png_files(tmp_path):
    paths = save_plots(analysis_of(_study(), _records(lambda u: 0.5 + 0.4 * u)), tmp_path)
    assert sorted(p.name for p in paths) == ["axes.png", "best_of_k.png", "curves.png", "isolation.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
