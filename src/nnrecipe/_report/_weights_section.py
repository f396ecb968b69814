"""The weights-and-activations section of one run: first-layer weights as small pictures,
activation statistics, gradient and update norms per layer, and the learning rate.

Drawn from :func:`~nnrecipe.diagnostics.read_diagnostics` (``first_layer``,
``activations``, ``norms``). Many layers are thinned to :data:`SHOWN_LAYERS` evenly chosen
lines per chart, the first and the last always among them.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..diagnostics import ActivationData, FirstLayerData, NormData
from ..diagnostics._pictures import row_views
from ._chart import Chart, Line, Mark, pick_scale
from ._examples import Example, ExampleRow, _png, _series
from ._section import Headline, Section

__all__ = ["DEAD_WARN", "RATIO_WARN", "WeightsSection", "weights_section"]

SHOWN_LAYERS = 8
SHOWN_FILTERS = 16  # filters or rows drawn per snapshot
DEAD_WARN = 0.5  # share of dead units at the end of training that warns
RATIO_WARN = 0.1  # update / weight norm that warns (about 1e-3 is healthy)
HEALTHY_RATIO = 1e-3


@dataclasses.dataclass(frozen=True)
class WeightsSection(Section):
    """Weights and activations.

    Attributes:
        title: ``"Weights and activations: <run>"``; ``folder`` the run folder.
        filters: The first layer's filters or rows at its first and last snapshot (a row each).
        charts: Activation mean/std, saturated and dead shares per layer; gradient norm and
            update/weight ratio per layer; the learning rate.
        notes: What was thinned or could not be drawn.
        problems: Dead or saturated layers, updates far too large.
    """

    title: str
    folder: str
    filters: tuple[ExampleRow, ...]
    charts: tuple[Chart, ...]
    notes: tuple[str, ...]
    problems: tuple[Headline, ...]

    def headlines(self) -> list[Headline]:
        return list(self.problems)


def weights_section(folder: str, name: str, first: FirstLayerData | None, acts: ActivationData | None,
                    norms: NormData | None) -> WeightsSection:
    """The section from what a run recorded (any part may be ``None``)."""
    notes: list[str] = []
    problems: list[Headline] = []
    filters = _filters(first, notes) if first is not None else ()
    charts: list[Chart] = []
    if acts is not None:
        charts += _activation_charts(acts, notes)
        problems += _activation_problems(acts, name)
    if norms is not None:
        charts += _norm_charts(norms)
        problems += _norm_problems(norms, name)
    return WeightsSection(f"Weights and activations: {name}", folder, filters, tuple(charts), tuple(notes), tuple(problems))


def _shown(n: int) -> list[int]:
    if n <= SHOWN_LAYERS:
        return list(range(n))
    return sorted({round(i * (n - 1) / (SHOWN_LAYERS - 1)) for i in range(SHOWN_LAYERS)})


def _filters(d: FirstLayerData, notes: list[str]) -> tuple[ExampleRow, ...]:
    rows = []
    for k in sorted({0, len(d.steps) - 1}):
        kind, views = row_views(d, k)
        step = int(d.steps[k])
        if kind == "curves":
            examples = tuple(Example(f"{i}", series=_series(v, v.shape)) for i, v in enumerate(views[:SHOWN_FILTERS]))
        elif kind == "image":
            examples = tuple(Example(f"{i}", png=_png(_bigger(v))) for i, v in enumerate(views[:SHOWN_FILTERS]))
        else:
            examples = (Example(f"{len(views[0])} rows x {views[0].shape[1]} inputs", png=_png(_bigger(views[0]))),)
        rows.append(ExampleRow(f"{d.layer} at step {step}", examples))
    shown = min(SHOWN_FILTERS, d.weights.shape[1])
    notes.append(f"first layer {d.layer} ({d.kind}, weight {tuple(d.weight_shape)}): {shown} of its {d.rows_total} filters or rows, "
                 "each on its own grey scale (black lowest, white highest)")
    return tuple(rows)


def _bigger(img: np.ndarray) -> np.ndarray:
    """Small filters (3 x 3) blown up to at least 24 pixels a side, pixels kept square."""
    scale = max(1, math.ceil(24 / max(1, min(img.shape[0], img.shape[1]))))
    return np.kron(img, np.ones((scale, scale) + (1,) * (img.ndim - 2)))


def _layer_lines(steps: np.ndarray, values: np.ndarray, names: tuple[str, ...]) -> tuple[Line, ...]:
    return tuple(Line(names[i], steps.astype(float).tolist(), values[:, i].tolist()) for i in _shown(len(names)))


def _activation_charts(d: ActivationData, notes: list[str]) -> list[Chart]:
    if len(d.layers) > SHOWN_LAYERS:
        notes.append(f"{SHOWN_LAYERS} of {len(d.layers)} activation layers drawn, evenly spread from the first to the last")
    charts = [
        Chart("activation mean per layer", "step", "mean", lines=_layer_lines(d.steps, d.stat("mean"), d.layers)),
        Chart("activation std per layer", "step", "std", lines=_layer_lines(d.steps, d.stat("std"), d.layers)),
    ]
    if any(f != "none" for f in d.families):
        charts.append(Chart("share of saturated values per layer (flat region of its activation)", "step", "share saturated",
                            lines=_layer_lines(d.steps, d.stat("saturated"), d.layers)))
        charts.append(Chart("share of dead units per layer (saturated for every example of the batch)", "step", "share dead",
                            lines=_layer_lines(d.steps, d.stat("dead"), d.layers), y_marks=(Mark(DEAD_WARN, "warning level"),)))
    else:
        notes.append("the model applies its activations as functions: the layers' outputs are shown (mean and std), without dead or saturated shares")
    return charts


def _activation_problems(d: ActivationData, name: str) -> list[Headline]:
    out = []
    dead, sat = d.stat("dead")[-1], d.stat("saturated")[-1]
    for i, (layer, family) in enumerate(zip(d.layers, d.families)):
        if family == "rectifier" and dead[i] > DEAD_WARN:
            out.append(Headline("warn", f"run {name}: {dead[i]:.0%} of the units of layer {layer} are dead at the end of training (never "
                                        "positive on the fixed batch): lower the learning rate, check the initialisation, or use LeakyReLU/GELU"))
        elif family in ("tanh", "sigmoid") and sat[i] > DEAD_WARN:
            out.append(Headline("warn", f"run {name}: {sat[i]:.0%} of the values of {family} layer {layer} are saturated at the end of "
                                        "training (gradient near zero): normalise the inputs, scale the initialisation down, or add normalisation layers"))
    return out


def _norm_charts(d: NormData) -> list[Chart]:
    steps = d.steps.astype(float)
    grad = _layer_lines(steps, d.grad, d.layers)
    ratio = _layer_lines(steps, d.ratio, d.layers)
    charts = [
        Chart("gradient norm per layer", "step", "gradient L2 norm", lines=grad, y_scale=pick_scale(v for ln in grad for v in ln.y)),
        Chart("update / weight norm per layer (one optimizer step)", "step", "update / weight", lines=ratio, y_scale="log",
              y_marks=(Mark(HEALTHY_RATIO, "about 1e-3 is healthy"),)),
    ]
    if np.isfinite(d.lr).any():
        charts.append(Chart("learning rate", "step", "learning rate", lines=(Line("learning rate", steps.tolist(), d.lr.tolist()),)))
    return charts


def _norm_problems(d: NormData, name: str) -> list[Headline]:
    late = d.ratio[int(len(d.ratio) * 2 / 3):]
    if not len(late):
        return []
    with np.errstate(all="ignore"):
        typical = np.nanmedian(np.where(np.isfinite(late), late, np.nan), axis=0) if np.isfinite(late).any() else np.full(len(d.layers), np.nan)
    big = [(d.layers[i], float(r)) for i, r in enumerate(typical) if math.isfinite(r) and r > RATIO_WARN]
    if not big:
        return []
    listed = ", ".join(f"{layer} {r:.2g}" for layer, r in big[:4])
    return [Headline("warn", f"run {name}: each optimizer step changes the weights by more than {RATIO_WARN:.0%} of their norm late in "
                             f"training ({listed}; about 1e-3 is healthy): the learning rate is likely too high")]
