"""The analyses as plain text, for the terminal and for logs."""

from __future__ import annotations

from ._analysis import Analysis

__all__ = ["render_text"]


def render_text(analysis: Analysis) -> str:
    """Render an :class:`Analysis` as a short text report.

    Example:
        >>> print(render_text(analyze("examples/mnist1d_study.yaml")))  # doctest: +SKIP
    """
    a, goal = analysis, analysis.study.goal
    c = a.counts
    lines = [
        (
            f"study {a.study.name}: {c['complete']} complete, {c['infeasible']} infeasible, {c['failed']} failed "
            f"({c['retried']} re-run after their worker died), {c['running']} running, {c['waiting']} waiting"
        ),
        f"goal: {goal.direction} {goal.metric} (best value seen during each trial's training)",
    ]
    if a.best is not None:
        lines.append(
            f"best: trial {a.best.number}, {goal.metric} {a.best.value:.4g} at step {a.best.best_step} of "
            f"{a.best.steps} (final {a.best.final:.4g}); run {a.best.run_dir}"
        )
        lines.append("  hyperparameters: " + ", ".join(f"{k}={_fmt(v)}" for k, v in sorted(a.best.hparams.items())))
    for key, value in a.reference.items():  # the experiment's yardstick, next to the best trial's
        ours = f"; best trial {a.best.value:.4g}" if a.best is not None and a.best.value is not None and key == goal.metric else ""
        lines.append(f"reference {key} {value:.4g} (declared by the experiment){ours}")
    for iso in a.isolation:
        lines.append(f"isolation of {iso.param}:")
        for p in iso.points:
            best = "no feasible trial" if p.best is None else f"best {p.best:.4g} (trial {p.best_trial})"
            lines.append(f"  {p.value!r:>12}: {best}; {len(p.trials)} feasible, {p.infeasible} infeasible")
    lines.append("findings:")
    lines += [f"  - {f}" for f in a.findings()]
    return "\n".join(lines)


def _fmt(v: object) -> str:
    return f"{v:.4g}" if isinstance(v, float) else repr(v) if isinstance(v, str) else str(v)
