"""An :class:`EnsembleResult` in words, for the terminal."""

from __future__ import annotations

from collections.abc import Callable

from ._result import EnsembleResult, MethodResult

__all__ = ["gain_format", "render_text", "value_format"]

_TRAJECTORY_SHOWN = 12
Format = Callable[[float], str]


def render_text(result: EnsembleResult) -> str:
    """The result as a few lines: the library, the three methods with test gains, the trajectory.

    Example:
        >>> print(render_text(nnrecipe.ensemble("runs/mnist1d-cnn")))  # doctest: +SKIP
    """
    m, r = result.metric, result
    fmt, gain_fmt = value_format(m), gain_format(m)
    test = "" if r.test_size is None else f", test figures on {r.test_size} examples"
    lines = [f"{len(r.members)} models with stored predictions; selection on validation {m} ({r.val_size} examples){test}"]
    if r.excluded:
        shown = "; ".join(f"{e.run} ({e.reason})" for e in r.excluded[:5])
        lines.append(f"left out {len(r.excluded)}: {shown}" + (" ..." if len(r.excluded) > 5 else ""))
    best = r.members[r.single.used[0]]
    rows = [
        (f"best single ({best.label})", r.single),
        (f"average of the best {len(r.average.used)}", r.average),
        (f"greedy ({r.best_size} picks, {len(r.greedy.used)} models)", r.greedy),
    ]
    width = max(len(name) for name, _ in rows)
    lines.append(f"{'':{width}}  {'val ' + m:>14}  {'test ' + m:>14}  gain on test over best single")
    for name, method in rows:
        lines.append(f"{name:{width}}  {fmt(method.val[m]):>14}  {_test(method, fmt, m):>14}  {_gain(method, gain_fmt, r)}")
    shown = " ".join(fmt(s.value) for s in r.trajectory[:_TRAJECTORY_SHOWN])
    more = " ..." if len(r.trajectory) > _TRAJECTORY_SHOWN else ""
    lines.append(f"greedy trajectory (val {m} by ensemble size): {shown}{more}; kept size {r.best_size}")
    weights = ", ".join(f"{r.members[i].label} {r.greedy.weights[i]:.2f}" for i in sorted(r.greedy.used, key=lambda i: -r.greedy.weights[i]))
    lines.append(f"greedy weights: {weights}")
    lines.append(f"selection took {r.seconds:.3f} s")
    return "\n".join(lines)


def value_format(metric: str) -> Format:
    """How a value of ``metric`` reads: accuracy in percent, others with four digits.

    Example:
        >>> value_format("accuracy")(0.9912), value_format("nll")(0.03125)
        ('99.12%', '0.03125')
    """
    return (lambda v: f"{100 * v:.2f}%") if metric == "accuracy" else (lambda v: f"{v:.4g}")


def gain_format(metric: str) -> Format:
    """How a gain in ``metric`` reads, signed: accuracy in percentage points.

    Example:
        >>> gain_format("accuracy")(0.004), gain_format("mse")(-0.5)
        ('+0.40 pts', '-0.5')
    """
    return (lambda v: f"{100 * v:+.2f} pts") if metric == "accuracy" else (lambda v: f"{v:+.4g}")


def _test(method: MethodResult, fmt: Format, metric: str) -> str:
    return "no test split" if method.test is None else fmt(method.test[metric])


def _gain(method: MethodResult, fmt: Format, r: EnsembleResult) -> str:
    if method.gain is None or method.interval is None:
        return ""
    low, high = method.interval
    level = round(100 * r.options.confidence)
    return f"{fmt(method.gain)} ({level}% CI {fmt(low)} to {fmt(high)}, paired bootstrap, {r.options.resamples} resamples)"
