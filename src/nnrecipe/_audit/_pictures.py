"""Drawing the audit: sample grids per class, extremes per statistic, histograms.

Images are drawn as images, sequences and vectors as line plots. Rendering only reads the
report's gallery and summary, which are computed beforehand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._split import as_image, input_kind

if TYPE_CHECKING:
    from ._report import AuditReport

__all__ = ["write_pictures"]


def _draw(ax: Any, x: np.ndarray, shape: tuple[int, ...], title: str) -> None:
    if input_kind(shape) == "image":
        img = as_image(x, shape)
        if img.ndim == 3:
            lo, hi = float(img.min()), float(img.max())
            img = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
        ax.imshow(img, cmap="gray" if img.ndim == 2 else None)
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        series = x.reshape(shape) if len(shape) == 2 else x.reshape(1, -1)
        for s in series:
            ax.plot(s, linewidth=0.8)
        ax.tick_params(labelsize=5)
    ax.set_title(title, fontsize=6)


def _grid(rows: list[tuple[str, list[tuple[np.ndarray, str]]]], shape: tuple[int, ...], path: Path, title: str) -> None:
    import matplotlib.pyplot as plt

    ncol = max(len(r[1]) for r in rows)
    fig, axes = plt.subplots(len(rows), ncol, figsize=(1.3 * ncol + 1, 1.3 * len(rows) + 0.5), squeeze=False)
    for r, (label, items) in enumerate(rows):
        for c in range(ncol):
            ax = axes[r][c]
            if c < len(items):
                _draw(ax, items[c][0], shape, items[c][1])
            else:
                ax.axis("off")
        axes[r][0].set_ylabel(label, fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_pictures(report: AuditReport, directory: Path) -> list[Path]:
    """Write PNGs of the report's gallery and histograms into ``directory``.

    Returns:
        The paths written.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)  # no display needed; a no-op when already chosen
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    g = report.gallery
    if g is not None and g.per_class:
        rows = [(c, [(x, f"{s}[{i}]") for s, i, x in items]) for c, items in g.per_class.items()]
        _grid(rows, g.shape, directory / "samples_per_class.png", "random training examples per class")
        written.append(directory / "samples_per_class.png")
    if g is not None and g.extremes:
        rows = [(stat, [(x, f"{s}[{i}] {v:.3g}") for s, i, v, x in items]) for stat, items in g.extremes.items()]
        _grid(rows, g.shape, directory / "extremes.png", "lowest (left) and highest (right) examples of each statistic")
        written.append(directory / "extremes.png")
    hists = report.summary.get("statistics", {}).get("train", {})
    if hists:
        fig, axes = plt.subplots(1, len(hists), figsize=(2.2 * len(hists), 2.2), squeeze=False)
        for ax, (stat, data) in zip(axes[0], hists.items()):
            h = data["histogram"]
            if h["counts"]:
                edges = np.asarray(h["edges"])
                ax.bar(edges[:-1], h["counts"], width=np.diff(edges), align="edge")
            ax.set_title(stat, fontsize=8)
            ax.tick_params(labelsize=6)
        fig.tight_layout()
        fig.savefig(directory / "statistics.png", dpi=90)
        plt.close(fig)
        written.append(directory / "statistics.png")
    counts = report.summary.get("labels", {}).get("counts")
    if counts:
        fig, ax = plt.subplots(figsize=(6, 2.5))
        width = 0.8 / len(counts)
        for k, (split, c) in enumerate(counts.items()):
            ax.bar(np.arange(len(c)) + k * width, c, width=width, label=split)
        ax.set_xlabel("class")
        ax.set_ylabel("examples")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(directory / "labels.png", dpi=90)
        plt.close(fig)
        written.append(directory / "labels.png")
    return written
