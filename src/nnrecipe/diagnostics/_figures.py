"""The interpretation's pictures for TensorBoard: the confusion matrix and the worst examples.

Drawn with matplotlib's object API on an Agg canvas (no pyplot, no display), returned as
``(H, W, 3)`` uint8 arrays for ``SummaryWriter.add_image``.
"""

from __future__ import annotations

import math

import numpy as np

from .._audit._split import as_image, input_kind
from ._interpretation_data import InterpretationData

__all__ = ["confusion_figure", "top_losses_figure"]

_LABELLED = 30  # classes with their number on the axes


def _pixels(fig: object) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # type: ignore[arg-type]
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def confusion_figure(data: InterpretationData) -> np.ndarray | None:
    """Rows true, columns predicted, each row as shares of its class (recall on the diagonal)."""
    if data.confusion is None:
        return None
    from matplotlib.figure import Figure

    m = np.asarray(data.confusion, dtype=float)
    shares = m / np.maximum(m.sum(1, keepdims=True), 1)
    c = len(m)
    fig = Figure(figsize=(min(12, 3 + 0.35 * c), min(12, 3 + 0.35 * c)), dpi=80)
    ax = fig.add_subplot()
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, label="share of the true class")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"confusion on {data.split} ({data.weights} weights, step {data.step})")
    if c <= _LABELLED:
        ax.set_xticks(range(c))
        ax.set_yticks(range(c))
        if c <= 12:
            for i in range(c):
                for j in range(c):
                    ax.text(j, i, str(int(m[i, j])), ha="center", va="center", fontsize=8, color="white" if shares[i, j] > 0.5 else "black")
    fig.tight_layout()
    return _pixels(fig)


def top_losses_figure(data: InterpretationData) -> np.ndarray | None:
    """The worst examples, each captioned with its loss, target and prediction."""
    t = data.top_losses
    if not len(t.losses):
        return None
    from matplotlib.figure import Figure

    k = len(t.losses)
    cols = min(4, k)
    rows = math.ceil(k / cols)
    fig = Figure(figsize=(3 * cols, 2.4 * rows), dpi=80)
    shape = tuple(t.inputs.shape[1:])
    kind = input_kind(shape) if shape else "vector"
    for i in range(k):
        ax = fig.add_subplot(rows, cols, i + 1)
        x = np.asarray(t.inputs[i], dtype=float)
        if kind == "image":
            ax.imshow(as_image(x, shape), cmap="gray")
            ax.set_axis_off()
        elif kind == "sequence":
            ax.plot(x.reshape(-1, shape[-1]).T, linewidth=1)
        else:
            ax.bar(range(x.size), x.reshape(-1))
        ax.set_title(_caption(data, i), fontsize=9)
    fig.tight_layout()
    return _pixels(fig)


def _caption(data: InterpretationData, i: int) -> str:
    t = data.top_losses
    head = f"#{int(t.indices[i])} loss {float(t.losses[i]):.3g}"
    if data.task == "regression":
        return f"{head}\ny {np.round(np.asarray(t.targets[i], dtype=float), 3).tolist()} pred {np.round(np.asarray(t.predicted[i], dtype=float), 3).tolist()}"
    if int(t.predicted[i]) < 0:
        return head
    return f"{head}\ntrue {int(t.targets[i])} pred {int(t.predicted[i])} ({float(t.confidence[i]):.0%})"
