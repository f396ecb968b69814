"""Axes of a chart: from data values to pixels, and the ticks a person reads them by."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

__all__ = ["Axis", "fit_axis", "tick_text"]


@dataclasses.dataclass(frozen=True)
class Axis:
    """A linear or log map from ``[lo, hi]`` to the pixels ``[start, end]``."""

    lo: float
    hi: float
    log: bool
    start: float
    end: float

    def __call__(self, value: float) -> float:
        a, b, v = (math.log10(x) for x in (self.lo, self.hi, value)) if self.log else (self.lo, self.hi, value)
        return self.start + (v - a) / (b - a) * (self.end - self.start)

    def shows(self, value: float) -> bool:
        """Whether ``value`` can be drawn (finite, positive on a log axis)."""
        return math.isfinite(value) and (value > 0 or not self.log)

    def ticks(self) -> list[float]:
        """Round values inside the domain: 1-2-5 steps, or powers of ten on a log axis."""
        if self.log:
            first, last = math.ceil(math.log10(self.lo) - 1e-9), math.floor(math.log10(self.hi) + 1e-9)
            decades = [10.0**k for k in range(first, last + 1)]
            if len(decades) > 7:  # many decades: every second or third one
                decades = decades[:: math.ceil(len(decades) / 6)]
            if len(decades) >= 3:
                return decades
            extra = [m * 10.0**k for k in range(first - 1, last + 1) for m in (2, 5)]
            ticks = sorted(t for t in {*decades, *extra} if self.lo <= t <= self.hi)
            if len(ticks) >= 2:
                return ticks
        step = _nice((self.hi - self.lo) / 5)
        k = math.ceil(self.lo / step - 1e-9)
        out = []
        while k * step <= self.hi + 1e-9 * step:
            out.append(0.0 if abs(k * step) < 1e-12 * step else k * step)
            k += 1
        return [t for t in out if t > 0 or not self.log]


def _nice(raw: float) -> float:
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def fit_axis(values: Iterable[float], *, log: bool, start: float, end: float,
             zero: bool = False, fixed: tuple[float, float] | None = None) -> Axis:
    """The axis showing every drawable value, padded a little; ``zero`` includes 0 (bars).

    Example:
        >>> a = fit_axis([1.0, 1000.0], log=True, start=0, end=300)
        >>> round(a(10.0)), a.ticks()
        (103, [1.0, 10.0, 100.0, 1000.0])
    """
    if fixed is not None and fixed[0] < fixed[1] and (not log or fixed[0] > 0):
        lo, hi = fixed
    else:
        finite = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
        if zero and not log:
            finite.append(0.0)
        lo, hi = (min(finite), max(finite)) if finite else (1.0, 10.0) if log else (0.0, 1.0)
    if log:
        if hi <= lo:
            lo, hi = lo / 2, hi * 2
        pad = (hi / lo) ** 0.03
        return Axis(lo / pad, hi * pad, True, start, end)
    if hi <= lo:
        lo, hi = lo - (abs(lo) * 0.1 or 0.5), hi + (abs(hi) * 0.1 or 0.5)
    pad = (hi - lo) * 0.03
    return Axis(lo if zero and lo == 0 else lo - pad, hi + pad, False, start, end)


def tick_text(value: float) -> str:
    """A tick label: short, no float noise (``0.30000000000000004`` reads ``0.3``).

    Example:
        >>> [tick_text(v) for v in (0.0, 0.3 + 1e-17, 2500.0, 1e-5, 3e6)]
        ['0', '0.3', '2500', '1e-05', '3e+06']
    """
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.4g}"
    return f"{value:.0e}" if math.isclose(float(f"{value:.0e}"), value, rel_tol=1e-6) else f"{value:.2g}"
