"""The tuning section: the playbook's analyses of a study (isolation and axis plots, enough
trials?, the best trials' curves, how long to train, adoption) drawn from an ``Analysis``.

It draws what the analysis says: a boundary warning appears only where ``Analysis.axes``
carries one. Clouds of thousands of trials are capped, always keeping the best trials.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._tune._analysis import Analysis
from .._tune._axes import AxisInfo, AxisPoint
from .._tune._isolation import IsolationInfo
from .._tune._study import Goal
from ._chart import Band, Chart, Line, Mark, Points
from ._downsample import MAX_LINE_POINTS, MAX_SCATTER_POINTS, cap_points, envelope
from ._section import Headline, Section, Severity

__all__ = ["TuningSection", "tuning_section"]

KEEP_BEST = 200  # trials always drawn in a capped cloud


@dataclasses.dataclass(frozen=True)
class TuningSection(Section):
    """A study's analyses.

    Attributes:
        title: ``"Tuning: <study name>"``.
        facts: ``(what, value)``: goal, trials by outcome, the best trial, the verdicts.
        best_hparams: ``(name, value)`` of the best trial.
        charts: Isolation plots, axis plots (warnings in their notes), enough trials?, the best
            trials' validation curves, adoption.
        findings: Every warning and verdict of the analysis, most actionable first.
        notes: How the study was read (e.g. without its study file), what was capped.
    """

    title: str
    facts: tuple[tuple[str, str], ...]
    best_hparams: tuple[tuple[str, str], ...]
    charts: tuple[Chart, ...]
    findings: tuple[Headline, ...]
    notes: tuple[str, ...]

    def headlines(self) -> list[Headline]:
        return [h for h in self.findings if h.severity != "info"]


def tuning_section(analysis: Analysis, *, notes: Sequence[str] = ()) -> TuningSection:
    """Compute the section from :func:`nnrecipe.analyze`'s result.

    Raises:
        ValueError: The study has no finished trial (nothing to draw); the message says how
            many trials failed or still run.
    """
    a, goal = analysis, analysis.study.goal
    c = a.counts
    if c.get("complete", 0) + c.get("infeasible", 0) == 0:
        raise ValueError(
            f"study {a.study.name!r} has no finished trials ({c.get('failed', 0)} failed, {c.get('running', 0)} running, "
            f"{c.get('waiting', 0)} waiting); run `nnrecipe tune` until trials complete, then report again"
        )
    facts = [
        ("goal", f"{goal.direction} {goal.metric} (best value during each trial)"),
        ("trials", ", ".join(f"{n} {k}" for k, n in c.items() if n)),
    ]
    hparams: tuple[tuple[str, str], ...] = ()
    if a.best is not None:
        facts.append(("best trial", f"trial {a.best.number}: {goal.metric} {_fmt(a.best.value)} at step {a.best.best_step} of {a.best.steps}"
                      + (f"; run {a.best.run_dir}" if a.best.run_dir else "")))
        hparams = tuple((str(k), _fmt(v)) for k, v in sorted((a.best.hparams or a.best.params).items()))
    for key, value in a.reference.items():  # the experiment's yardstick, next to the study's best
        best = f"; best trial: {_fmt(a.best.value)}" if key == goal.metric and a.best is not None else ""
        facts.append((f"reference {key}", f"{_fmt(value)} (declared by the experiment){best}"))
    facts += [("enough trials?", a.best_of_k.message), ("how long to train", a.train_length.message), ("stability", a.stability.message)]
    if a.adoption is not None:
        facts.append(("adoption", a.adoption.message))
    extra = list(notes)
    charts = [_isolation(i, a, goal, extra) for i in a.isolation]
    charts += [_axis(i, goal, extra) for i in a.axes]
    if a.best_of_k.ks:
        charts.append(_best_of_k(a, goal))
    if a.curves:
        charts.append(_curves(a, goal))
    if a.adoption is not None:
        charts.append(_adoption(a, goal))
    return TuningSection(f"Tuning: {a.study.name}", tuple(facts), hparams, tuple(charts), tuple(_findings(a)), tuple(extra))


def _findings(a: Analysis) -> list[Headline]:
    out: list[Headline] = [Headline("warn", w) for ax in a.axes for w in ax.warnings]
    out.append(Headline("warn" if a.best_of_k.enough is False else "info", a.best_of_k.message))
    length = a.train_length
    out.append(Headline("warn" if length.median is not None and length.median >= 0.9 else "info", length.message))
    out.append(Headline("warn" if a.stability.unstable_trials else "info", a.stability.message))
    for cd in a.curves:
        severity: Severity = "warn" if cd.overfitting or cd.noisy or cd.still_improving else "info"
        out += [Headline(severity, n) for n in cd.notes]
    out += [Headline("info", n) for i in a.isolation for n in i.notes]
    if a.infeasible_fraction > 0:
        out.append(Headline("warn" if a.infeasible_fraction > 0.2 else "info",
                            f"{a.infeasible_fraction:.0%} of finished trials were infeasible (diverged)"))
    if a.counts.get("failed"):
        out.append(Headline("warn", f"{a.counts['failed']} trial(s) failed with an error ({a.counts.get('retried', 0)} re-run after their worker died)"))
    if a.adoption is not None:
        out.append(Headline("info", a.adoption.message))
    return sorted(out, key=lambda h: ("error", "warn", "info").index(h.severity))


def _fmt(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _value(p: AxisPoint) -> float:
    assert p.value is not None  # only complete trials with a value are drawn
    return p.value


def _best_first(values: Sequence[float | None], goal: Goal) -> list[int]:
    return sorted((i for i, v in enumerate(values) if v is not None), key=lambda i: goal.rank(values[i]))[:KEEP_BEST]


def _isolation(info: IsolationInfo, a: Analysis, goal: Goal, notes: list[str]) -> Chart:
    cats = tuple(f"{p.value!r}" + (f" ({p.infeasible} infeasible)" if p.infeasible else "") for p in info.points)
    rows = [(i, v) for i, p in enumerate(info.points) for _, v in p.trials]
    keep = cap_points(len(rows), _best_first([v for _, v in rows], goal), limit=MAX_SCATTER_POINTS)
    if len(keep) < len(rows):
        notes.append(f"isolation of {info.param}: {len(keep):,} of {len(rows):,} trials drawn (the best {KEEP_BEST} and a random sample)")
    trials = Points("trials (nuisance hyperparameters varied)", [rows[k][0] for k in keep], [rows[k][1] for k in keep], muted=True, spread=True)
    best = [(i, p) for i, p in enumerate(info.points) if p.best is not None]
    ring = Points(f"best {goal.metric} per value", [i for i, _ in best], [p.best for _, p in best if p.best is not None], marker="ring",
                  tips=tuple(f"{p.value!r}: trial {p.best_trial}, {goal.metric} {p.best:.4g}" for _, p in best if p.best is not None))
    winner = f"; best: {info.winner!r}" if info.winner is not None else ""
    return Chart(f"isolation of {info.param}{winner}", info.param, goal.metric, points=(trials, ring), x_categories=cats)


def _axis(info: AxisInfo, goal: Goal, notes: list[str]) -> Chart:
    ok = [p for p in info.points if p.outcome == "complete" and p.value is not None]
    bad = [p for p in info.points if p.outcome == "infeasible"]
    cats: tuple[str, ...] = ()
    if info.kind == "choices":
        cats = tuple(dict.fromkeys(repr(p.x) for p in info.points))
        pos = {c: i for i, c in enumerate(cats)}
        x_of = lambda p: float(pos[repr(p.x)])
    else:
        x_of = lambda p: float(p.x)
    best = _best_first([p.value for p in ok], goal)
    top = set(best[: max(3, len(ok) // 10)])
    keep = cap_points(len(ok), best, limit=MAX_SCATTER_POINTS)
    if len(keep) < len(ok):
        notes.append(f"axis plot of {info.param}: {len(keep):,} of {len(ok):,} trials drawn (the best {KEEP_BEST} and a random sample)")
    rest = [ok[k] for k in keep if k not in top]
    series = [Points("trials", [x_of(p) for p in rest], [_value(p) for p in rest], muted=True, spread=bool(cats))]
    tops = [ok[k] for k in sorted(top)]
    series.append(Points("best 10% of trials", [x_of(p) for p in tops], [_value(p) for p in tops], marker="ring", spread=bool(cats),
                         tips=tuple(f"trial {p.number}: {info.param}={p.x!r}, {goal.metric} {p.value:.4g}" for p in tops)))
    if bad and ok:
        worst = max((p.value for p in ok if p.value is not None), key=goal.rank)
        shown = bad[:MAX_SCATTER_POINTS]
        series.append(Points("infeasible (drawn at the worst value)", [x_of(p) for p in shown], [worst] * len(shown), marker="cross",
                             spread=bool(cats)))
    log = info.kind in ("log", "int_log")
    span = (info.low, info.high) if info.low is not None and info.high is not None and not cats else None
    edge = " (best trials at the edge of the search range)" if info.warnings else ""
    return Chart(f"{goal.metric} against {info.param}{edge}", info.param, goal.metric, points=tuple(series), x_scale="log" if log else "linear",
                 x_categories=cats, x_range=span, note=" ".join(info.warnings))


def _even(n: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, MAX_LINE_POINTS)).astype(int))


def _best_of_k(a: Analysis, goal: Goal) -> Chart:
    b = a.best_of_k
    idx = _even(len(b.ks))
    ks = np.asarray(b.ks, dtype=float)
    take = lambda v: tuple(np.asarray(v, dtype=float)[idx])
    ox, oy = envelope(b.ks, b.observed)
    return Chart(
        "enough trials? expected best of k random trials", "trials k", f"best {goal.metric} of k",
        bands=(Band("5-95% of bootstrap resamples", tuple(ks[idx]), take(b.low), take(b.high)),),
        lines=(Line("expected best of k", tuple(ks[idx]), take(b.median)), Line("best so far (trial order)", tuple(ox), tuple(oy), steps=True)),
        note=b.message,
    )


def _curves(a: Analysis, goal: Goal) -> Chart:
    numbers = [cd.number for cd in a.curves]
    by_number = {r.number: r for r in a.records if r.number in set(numbers)}
    lines = []
    for n in numbers:
        r = by_number.get(n)
        if r is not None and r.val_curve:
            x, y = envelope([s for s, _, _ in r.val_curve], [m for _, _, m in r.val_curve])
            lines.append(Line(f"trial {n}", tuple(x), tuple(y)))
    # What the curves show is listed with the section's findings.
    marks = tuple(Mark(v, f"reference {v:.4g}") for k, v in a.reference.items() if k == goal.metric)
    return Chart(f"best trials: validation {goal.metric}", "step", goal.metric, lines=tuple(lines), y_marks=marks)


def _adoption(a: Analysis, goal: Goal) -> Chart:
    ad = a.adoption
    assert ad is not None
    seeds = (Points("baseline, one per seed", [0.0] * len(ad.baseline), ad.baseline, spread=True),
             Points("candidate, one per seed", [1.0] * len(ad.candidate), ad.candidate, spread=True))
    means = Points("mean of the seeds", [0.0, 1.0], [float(np.mean(ad.baseline)), float(np.mean(ad.candidate))], marker="ring",
                   tips=(f"baseline mean {np.mean(ad.baseline):.4g}", f"candidate mean {np.mean(ad.candidate):.4g}"))
    return Chart("adoption: candidate against baseline over seeds", "arm", goal.metric, points=(*seeds, means),
                 x_categories=("baseline", "candidate"), note=ad.message)
