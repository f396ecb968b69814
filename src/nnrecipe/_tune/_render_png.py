"""The analyses as PNG figures (matplotlib, imported only here).

Every line and marker set has a legend entry and every axis a label with its scale, so a
figure read on its own says what it shows; a boundary warning draws the trend behind it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ._analysis import Analysis
from ._axes import AxisInfo
from ._storage import study_folder

__all__ = ["figures", "save_plots"]

# Below the axes, so that no legend hides a trial.
LEGEND = {"fontsize": 7, "loc": "upper center", "bbox_to_anchor": (0.5, -0.2), "ncol": 2, "frameon": False}


def save_plots(analysis: Analysis, folder: str | Path | None = None) -> list[Path]:
    """Write ``isolation.png``, ``axes.png``, ``best_of_k.png`` and ``curves.png`` into ``folder``.

    Args:
        analysis: The analyses.
        folder: Where to write (default: ``<runs_dir>/<study>/analysis``).

    Returns:
        The paths written (a figure with nothing to show is skipped).

    Example:
        >>> save_plots(analyze("examples/mnist1d_study.yaml"), "runs/plots")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    folder = Path(folder) if folder is not None else study_folder(analysis.study.runs_dir, analysis.study.name) / "analysis"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in figures(analysis):
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def figures(analysis: Analysis) -> list[tuple[str, Any]]:
    """The figures as open matplotlib ``Figure`` objects, by name (the caller closes them)."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: never open a window
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ImportError("plots need matplotlib: pip install matplotlib") from e
    out = []
    for name, draw, count in (
        ("isolation", _isolation, len(analysis.isolation)),
        ("axes", _axes, len(analysis.axes)),
        ("best_of_k", _best_of_k, 1 if analysis.best_of_k.ks else 0),
        ("curves", _curves, 1 if analysis.curves else 0),
    ):
        if not count:
            continue
        cols = min(3, count)
        rows = math.ceil(count / cols)
        fig, axs = plt.subplots(rows, cols, figsize=(5.0 * cols, 4.4 * rows), squeeze=False)
        draw(analysis, list(axs.flat))
        for ax in list(axs.flat)[count:]:
            ax.set_visible(False)
        fig.tight_layout()
        out.append((name, fig))
    return out


def _metric(a: Analysis) -> str:
    return f"{a.study.goal.metric} ({'higher' if a.study.goal.mode == 'max' else 'lower'} is better)"


def _isolation(a: Analysis, axs: list[Any]) -> None:
    for ax, iso in zip(axs, a.isolation):
        labels = [repr(p.value) for p in iso.points]
        for i, p in enumerate(iso.points):
            ax.scatter([i] * len(p.trials), [v for _, v in p.trials], color="0.6", s=12, label="feasible trial" if i == 0 else None)
            if p.best is not None:
                ax.scatter([i], [p.best], color="C0", s=44, zorder=3, label="best trial of the value" if i == 0 else None)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_xlim(-0.5, len(labels) - 0.5)
        ax.set_xlabel(f"{iso.param} (scientific; nuisance hyperparameters tuned for each value)")
        ax.set_ylabel(_metric(a))
        ax.set_title(f"isolation of {iso.param}")
        ax.legend(**LEGEND)


def _axes(a: Analysis, axs: list[Any]) -> None:
    for ax, info in zip(axs, a.axes):
        _axis(a, ax, info)


def _axis(a: Analysis, ax: Any, info: AxisInfo) -> None:
    ok = [p for p in info.points if p.outcome == "complete" and p.value is not None]
    bad = [p for p in info.points if p.outcome == "infeasible"]
    x_of = (lambda p: str(p.x)) if info.kind == "choices" else (lambda p: p.x)
    ax.scatter([x_of(p) for p in ok], [p.value for p in ok], s=14, color="C0", label="trial")
    if ok:
        best = min(ok, key=lambda p: a.study.goal.rank(p.value))
        ax.scatter([x_of(best)], [best.value], s=90, marker="*", color="C1", zorder=3, label=f"best trial ({best.number})")
    if bad and ok:
        worst = max((p.value for p in ok if p.value is not None), key=a.study.goal.rank)
        ax.scatter([x_of(p) for p in bad], [worst] * len(bad), marker="x", color="C3", label="infeasible (diverged), drawn at the worst value")
    for edge in info.edges:
        if edge.warn and edge.line is not None:
            (x0, y0), (x1, y1) = edge.line
            label = f"trend over the {edge.side} half (least squares; Spearman rho {edge.rho:+.2f})"
            ax.plot([x0, x1], [y0, y1], color="C3", linestyle="--", label=label)
    if info.kind in ("log", "int_log"):
        ax.set_xscale("log")
    if info.low is not None and info.high is not None:
        ax.set_xlim(info.low, info.high)
    scale = {"log": "log scale", "int_log": "log scale", "linear": "linear scale", "int": "linear scale"}.get(info.kind)
    ax.set_xlabel(f"{info.param} ({scale}, over the searched range)" if scale else f"{info.param} (choices)")
    ax.set_ylabel(_metric(a))
    warned = [e.side for e in info.edges if e.warn]
    ax.set_title(f"{info.param}" + (f": optimum may lie beyond the {' and '.join(warned)} bound" if warned else ""),
                 color="C3" if warned else "black")
    ax.legend(**LEGEND)


def _best_of_k(a: Analysis, axs: list[Any]) -> None:
    b, ax = a.best_of_k, axs[0]
    ax.plot(b.ks, b.median, color="C0", label="expected best of k (bootstrap median)")
    ax.fill_between(b.ks, b.low, b.high, alpha=0.25, color="C0", label="bootstrap 5-95%")
    ax.plot(b.ks, b.observed, color="C1", drawstyle="steps-post", label="best so far, in trial order")
    ax.set_xlabel("trials k")
    ax.set_ylabel(f"best {a.study.goal.metric} among k trials")
    ax.set_title("enough trials?")
    ax.legend(**LEGEND)


def _curves(a: Analysis, axs: list[Any]) -> None:
    ax = axs[0]
    best_numbers = {c.number for c in a.curves}
    for i, r in enumerate(x for x in a.records if x.number in best_numbers):
        ax.plot([s for s, _, _ in r.val_curve], [m for _, _, m in r.val_curve], color=f"C{i}", label=f"trial {r.number}")
        if r.best_step is not None and r.value is not None:
            ax.scatter([r.best_step], [r.value], color=f"C{i}", s=30, zorder=3, label="best checkpoint of each trial" if i == 0 else None)
    ax.set_xlabel("training step")
    ax.set_ylabel(f"validation {_metric(a)}")
    ax.set_title("best trials: validation curves")
    ax.legend(**LEGEND)
