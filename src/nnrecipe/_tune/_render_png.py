"""The analyses as PNG figures (matplotlib, imported only here)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ._analysis import Analysis

__all__ = ["save_plots"]


def save_plots(analysis: Analysis, folder: str | Path) -> list[Path]:
    """Write ``isolation.png``, ``axes.png``, ``best_of_k.png`` and ``curves.png`` into ``folder``.

    Returns:
        The paths written (a figure with nothing to show is skipped).

    Example:
        >>> save_plots(analyze("examples/mnist1d_study.yaml"), "runs/plots")  # doctest: +SKIP
    """
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: never open a window
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ImportError("plots need matplotlib: pip install matplotlib") from e
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw, count in (
        ("isolation", _isolation, len(analysis.isolation)),
        ("axes", _axes, len(analysis.axes)),
        ("best_of_k", _best_of_k, 1 if analysis.best_of_k.ks else 0),
        ("curves", _curves, 1 if analysis.curves else 0),
    ):
        if not count:
            continue
        cols = min(3, count)
        fig, axs = plt.subplots(math.ceil(count / cols), cols, figsize=(4.5 * cols, 3.4 * math.ceil(count / cols)), squeeze=False)
        draw(analysis, list(axs.flat))
        for ax in list(axs.flat)[count:]:
            ax.set_visible(False)
        fig.tight_layout()
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def _isolation(a: Analysis, axs: list[Any]) -> None:
    for ax, iso in zip(axs, a.isolation):
        labels = [repr(p.value) for p in iso.points]
        for i, p in enumerate(iso.points):
            ax.scatter([i] * len(p.trials), [v for _, v in p.trials], color="0.7", s=12)
            if p.best is not None:
                ax.scatter([i], [p.best], color="C0", s=40, zorder=3)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_title(f"isolation: {iso.param}")
        ax.set_ylabel(a.study.goal.metric)


def _axes(a: Analysis, axs: list[Any]) -> None:
    for ax, info in zip(axs, a.axes):
        ok = [p for p in info.points if p.outcome == "complete" and p.value is not None]
        bad = [p for p in info.points if p.outcome == "infeasible"]
        xs = [str(p.x) for p in ok] if info.kind == "choices" else [p.x for p in ok]
        ax.scatter(xs, [p.value for p in ok], s=14, color="C0")
        if bad and ok:
            floor = min(p.value for p in ok if p.value is not None)
            ax.scatter([str(p.x) if info.kind == "choices" else p.x for p in bad], [floor] * len(bad), marker="x", color="C3", label="infeasible")
            ax.legend(fontsize=7)
        if info.kind in ("log", "int_log"):
            ax.set_xscale("log")
        if info.low is not None and info.high is not None:
            ax.set_xlim(info.low, info.high)
        ax.set_title(info.param + ("  (edge!)" if info.warnings else ""), color="C3" if info.warnings else "black")
        ax.set_ylabel(a.study.goal.metric)


def _best_of_k(a: Analysis, axs: list[Any]) -> None:
    b, ax = a.best_of_k, axs[0]
    ax.plot(b.ks, b.median, color="C0")
    ax.fill_between(b.ks, b.low, b.high, alpha=0.25, color="C0", label="bootstrap best of k (5-95%)")
    ax.plot(b.ks, b.observed, color="C1", drawstyle="steps-post", label="best so far, in trial order")
    ax.legend(fontsize=7)
    ax.set_xlabel("trials k")
    ax.set_ylabel(f"best {a.study.goal.metric} of k")
    ax.set_title("enough trials?")


def _curves(a: Analysis, axs: list[Any]) -> None:
    ax = axs[0]
    best_numbers = {c.number for c in a.curves}
    for i, r in enumerate(x for x in a.records if x.number in best_numbers):
        ax.plot([s for s, _, _ in r.val_curve], [m for _, _, m in r.val_curve], color=f"C{i}", label=f"trial {r.number}")
    ax.set_xlabel("step")
    ax.set_ylabel(a.study.goal.metric)
    ax.set_title("best trials: validation curves")
    ax.legend(fontsize=7)
