"""The prediction-dynamics section of one run: how the predictions on a fixed batch moved.

Predictions that keep changing class between records late in training mean a learning rate
too high (Karpathy's recipe); ones that never move, a model that does not learn. Drawn from
:class:`~nnrecipe.diagnostics.PredictionData` (``<run>/diagnostics/predictions.*``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..diagnostics import PredictionData
from ._chart import Band, Chart, Line, Mark
from ._section import Headline, Section

__all__ = ["FLIP_WARN", "DynamicsSection", "dynamics_section"]

SHOWN_EXAMPLES = 8  # examples drawn one line each
FLIP_WARN = 0.10  # share of the fixed batch changing class between late records that warns
LATE = 1 / 3  # the last third of the records is "late in training"


@dataclasses.dataclass(frozen=True)
class DynamicsSection(Section):
    """Prediction dynamics.

    Attributes:
        title: ``"Prediction dynamics: <run>"``; ``folder`` the run folder.
        facts: ``(what, value)``: the batch, the records, the late flip share.
        charts: The probability of the true class (classification) or the predictions
            (regression) per example over steps, and the share that changed class between records.
        late_flips: Mean share of the batch whose predicted class changed between two records
            in the last third of training (``None`` without classes).
        problems: What the dynamics say is wrong, for the summary.
    """

    title: str
    folder: str
    facts: tuple[tuple[str, str], ...]
    charts: tuple[Chart, ...]
    late_flips: float | None
    problems: tuple[Headline, ...]

    def headlines(self) -> list[Headline]:
        return list(self.problems)


def dynamics_section(d: PredictionData, folder: str, name: str) -> DynamicsSection:
    """The section from a run's prediction records.

    Example:
        >>> steps = np.array([0, 10, 20, 30])
        >>> top = np.array([[0, 1], [1, 1], [0, 1], [1, 1]])
        >>> p = np.full((4, 2), 0.5)
        >>> d = PredictionData("classification", "val", steps, 10, p, (top == 1).astype(float), top, None, (1, 1), 2)
        >>> dynamics_section(d, "runs/r", "r").late_flips
        0.5
    """
    steps = d.steps.astype(float).tolist()
    shown = min(SHOWN_EXAMPLES, d.examples)
    facts = [("fixed batch", f"the first {d.examples} {d.split} examples"), ("records", f"{len(steps)}, every {d.cadence} steps at the end")]
    charts: list[Chart] = []
    flips_late: float | None = None
    problems: list[Headline] = []
    if d.p_true is not None:
        mean = d.p_true.mean(1)
        lo, hi = np.percentile(d.p_true, 25, axis=1), np.percentile(d.p_true, 75, axis=1)
        lines = [Line(f"example {i}", steps, d.p_true[:, i].tolist()) for i in range(shown)]
        charts.append(Chart("probability of the true class, per example", "step", "p(true class)",
                            lines=(*lines, Line("mean of the batch", steps, mean.tolist(), dashed=True)), bands=(Band("middle half of the batch", steps, lo.tolist(), hi.tolist()),),
                            note=f"{shown} of {d.examples} examples drawn one line each"))
    if d.top is not None and len(steps) >= 2:
        flips = (d.top[1:] != d.top[:-1]).mean(1)
        charts.append(Chart("share of the batch whose predicted class changed since the previous record", "step", "share changed",
                            lines=(Line("changed class", steps[1:], flips.tolist()),), y_marks=(Mark(FLIP_WARN, "warning level"),)))
        late = flips[int(len(flips) * (1 - LATE)):]
        flips_late = float(late.mean()) if len(late) else None
        if flips_late is not None:
            facts.append(("late flips", f"{flips_late:.1%} of the batch changes class between records in the last third of training"))
        if flips_late is not None and flips_late > FLIP_WARN and len(flips) >= 6:
            problems.append(Headline("warn", f"run {name}: predictions keep jumping late in training ({flips_late:.0%} of the fixed batch "
                                             f"changes class between records in the last third): the learning rate is likely too high; "
                                             "lower it or decay it"))
    if d.value is not None:
        lines = [Line(f"example {i}", steps, d.value[:, i, 0].tolist()) for i in range(shown)]
        targets = tuple(Mark(float(np.ravel(d.targets[i])[0]), f"target {i}") for i in range(min(3, shown)))
        charts.append(Chart("predictions per example (first output)", "step", "prediction", lines=tuple(lines), y_marks=targets,
                            note=f"{shown} of {d.examples} examples; horizontal lines: the targets of the first {len(targets)}"))
    if d.correct is not None:
        facts.append(("right at the end", f"{float(d.correct[-1].mean()):.1%} of the batch"))
    return DynamicsSection(f"Prediction dynamics: {name}", folder, tuple(facts), tuple(charts), flips_late, tuple(problems))
