"""A chart as plain data: what to draw, already downsampled, before any SVG exists.

Sections compute :class:`Chart` values; :mod:`._svg` draws them. Keeping the two apart lets
the tests check what a picture shows (which lines, which scale, how many points) without
parsing markup, the way Optuna computes ``_get_<plot>_info`` before plotting.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import Literal

__all__ = ["Band", "Bars", "Chart", "Line", "Mark", "Points", "Scale", "Whiskers", "pick_scale"]

Scale = Literal["linear", "log"]
LOG_SPAN = 30.0  # positive values spanning more than this ratio get a log axis


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


@dataclasses.dataclass(frozen=True)
class Line:
    """A labelled line; ``steps`` draws it as a staircase (a running best).

    Sequences given to any chart part are stored as tuples of floats, so a chart is immutable.
    """

    label: str
    x: Sequence[float]
    y: Sequence[float]
    steps: bool = False
    dashed: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _floats(self.x))
        object.__setattr__(self, "y", _floats(self.y))
        if len(self.x) != len(self.y):
            raise ValueError(f"line {self.label!r} has {len(self.x)} x values and {len(self.y)} y values")


@dataclasses.dataclass(frozen=True)
class _Ranges:
    """Ranges from ``low`` to ``high`` at each ``x`` (what bands and whiskers share)."""

    label: str
    x: Sequence[float]
    low: Sequence[float]
    high: Sequence[float]

    def __post_init__(self) -> None:
        for name in ("x", "low", "high"):
            object.__setattr__(self, name, _floats(getattr(self, name)))
        if not len(self.x) == len(self.low) == len(self.high):
            raise ValueError(f"{type(self).__name__} {self.label!r} needs as many low and high values as x values")


@dataclasses.dataclass(frozen=True)
class Band(_Ranges):
    """A shaded range between ``low`` and ``high`` along ``x`` (a confidence band)."""


@dataclasses.dataclass(frozen=True)
class Points:
    """Markers: ``dot`` for the many, ``ring`` for the few that matter, ``cross`` for failures.

    ``tips`` (one per point, or none) become hover tooltips; only worth it for few points.
    ``spread`` jitters the points of a category sideways so that they do not hide each other.
    """

    label: str
    x: Sequence[float]
    y: Sequence[float]
    marker: Literal["dot", "ring", "cross"] = "dot"
    tips: Sequence[str] = ()
    muted: bool = False
    spread: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _floats(self.x))
        object.__setattr__(self, "y", _floats(self.y))
        object.__setattr__(self, "tips", tuple(self.tips))
        if len(self.x) != len(self.y) or (self.tips and len(self.tips) != len(self.x)):
            raise ValueError(f"points {self.label!r}: x, y and tips must have the same length")


@dataclasses.dataclass(frozen=True)
class Bars:
    """Bars from ``left`` to ``left + width``, ``height`` high (histogram bins, grouped counts).

    ``marked`` bars stand apart from the data (outliers counted beyond a histogram's axis): a
    warning colour, never thinner than a few pixels. ``labels`` (one per bar, or none) are
    written above the bars, so that a count too small to see still reads.
    """

    label: str
    left: Sequence[float]
    width: Sequence[float]
    height: Sequence[float]
    marked: bool = False
    labels: Sequence[str] = ()

    def __post_init__(self) -> None:
        for name in ("left", "width", "height"):
            object.__setattr__(self, name, _floats(getattr(self, name)))
        object.__setattr__(self, "labels", tuple(self.labels))
        if not len(self.left) == len(self.width) == len(self.height):
            raise ValueError(f"bars {self.label!r} need as many widths and heights as lefts")
        if self.labels and len(self.labels) != len(self.left):
            raise ValueError(f"bars {self.label!r} need one label per bar, or none")


@dataclasses.dataclass(frozen=True)
class Whiskers(_Ranges):
    """Intervals from ``low`` to ``high`` at each ``x``, drawn as vertical lines with caps
    (confidence intervals of a few values, one per category, where a band would join them)."""


@dataclasses.dataclass(frozen=True)
class Mark:
    """A labelled reference line across the plot: a search bound, a target loss."""

    at: float
    label: str


@dataclasses.dataclass(frozen=True)
class Chart:
    """One picture.

    Attributes:
        title: What the picture shows, above it.
        x_label / y_label: Axis labels, with units or "(log scale)" added by the renderer.
        lines / bands / points / bars / whiskers: What is drawn (bands below lines, whiskers
            below points).
        x_scale / y_scale: ``"linear"`` or ``"log"`` (non-positive values are left out).
        x_categories: When given, x values are positions 0..n-1 and these are their labels.
        x_range: A domain to show whatever the data (a search range), else fitted to the data.
        x_marks / y_marks: Vertical / horizontal reference lines.
        note: One line under the picture (what was downsampled or left out).
    """

    title: str
    x_label: str
    y_label: str
    lines: tuple[Line, ...] = ()
    bands: tuple[Band, ...] = ()
    points: tuple[Points, ...] = ()
    bars: tuple[Bars, ...] = ()
    whiskers: tuple[Whiskers, ...] = ()
    x_scale: Scale = "linear"
    y_scale: Scale = "linear"
    x_categories: tuple[str, ...] = ()
    x_range: tuple[float, float] | None = None
    x_marks: tuple[Mark, ...] = ()
    y_marks: tuple[Mark, ...] = ()
    note: str = ""

    @property
    def empty(self) -> bool:
        """Nothing finite to draw."""
        ys = [*(v for ln in self.lines for v in ln.y), *(v for p in self.points for v in p.y), *(v for b in self.bars for v in b.height)]
        ys += [v for b in self.bands for v in (*b.low, *b.high)] + [v for w in self.whiskers for v in (*w.low, *w.high)]
        return not any(math.isfinite(v) for v in ys)

    @property
    def size(self) -> int:
        """Points drawn, all series together (what the page pays for)."""
        series = [len(ln.x) for ln in self.lines] + [len(p.x) for p in self.points] + [len(b.x) for b in self.bands] + [len(w.x) for w in self.whiskers]
        return sum(series) + sum(len(b.left) for b in self.bars)


def pick_scale(values: Sequence[float] | Iterable[float]) -> Scale:
    """``"log"`` when the values are positive and span more than :data:`LOG_SPAN` times, so
    that one large value does not flatten the rest; ``"linear"`` otherwise.

    Example:
        >>> pick_scale([2.3, 0.5, 0.01]), pick_scale([0.9, 0.95]), pick_scale([0.0, 10.0])
        ('log', 'linear', 'linear')
    """
    finite = [float(v) for v in values if math.isfinite(v)]
    if not finite or min(finite) <= 0:
        return "linear"
    return "log" if max(finite) / min(finite) > LOG_SPAN else "linear"
