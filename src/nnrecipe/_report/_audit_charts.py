"""The audit's charts: class shares per split, and each per-example statistic's histogram on
the audit's robust axis, with the examples beyond that axis drawn apart at its ends."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import numpy as np

from .._audit._sections import ClassLabels, Histogram
from ._chart import Bars, Chart, Line, pick_scale
from ._downsample import envelope

__all__ = ["LOG_COUNTS", "MAX_BAR_CLASSES", "class_shares", "histogram_chart"]

LOG_COUNTS = 30.0  # a squashed histogram whose counts span more than this ratio gets a log count axis
MAX_BAR_CLASSES = 40  # beyond this many classes, shares are lines over the classes ranked


def class_shares(labels: ClassLabels) -> Chart | None:
    """Each class's share of each split, side by side (a class absent from a split has none).

    Example:
        >>> c = class_shares(ClassLabels("classification", 2, ("cat", "dog"), {"train": (3, 1)}, (0.75, 0.25), 3.0, (), (0.0, 0.0), 0.56))
        >>> c.x_categories, c.bars[0].height
        (('cat', 'dog'), (0.75, 0.25))
    """
    counts = {split: c for split, c in labels.counts.items() if c}
    if not counts:
        return None
    n = max(len(c) for c in counts.values())
    if n > MAX_BAR_CLASSES:
        return _ranked_shares(counts, n)
    names = labels.class_names or ()
    cats = tuple(names[i] if i < len(names) else str(i) for i in range(n))
    width = 0.8 / len(counts)
    bars = []
    for k, (split, c) in enumerate(counts.items()):
        total = sum(c) or 1
        bars.append(Bars(split, [i - 0.4 + k * width for i in range(len(c))], [width] * len(c), [v / total for v in c]))
    return Chart("class shares per split", "class", "share of the split", bars=tuple(bars), x_categories=cats)


def _ranked_shares(counts: Mapping[str, tuple[int, ...]], n: int) -> Chart:
    """Too many classes for bars: each split's shares as a line over the classes ranked by their
    train share (the slope is the imbalance, a line leaving train's is a split that differs)."""
    shares = {split: np.pad(np.asarray(c, dtype=float), (0, n - len(c))) / max(1, sum(c)) for split, c in counts.items()}
    order = np.argsort(-shares.get("train", next(iter(shares.values()))), kind="stable")
    lines = []
    for split, share in shares.items():
        x, y = envelope(np.arange(n), share[order])
        lines.append(Line(split, x.tolist(), y.tolist()))
    return Chart(f"class shares per split, {n:,} classes ranked by their train share", "class rank", "share of the split",
                 lines=tuple(lines), y_scale=pick_scale(v for ln in lines for v in ln.y),
                 note=f"more than {MAX_BAR_CLASSES} classes: lines instead of bars; the class table names them")


def histogram_chart(name: str, h: Histogram, split: str = "training") -> Chart | None:
    """The histogram of one statistic, or ``None`` when it has nothing to show (one value for
    every example: a fact, in the extremes table, not a picture).

    The bins span the audit's robust axis (on a log scale when ``h.scale == "log"``); the
    examples below and above it are two marked bars half a bin beyond each end, labelled with
    their counts. Counts go on a log axis when a few bins hold nearly everything.

    Example:
        >>> h = Histogram((0.0, 1.0, 2.0), (5, 3), "linear", below=0, above=1, low=0.1, high=40.0)
        >>> c = histogram_chart("mean", h)
        >>> c.bars[1].labels, c.bars[1].left
        (('1',), (2.5,))
    """
    edges, counts = h.edges, h.counts
    if not counts or len(edges) != len(counts) + 1 or not all(math.isfinite(e) for e in edges):
        return None
    log_x = h.scale == "log" and edges[0] > 0
    positive = [c for c in counts if c > 0]
    if len(positive) + (h.below > 0) + (h.above > 0) < 2:
        return None
    bars = [Bars("", edges[:-1], [b - a for a, b in itertools.pairwise(edges)], counts)]
    outside = [(_beyond(edges[0], edges[1], -1, log_x), h.below), (_beyond(edges[-1], edges[-2], 1, log_x), h.above)]
    outside = [(span, n) for span, n in outside if n > 0]
    notes = []
    if outside:
        told = [f"{h.below:,} below (lowest {h.low:.3g})" if h.below else "", f"{h.above:,} above (highest {h.high:.3g})" if h.above else ""]
        bars.append(Bars("beyond the axis: " + ", ".join(t for t in told if t), [lo for (lo, _), _ in outside],
                         [hi - lo for (lo, hi), _ in outside], [n for _, n in outside], marked=True, labels=[f"{n:,}" for _, n in outside]))
        notes.append("the axis spans the 1-99% range and half of it again on each side; the examples beyond it are "
                     "counted in the marked bars at its ends")
    # A few bins holding nearly every example leave the rest invisible on a linear count axis.
    squashed = max(positive, default=0) >= 0.5 * sum(positive) or len(positive) < 0.3 * len(counts)
    log_y = bool(positive) and squashed and max(positive) / min(positive) > LOG_COUNTS
    if log_y:
        notes.append("log count axis: most examples fall in a few bins, and the rest would be invisible on a linear one")
    return Chart(f"{name} of each {split} example", name, "examples", bars=tuple(bars), x_scale="log" if log_x else "linear",
                 y_scale="log" if log_y else "linear", note="; ".join(notes))


def _beyond(end: float, inner: float, side: int, log: bool) -> tuple[float, float]:
    """The span of a bar as wide as the end bin, half a bin beyond the axis end ``end`` on
    ``side`` (-1 below, 1 above); ``inner`` is the end bin's other edge."""
    if log:
        ratio = max(end, inner) / min(end, inner)
        a, b = end * ratio ** (0.5 * side), end * ratio ** (1.5 * side)
    else:
        width = abs(end - inner)
        a, b = end + 0.5 * side * width, end + 1.5 * side * width
    return (min(a, b), max(a, b))
