"""Drawing the audit: sample grids per class, extremes per statistic, histograms.

Images are drawn as images, sequences and vectors as line plots. Rendering only reads the
report's gallery and summary, which are computed beforehand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._split import as_image, input_kind

if TYPE_CHECKING:
    from ._report import AuditReport

__all__ = ["write_pictures"]


def _tile(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    img = as_image(x, shape).astype(np.float64)
    lo, hi = float(img.min()), float(img.max())
    img = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)  # each tile on its own scale
    return img if img.ndim == 3 else np.repeat(img[..., None], 3, axis=2)


def _grid(rows: list[tuple[str, list[tuple[np.ndarray, str]]]], shape: tuple[int, ...], path: Path, title: str) -> None:
    """One row per group. Images become one mosaic (one ``imshow``, fast for hundreds of
    tiles); sequences and vectors become one line plot per row, examples side by side."""
    import matplotlib.pyplot as plt

    ncol = max(len(r[1]) for r in rows)
    fig, axes = plt.subplots(len(rows), 1, figsize=(1.2 * ncol + 1.5, 1.1 * len(rows) + 0.6), squeeze=False)
    for ax, (label, items) in zip(axes[:, 0], rows):
        if input_kind(shape) == "image":
            tiles = [_tile(x, shape) for x, _ in items]
            pad = np.ones((tiles[0].shape[0], max(1, tiles[0].shape[1] // 8), 3))
            ax.imshow(np.concatenate([t for tile in tiles for t in (tile, pad)], axis=1), interpolation="nearest")
            width = tiles[0].shape[1] + pad.shape[1]
            ax.set_xticks([width * k + tiles[0].shape[1] / 2 for k in range(len(items))])
            ax.set_yticks([])
        else:
            length = int(np.prod(shape[-1:]))
            for k, (x, _) in enumerate(items):
                series = x.reshape(-1, length)
                for line in series:
                    ax.plot(np.arange(length) + k * (length * 1.1), line, linewidth=0.7)
            ax.set_xticks([(k + 0.5) * length * 1.1 for k in range(len(items))])
            ax.tick_params(axis="y", labelsize=5)
        ax.set_xticklabels([t for _, t in items], fontsize=5)
        ax.set_ylabel(label, fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.subplots_adjust(left=0.08, right=0.99, top=0.93, bottom=0.04, hspace=0.45)
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
        fig.subplots_adjust(left=0.04, right=0.99, bottom=0.12, top=0.88, wspace=0.35)
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
        fig.subplots_adjust(bottom=0.2)
        fig.savefig(directory / "labels.png", dpi=90)
        plt.close(fig)
        written.append(directory / "labels.png")
    return written
