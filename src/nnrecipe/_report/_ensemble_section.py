"""The ensemble section: what ``nnrecipe ensemble`` selected, and whether it pays on test.

Drawn from an :class:`~nnrecipe.EnsembleResult` (in memory, or read from its
``ensemble.json``): the members with their weights, greedy selection's validation trajectory
with the point kept, and the best single model, the average and the greedy ensemble (the
one saved) on validation and test, with the test gain and its paired bootstrap interval.
Selection saw validation only, so a gain on validation that vanishes on test is greedy
fitting the validation set: the notes say so, with the figures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from .._core._errors import CheckpointError
from .._ensemble._render_text import gain_format, value_format
from .._ensemble._result import ENSEMBLE_FILE, EnsembleResult, Method, MethodResult
from .._ensemble._scores import higher_is_better
from ._chart import Chart
from ._ensemble_charts import METHODS, methods_chart, trajectory_chart
from ._section import Headline, Section

__all__ = ["EnsembleSection", "MemberRow", "MethodRow", "ensemble_section", "read_ensemble"]

MAX_MEMBER_ROWS = 40  # members listed: every one with a weight, then the best others by validation


@dataclasses.dataclass(frozen=True)
class MemberRow:
    """One model of the library.

    Attributes:
        label: Its name (``trial 7``, or its run folder's name); ``run_dir`` its run folder
            (relative to the ensemble file's folder when inside it).
        val: The selection metric of this model alone, on validation.
        greedy: Its weight in the greedy ensemble; ``picks`` how many times greedy added it
            (within the size kept).
        average: Its weight in the average.
    """

    label: str
    run_dir: str
    val: float
    greedy: float
    picks: int
    average: float


@dataclasses.dataclass(frozen=True)
class MethodRow:
    """One way of combining the members, on the selection metric.

    Attributes:
        method: ``single``, ``average`` or ``greedy``; ``name`` what the table calls it
            (``best single (trial 3)``, ``average of the best 5``, ``greedy (12 picks)``).
        models: Members with a non-zero weight.
        val / test: The metric on validation and on test (``None``: no test split).
        gain: Test improvement over the best single model, positive when better (``None``
            for the single model or without a test split); ``interval`` its bootstrap interval.
        other_test: ``(metric, value)`` of the task's other metrics on test.
    """

    method: Method
    name: str
    models: int
    val: float
    test: float | None
    gain: float | None
    interval: tuple[float, float] | None
    other_test: tuple[tuple[str, float], ...]


@dataclasses.dataclass(frozen=True)
class EnsembleSection(Section):
    """An ensemble selected from stored predictions, and its figures.

    Attributes:
        title: ``"Ensemble: <folder>"``; ``source`` the file it was read from (or where it was made).
        metric: The selection metric; ``higher_is_better`` its direction.
        members: The library, best first by validation (capped at :data:`MAX_MEMBER_ROWS`).
        methods: Best single, average and greedy, in that order; greedy is the saved ensemble.
        trajectory: ``(ensemble size, validation value)`` of each greedy step; the ensemble
            kept is the point at ``best_size``.
        val_size / test_size: Examples per split (``test_size`` ``None``: no test split).
        confidence / resamples: The gain's interval: its level and bootstrap resamples.
        facts: ``(what, value)`` rows; ``charts``: the trajectory, the three methods on test.
        findings: The headline with the gain, and a warning when the saved ensemble is worse
            than the best single model on test.
        notes: What the figures say (greedy overfitting validation), what was left out.
    """

    title: str
    source: str
    metric: str
    higher_is_better: bool
    members: tuple[MemberRow, ...]
    methods: tuple[MethodRow, ...]
    trajectory: tuple[tuple[int, float], ...]
    best_size: int
    val_size: int
    test_size: int | None
    confidence: float
    resamples: int
    facts: tuple[tuple[str, str], ...]
    charts: tuple[Chart, ...]
    findings: tuple[Headline, ...]
    notes: tuple[str, ...]

    def headlines(self) -> list[Headline]:
        return list(self.findings)

    def method(self, name: Method) -> MethodRow:
        return next(m for m in self.methods if m.method == name)


def ensemble_section(result: EnsembleResult, *, title: str | None = None, source: str = "", folder: Path | None = None) -> EnsembleSection:
    """Compute the section from an :class:`~nnrecipe.EnsembleResult`.

    Args:
        result: What :func:`nnrecipe.ensemble` returned, or :meth:`EnsembleResult.load` read.
        title: The heading; default ``"Ensemble: <what it was made from>"``.
        source: Where it was read from (its file), shown under the heading.
        folder: Run folders inside it are shown relative to it (the file's folder, as the file stores them).

    Raises:
        ValueError: The result contradicts itself (weights that do not match the members, a
            kept size outside the trajectory, a metric it has no value for): a file edited
            by hand, or written by another nnrecipe.

    Example:
        >>> ensemble_section(nnrecipe.EnsembleResult.load("runs/s/ensemble.json"), title="Ensemble: s", source="runs/s")  # doctest: +SKIP
    """
    _check(result)
    r, m = result, result.metric
    rows = tuple(_method_row(r, name) for name in METHODS)
    notes = _notes(r, rows)
    members = _members(r, notes, folder)
    charts = (trajectory_chart(r, notes), methods_chart(r))
    return EnsembleSection(
        title=title or f"Ensemble: {', '.join(r.sources)}", source=source, metric=m, higher_is_better=higher_is_better(m),
        members=members, methods=rows, trajectory=tuple((s.size, s.value) for s in r.trajectory), best_size=r.best_size,
        val_size=r.val_size, test_size=r.test_size, confidence=r.options.confidence, resamples=r.options.resamples,
        facts=_facts(r), charts=charts, findings=tuple(_findings(r, rows)), notes=tuple(notes),
    )


def read_ensemble(path: Path) -> EnsembleSection:
    """The section of the ensemble saved at ``path`` (``ensemble.json``, or a file named by ``-o``).

    Raises:
        ValueError: The file is not an ensemble this nnrecipe wrote (cut, edited, from an older
            or newer version), or it contradicts itself; the message says to rewrite it.
    """
    try:
        result = EnsembleResult.load(path)
    except CheckpointError as e:
        raise ValueError(f"{e}; run `nnrecipe ensemble` on its runs again to rewrite it") from None
    title = f"Ensemble: {path.parent.name}" if path.name == ENSEMBLE_FILE else f"Ensemble: {path.name}"
    return ensemble_section(result, title=title, source=str(path), folder=path.parent)


def _check(r: EnsembleResult) -> None:
    n = len(r.members)
    problems = [f"the {name} weights have {len(r.method(name).weights)} entries for {n} members"
                for name in METHODS if len(r.method(name).weights) != n]
    if n == 0:
        problems.append("it has no member")
    if not 1 <= r.best_size <= len(r.trajectory):
        problems.append(f"the kept size {r.best_size} is outside its trajectory of {len(r.trajectory)} steps")
    for name in METHODS:
        method = r.method(name)
        if r.metric not in method.val or (method.test is not None and r.metric not in method.test):
            problems.append(f"the {name} method has no {r.metric} value")
    lacking = [x.label for x in r.members if r.metric not in x.val]
    if lacking:
        problems.append(f"members {lacking[:3]} have no validation {r.metric}")
    if any(not 0 <= s.added < n for s in r.trajectory):
        problems.append("its trajectory adds members it does not have")
    if not problems and not r.single.used:
        problems.append("the best single model has no weight")
    if problems:
        raise ValueError(f"the ensemble contradicts itself: {'; '.join(problems)}. It was edited by hand or written by another "
                         "nnrecipe; run `nnrecipe ensemble` again to rewrite it")


def _method_row(r: EnsembleResult, name: Method) -> MethodRow:
    method, m = r.method(name), r.metric
    if name == "single":
        label = f"best single ({r.members[method.used[0]].label})"
    elif name == "average":
        label = f"average of the best {len(method.used)}"
    else:
        label = f"greedy ({_many(r.best_size, 'pick')} of {_many(len(method.used), 'model')})"
    test = None if method.test is None else method.test[m]
    others = tuple((k, v) for k, v in (method.test or {}).items() if k != m)
    return MethodRow(name, label, len(method.used), method.val[m], test, method.gain, method.interval, others)


def _members(r: EnsembleResult, notes: list[str], folder: Path | None) -> tuple[MemberRow, ...]:
    m = r.metric
    sign = -1.0 if higher_is_better(m) else 1.0
    order = sorted(range(len(r.members)), key=lambda i: (sign * r.members[i].val[m], i))
    weighted = [i for i in order if r.greedy.weights[i] > 0 or r.average.weights[i] > 0]
    chosen = set(weighted)
    others = [i for i in order if i not in chosen]
    shown = weighted + others[: max(0, MAX_MEMBER_ROWS - len(weighted))]
    shown.sort(key=order.index)
    if len(shown) < len(order):
        notes.append(f"{len(order) - len(shown)} of {len(order)} members have no weight in either ensemble and are not listed")
    picks = [0] * len(r.members)
    for step in r.trajectory[: r.best_size]:
        picks[step.added] += 1
    return tuple(
        MemberRow(r.members[i].label, _shown(r.members[i].run_dir, folder), r.members[i].val[m], r.greedy.weights[i], picks[i],
                  r.average.weights[i])
        for i in shown
    )


def _shown(run_dir: Path, folder: Path | None) -> str:
    if folder is not None and run_dir.is_relative_to(folder.resolve()):
        return run_dir.relative_to(folder.resolve()).as_posix()
    return str(run_dir)


def _interval(r: EnsembleResult, method: MethodResult) -> str:
    if method.interval is None:
        return ""
    g = gain_format(r.metric)
    return f"{round(100 * r.options.confidence)}% CI {g(method.interval[0])} to {g(method.interval[1])}"


def _findings(r: EnsembleResult, rows: Sequence[MethodRow]) -> list[Headline]:
    m, fmt, g = r.metric, value_format(r.metric), gain_format(r.metric)
    single, greedy = rows[0], rows[2]
    if greedy.test is None or single.test is None or r.greedy.gain is None:
        return [Headline("info", f"greedy ensemble of {_many(greedy.models, 'model')}: validation {m} {fmt(greedy.val)} against "
                                 f"{fmt(single.val)} for the best single model; no test split, so its gain is not measured")]
    figures = f"test {m} {fmt(greedy.test)}, best single model {fmt(single.test)}: gain {g(r.greedy.gain)} ({_interval(r, r.greedy)})"
    out = [Headline("info", f"greedy ensemble of {_many(greedy.models, 'model')}: {figures}")]
    if r.greedy.gain < 0:
        out.insert(0, Headline("warn", f"the saved (greedy) ensemble is worse than the best single model on test: {figures}; "
                                       f"predict with the best single model ({r.members[r.single.used[0]].label}) instead"))
    return out


def _many(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _notes(r: EnsembleResult, rows: Sequence[MethodRow]) -> list[str]:
    m, g = r.metric, gain_format(r.metric)
    single, greedy = rows[0], rows[2]
    val_gain = (greedy.val - single.val) * (1 if higher_is_better(m) else -1)
    notes = []
    if r.greedy.interval is not None and val_gain > 0:
        low, high = r.greedy.interval
        if low <= 0 <= high or high < 0:
            notes.append(f"greedy overfits validation: it gains {g(val_gain)} on validation, but its test gain's interval "
                         f"{'includes 0' if high >= 0 else 'lies below 0'} ({_interval(r, r.greedy)}): its validation gain was "
                         f"measured on the {r.val_size:,} examples it was selected on")
    if r.best_size == 1:
        notes.append("greedy kept the best single model alone: no addition improved validation")
    elif r.best_size == len(r.trajectory) and len(r.trajectory) > 1:
        notes.append(f"greedy's best point is the last of its {len(r.trajectory)} steps: more steps (--steps) might improve validation")
    if r.test_size is None:
        notes.append("the members stored no test predictions: only validation figures, which selection has seen")
    if r.excluded:
        shown = "; ".join(f"{e.run} ({e.reason})" for e in r.excluded[:5])
        notes.append(f"left out of the library: {len(r.excluded)} run(s): {shown}" + (" ..." if len(r.excluded) > 5 else ""))
    return notes


def _facts(r: EnsembleResult) -> tuple[tuple[str, str], ...]:
    direction = "higher" if higher_is_better(r.metric) else "lower"
    test = "no test split" if r.test_size is None else f"{r.test_size:,} test examples"
    return (
        ("selection metric", f"validation {r.metric} ({direction} is better); selection saw validation only"),
        ("examples", f"{r.val_size:,} validation, {test}"),
        ("library", f"{len(r.members)} models" + (f", {len(r.excluded)} left out" if r.excluded else "")),
        ("greedy selection", (f"{len(r.trajectory)} additions with replacement from the best {r.options.init}; kept the best point: "
                              f"size {r.best_size}, {_many(len(r.greedy.used), 'distinct model')}")),
        ("gain's interval", (f"{round(100 * r.options.confidence)}% paired bootstrap of the test examples, "
                             f"{r.options.resamples:,} resamples, seed {r.options.seed}")),
        ("made", f"{r.created} from {', '.join(r.sources)}; selection took {r.seconds:.3f} s"),
    )
