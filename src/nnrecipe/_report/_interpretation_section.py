"""The interpretation section of one run: what the best model gets right and wrong.

Drawn from :class:`~nnrecipe.diagnostics.InterpretationData`
(``<run>/diagnostics/interpretation.*``): the confusion matrix and per-class metrics, the
most frequent mistakes, the examples with the highest loss drawn as their data is (image
tiles, curves, or rows of values for tabular data), and predictions against targets for
regression.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._audit._split import as_image, input_kind
from ..diagnostics import InterpretationData
from ._chart import Chart, Line, Points
from ._examples import Example, ExampleRow, _png, _series
from ._section import Headline, Section
from ._table import Table

__all__ = ["InterpretationSection", "interpretation_section"]

MATRIX_CLASSES = 20  # the confusion matrix is drawn as a table up to this many classes
MAX_SCATTER = 1000  # points drawn
POOR_RECALL = 0.5  # a class recalled below this, far under the others', is named


@dataclasses.dataclass(frozen=True)
class InterpretationSection(Section):
    """Interpretation after training.

    Attributes:
        title: ``"Interpretation: <run>"``; ``folder`` the run folder.
        facts: Which weights, on which split, the accuracy or errors, the model's value
            against the experiment's reference.
        tables: Confusion (counts, rows true), per-class metrics, the most frequent mistakes;
            tabular worst examples as rows of values.
        worst: The worst examples as pictures or curves (empty for tabular data).
        charts: Regression's predictions against targets.
        problems: Classes the model barely recalls.
    """

    title: str
    folder: str
    facts: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]
    worst: tuple[ExampleRow, ...]
    charts: tuple[Chart, ...]
    problems: tuple[Headline, ...]

    def headlines(self) -> list[Headline]:
        return list(self.problems)


def interpretation_section(d: InterpretationData, folder: str, name: str, reference: dict[str, float] | None = None) -> InterpretationSection:
    """The section from a run's interpretation (and the experiment's reference metric, if declared)."""
    which = f"the best weights (step {d.step}, by {d.monitor})" if d.weights == "best" else f"the final weights (step {d.step})"
    facts = [("computed from", f"{which}, on all {d.examples} {d.split} examples")]
    tables: list[Table] = []
    charts: list[Chart] = []
    problems: list[Headline] = []
    if d.accuracy is not None:
        facts.append(("accuracy", f"{d.accuracy:.4g}"))
    for key, value in (reference or {}).items():
        facts.append((f"reference {key}", f"{value:.4g} (declared by the experiment)"))
    if d.per_class is not None and d.classes is not None:
        tables += _class_tables(d)
        problems += _poor_classes(d, name)
    if d.scatter is not None:
        s = d.scatter
        facts.append(("errors", f"MAE {s.mae:.4g}, RMSE {s.rmse:.4g}, R² {s.r2:.3g}"))
        charts.append(_scatter(d))
    worst, table = _worst(d)
    if table is not None:
        tables.append(table)
    return InterpretationSection(f"Interpretation: {name}", folder, tuple(facts), tuple(tables), worst, tuple(charts), tuple(problems))


def _class_tables(d: InterpretationData) -> list[Table]:
    assert d.per_class is not None and d.classes is not None
    out = []
    c = d.classes
    if d.confusion is not None and c <= MATRIX_CLASSES:
        rows = tuple((f"true {i}", *(str(int(v)) for v in d.confusion[i])) for i in range(c))
        out.append(Table("confusion matrix (rows: true class, columns: predicted)", ("", *(f"pred {j}" for j in range(c))), rows))
    m = d.per_class
    order = np.argsort(np.nan_to_num(m.f1, nan=-1.0))[: MATRIX_CLASSES * 2]  # the worst classes first
    rows = tuple((str(int(i)), _f(m.precision[i]), _f(m.recall[i]), _f(m.f1[i]), str(int(m.support[i]))) for i in order)
    note = f"the {len(order)} classes with the lowest F1 of {c}" if len(order) < c else "worst F1 first"
    out.append(Table("per-class metrics", ("class", "precision", "recall", "F1", "support"), rows, note=note))
    if d.confused:
        out.append(Table("most frequent mistakes", ("true class", "predicted", "examples"), tuple((str(t), str(p), str(n)) for t, p, n in d.confused)))
    return out


def _f(v: float) -> str:
    return "undefined" if not math.isfinite(float(v)) else f"{float(v):.3f}"


def _poor_classes(d: InterpretationData, name: str) -> list[Headline]:
    assert d.per_class is not None
    recall, support = d.per_class.recall, d.per_class.support
    ok = (support > 0) & np.isfinite(recall)
    if not ok.any():
        return []
    median = float(np.median(recall[ok]))
    poor = [int(i) for i in np.flatnonzero(ok & (recall < POOR_RECALL) & (recall < median - 0.25))]
    if not poor:
        return []
    listed = ", ".join(f"{i} ({recall[i]:.0%})" for i in poor[:6])
    return [Headline("warn", f"run {name}: classes {listed} are recalled far less than the others (median {median:.0%}): look at their "
                             "examples and labels, or rebalance (class weights, more data)")]


def _scatter(d: InterpretationData) -> Chart:
    s = d.scatter
    assert s is not None
    p, t = s.predicted[:MAX_SCATTER, 0], s.targets[:MAX_SCATTER, 0]
    lo, hi = float(np.nanmin([p.min(), t.min()])), float(np.nanmax([p.max(), t.max()]))
    return Chart("predictions against targets (first output)", "target", "prediction", points=(Points("examples", t.tolist(), p.tolist()),),
                 lines=(Line("perfect", (lo, hi), (lo, hi), dashed=True),),
                 note=f"{len(p)} examples spread over the split; MAE {s.mae:.4g}, RMSE {s.rmse:.4g}")


def _worst(d: InterpretationData) -> tuple[tuple[ExampleRow, ...], Table | None]:
    t = d.top_losses
    if not len(t.losses):
        return (), None
    shape = tuple(t.inputs.shape[1:])
    kind = input_kind(shape) if len(shape) >= 2 else "vector"
    captions = [_caption(d, i) for i in range(len(t.losses))]
    if kind == "image":
        return (ExampleRow("highest loss first", tuple(Example(c, png=_png(as_image(t.inputs[i], shape))) for i, c in enumerate(captions))),), None
    if kind == "sequence" or (len(shape) == 1 and shape[0] > 16):
        return (ExampleRow("highest loss first", tuple(Example(c, series=_series(t.inputs[i], shape)) for i, c in enumerate(captions))),), None
    flat = t.inputs.reshape(len(t.inputs), -1)
    header = ("example", *(f"x{j}" for j in range(flat.shape[1])))
    rows = tuple((captions[i], *(f"{v:.4g}" for v in flat[i])) for i in range(len(flat)))
    return (), Table("examples with the highest loss", header, rows)


def _caption(d: InterpretationData, i: int) -> str:
    t = d.top_losses
    head = f"#{int(t.indices[i])} loss {float(t.losses[i]):.3g}"
    if d.task == "regression":
        return f"{head} target {np.round(np.ravel(t.targets[i]), 3).tolist()} predicted {np.round(np.ravel(t.predicted[i]), 3).tolist()}"
    if int(t.predicted[i]) < 0:
        return head
    return f"{head}: true {int(t.targets[i])}, predicted {int(t.predicted[i])} ({float(t.confidence[i]):.0%})"
