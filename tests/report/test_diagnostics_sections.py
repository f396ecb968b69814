"""The diagnostics' report sections as data: each finding on a broken run and its healthy twin."""

import numpy as np

from nnrecipe._report._dynamics_section import dynamics_section
from nnrecipe._report._interpretation_section import interpretation_section
from nnrecipe._report._weights_section import weights_section
from nnrecipe.diagnostics import (
    ActivationData,
    ClassMetrics,
    InterpretationData,
    NormData,
    PredictionData,
    Scatter,
    TopLosses,
)

from .conftest import SCRIPT

STEPS = np.arange(0, 1300, 100)


def _predictions(jitter: bool) -> PredictionData:
    rng = np.random.default_rng(0)
    targets = np.arange(32) % 4
    top = np.where(rng.random((len(STEPS), 32)) < (0.4 if jitter else 0.0), (targets + 1) % 4, targets)
    p = np.where(top == targets, 0.8, 0.2)
    return PredictionData("classification", "val", STEPS, 100, p, (top == targets).astype(float), top, None, tuple(targets), 4)


def test_predictions_that_keep_jumping_warn_and_steady_ones_do_not():
    jumpy, steady = dynamics_section(_predictions(True), "r", SCRIPT), dynamics_section(_predictions(False), "r", "r")
    assert jumpy.late_flips > 0.3 and "learning rate is likely too high" in jumpy.headlines()[0].text and SCRIPT in jumpy.headlines()[0].text
    assert steady.late_flips == 0.0 and steady.headlines() == []


def test_regression_dynamics_draw_the_predictions_with_their_targets():
    value = np.linspace(0, 1, len(STEPS))[:, None, None] * np.ones((1, 5, 1))
    d = PredictionData("regression", "val", STEPS, 100, None, None, None, value, tuple((1.0,) for _ in range(5)), None)
    s = dynamics_section(d, "r", "r")
    assert s.late_flips is None and len(s.charts) == 1 and len(s.charts[0].lines) == 5 and s.charts[0].y_marks[0].at == 1.0


def _activations(dead: float) -> ActivationData:
    stats = np.zeros((len(STEPS), 2, 4))
    stats[:, :, 3] = [dead, 0.0]
    stats[:, :, 2] = [0.5, 0.2]
    return ActivationData((SCRIPT, "act2"), ("rectifier", "tanh"), STEPS, 100, stats, "val", 64)


def _norms(ratio: float) -> NormData:
    w = np.ones((len(STEPS), 3))
    return NormData(("a", "b", "c"), STEPS, 100, w, w * ratio, w, np.full(len(STEPS), 1e-3))


def test_dead_layers_and_huge_updates_warn_and_healthy_ones_do_not():
    broken = weights_section("r", "r", None, _activations(0.9), _norms(0.5))
    healthy = weights_section("r", "r", None, _activations(0.05), _norms(1e-3))
    texts = [h.text for h in broken.headlines()]
    assert len(texts) == 2 and f"90% of the units of layer {SCRIPT} are dead" in texts[0] and "learning rate is likely too high" in texts[1]
    assert healthy.headlines() == []
    assert [c.title for c in healthy.charts][-1] == "learning rate" and healthy.filters == ()


def _interpretation(recalls: list[float], inputs: np.ndarray) -> InterpretationData:
    support = np.array([50, 50, 50])
    recall = np.array(recalls)
    metrics = ClassMetrics(recall, recall, recall, support)
    top = TopLosses(np.arange(4), np.array([3.0, 2.0, 1.0, 0.5]), np.zeros(4, dtype=int), np.ones(4, dtype=int), np.full(4, 0.9), inputs,
                    tuple(inputs.shape[1:]))
    return InterpretationData("classification", "val", 150, "best", 40, "val_loss", 3, float(recall.mean()), np.eye(3) * 50, metrics,
                              ((0, 1, 5),), top, None)


def test_a_class_recalled_far_less_than_the_others_warns():
    poor = interpretation_section(_interpretation([0.9, 0.95, 0.1], np.zeros((4, 5))), "r", "r")
    fine = interpretation_section(_interpretation([0.9, 0.95, 0.85], np.zeros((4, 5))), "r", "r")
    assert "classes 2 (10%)" in poor.headlines()[0].text and fine.headlines() == []


def test_worst_examples_are_drawn_as_their_data_is():
    tabular = interpretation_section(_interpretation([0.9] * 3, np.ones((4, 5))), "r", "r", {"val_accuracy": 0.96})
    assert tabular.worst == () and tabular.tables[-1].title == "examples with the highest loss" and len(tabular.tables[-1].rows) == 4
    assert ("reference val_accuracy", "0.96 (declared by the experiment)") in tabular.facts
    curves = interpretation_section(_interpretation([0.9] * 3, np.ones((4, 2, 40))), "r", "r")
    assert len(curves.worst[0].examples[0].series) == 2 and not curves.worst[0].examples[0].png
    images = interpretation_section(_interpretation([0.9] * 3, np.random.default_rng(0).random((4, 1, 16, 16))), "r", "r")
    assert images.worst[0].examples[0].png.startswith(b"\x89PNG")
    assert "true 0, predicted 1 (90%)" in images.worst[0].examples[0].caption


def test_regression_shows_predictions_against_targets():
    d = _interpretation([0.9] * 3, np.zeros((4, 5)))
    x = np.linspace(0, 1, 50)[:, None]
    import dataclasses

    d = dataclasses.replace(d, task="regression", classes=None, accuracy=None, confusion=None, per_class=None, confused=(),
                            scatter=Scatter(x + 0.1, x, 0.1, 0.1, 0.9))
    s = interpretation_section(d, "r", "r")
    assert s.charts[0].points[0].x == tuple(x.ravel()) and any(k == "errors" for k, _ in s.facts)
