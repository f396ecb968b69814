"""The ensemble section's two pictures, computed from an :class:`~nnrecipe.EnsembleResult`:
greedy selection's validation trajectory with the point kept, and the three methods on
validation and test with the gain's interval as whiskers."""

from __future__ import annotations

from .._ensemble._render_text import value_format
from .._ensemble._result import EnsembleResult, Method
from .._ensemble._scores import higher_is_better
from ._chart import Chart, Line, Mark, Points, Whiskers
from ._downsample import MAX_LINE_POINTS, envelope

__all__ = ["methods_chart", "trajectory_chart"]

METHODS: tuple[Method, ...] = ("single", "average", "greedy")
_SIDE = 0.15  # test left of a method's category (clear of the reference line's label at the right), validation right


def trajectory_chart(r: EnsembleResult, notes: list[str]) -> Chart:
    """Validation value by ensemble size, the kept point ringed; a downsampled line is noted in ``notes``."""
    m, fmt = r.metric, value_format(r.metric)
    x, y = envelope([s.size for s in r.trajectory], [s.value for s in r.trajectory])
    if len(x) < len(r.trajectory):
        notes.append(f"greedy trajectory: {len(r.trajectory):,} steps drawn as the lowest and highest value of each of "
                     f"{MAX_LINE_POINTS // 2} buckets")
    kept = r.trajectory[r.best_size - 1].value
    ring = Points(f"kept: size {r.best_size}, {fmt(kept)}", [r.best_size], [kept], marker="ring",
                  tips=(f"kept ensemble: size {r.best_size}, validation {m} {fmt(kept)}",))
    return Chart(f"greedy selection: validation {m} by ensemble size", "ensemble size (additions, repeats included)",
                 f"validation {m}", lines=(Line("greedy (validation)", tuple(x), tuple(y)),), points=(ring,))


def methods_chart(r: EnsembleResult) -> Chart:
    """Best single, average and greedy: validation and test values, the test gain's interval as whiskers."""
    m = r.metric
    cats = ("best single", f"average of {len(r.average.used)}", f"greedy (size {r.best_size})")
    val = Points("validation (selection saw it)", [i + _SIDE for i in range(3)], [r.method(n).val[m] for n in METHODS],
                 marker="ring", muted=True)
    if r.single.test is None:
        return Chart(f"validation {m} of the three methods", "method", m, points=(val,), x_categories=cats,
                     note="no test split: the methods cannot be compared on examples selection has not seen")
    single = r.single.test[m]
    test = Points("test", [i - _SIDE for i in range(3)], [(r.method(n).test or {}).get(m, float("nan")) for n in METHODS], marker="ring")
    # The interval is of the gain, paired with the best single model: placed at the single model's value, it
    # shows where this method's test value lies relative to the best single, the comparison that matters.
    sign = 1.0 if higher_is_better(m) else -1.0
    spans = [(i - _SIDE, sorted((single + sign * ci[0], single + sign * ci[1])))
             for i, n in enumerate(METHODS) if (ci := r.method(n).interval) is not None]
    level = round(100 * r.options.confidence)
    whiskers = Whiskers(f"{level}% interval of the gain over best single", [x for x, _ in spans], [s[0] for _, s in spans],
                        [s[1] for _, s in spans])
    return Chart(f"best single, average and greedy: {m} on test, with the gain's interval", "method", m, points=(val, test),
                 whiskers=(whiskers,), x_categories=cats, y_marks=(Mark(single, "best single on test"),),
                 note=f"A whisker is the {level}% interval of the method's test gain over the best single model, placed at the best "
                      f"single's test value plus that interval: where it crosses the dashed line, the gain may be 0.")
