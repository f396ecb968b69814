"""Drawing the audit: sample grids per class, extremes per statistic, histograms, class shares.

Rendering only reads the report's typed data (the gallery and the summary sections), which is
computed beforehand. Images are drawn as images, each tile on its own scale with its caption
under it; sequences and vectors as line plots; histograms on the robust axis of their data
with the outliers beyond it marked and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._sections import ClassLabels, Histogram, StatisticSummary
from ._split import as_image, input_kind

if TYPE_CHECKING:
    from ._report import AuditReport

__all__ = ["write_pictures"]

_DPI = 100
_CAPTION = 8  # points: about 11 pixels at 100 dpi
_TILE = 1.1  # inches per tile
_GAP = 0.18  # of a tile's width, between tiles

Row = tuple[str, Sequence[tuple[np.ndarray, str]]]


def _tile(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    img = as_image(x, shape).astype(np.float64)
    finite = img[np.isfinite(img)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    img = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)  # each tile on its own scale
    return np.nan_to_num(img if img.ndim == 3 else np.repeat(img[..., None], 3, axis=2), nan=0.0)


def _draw_images(ax: Any, label: str, items: Sequence[tuple[np.ndarray, str]], shape: tuple[int, ...]) -> None:
    """Tiles side by side in one axes, each placed by its extent: the gaps are background."""
    height = 1.0
    for k, (x, caption) in enumerate(items):
        tile = _tile(x, shape)
        h, w = tile.shape[:2]
        left = k * (1 + _GAP)
        height = h / w  # keep the aspect ratio, width 1
        ax.imshow(tile, extent=(left, left + 1, 0, height), interpolation="nearest")
        ax.text(left + 0.5, -0.06, caption, ha="center", va="top", fontsize=_CAPTION)
    ax.set_xlim(-0.05, len(items) * (1 + _GAP) - _GAP + 0.05)
    ax.text(-0.15, height / 2, label, ha="right", va="center", fontsize=_CAPTION + 1)


def _draw_lines(ax: Any, items: Sequence[tuple[np.ndarray, str]], shape: tuple[int, ...]) -> None:
    """Each example as a line plot in its own slot; slots separated by a gap and a thin rule."""
    length = int(np.prod(shape[-1:]))
    lows, highs = [], []
    for k, (x, caption) in enumerate(items):
        start = k * length * (1 + _GAP)
        for line in x.reshape(-1, length):
            ax.plot(start + np.arange(length), line, linewidth=0.9, color="C0")
        finite = x[np.isfinite(x)]
        lows.append(finite.min() if len(finite) else 0.0)
        highs.append(finite.max() if len(finite) else 1.0)
        ax.text(start + length / 2, -0.04, caption, ha="center", va="top", fontsize=_CAPTION, transform=ax.get_xaxis_transform())
        if k:
            ax.axvline(start - length * _GAP / 2, color="0.85", linewidth=0.8)
    ax.set_xlim(-length * 0.05, len(items) * length * (1 + _GAP))
    ax.set_xticks([])
    ax.tick_params(axis="y", labelsize=_CAPTION - 1)


def _grid(rows: Sequence[Row], shape: tuple[int, ...], path: Path, title: str) -> None:
    """One row per group of examples, the group's name on the left."""
    import matplotlib.pyplot as plt

    image = input_kind(shape) == "image"
    ncol = max(len(items) for _, items in rows)
    row_height = _TILE * (1.35 if image else 1.1)
    fig, axes = plt.subplots(
        len(rows), 1, figsize=(ncol * _TILE * (1 + _GAP) + 1.4, row_height * len(rows) + 0.6), squeeze=False
    )
    for ax, (label, items) in zip(axes[:, 0], rows):
        if image:
            _draw_images(ax, label, items, shape)
            ax.axis("off")
        else:
            _draw_lines(ax, items, shape)
            ax.set_ylabel(label, fontsize=_CAPTION + 1)
    fig.suptitle(title, fontsize=_CAPTION + 3)
    fig.subplots_adjust(left=1.2 / fig.get_figwidth(), right=0.99, top=1 - 0.7 / fig.get_figheight(), bottom=0.25 / fig.get_figheight(), hspace=0.45)
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)


def _draw_histogram(ax: Any, name: str, h: Histogram) -> None:
    edges = np.asarray(h.edges)
    if h.counts:
        ax.bar(edges[:-1], h.counts, width=np.diff(edges), align="edge", color="C0", edgecolor="white", linewidth=0.4)
        if h.scale == "log":
            ax.set_xscale("log")
    ax.set_title(name + (" (log axis)" if h.scale == "log" else ""), fontsize=_CAPTION + 1)
    ax.tick_params(labelsize=_CAPTION - 1)
    ax.set_ylabel("examples", fontsize=_CAPTION)
    # Outliers beyond the robust axis: an arrow at the edge with their count and extreme value.
    for count, where, extreme, align in ((h.below, 0.0, h.low, "left"), (h.above, 1.0, h.high, "right")):
        if count:
            ax.annotate(
                f"{count} {'below' if where == 0 else 'above'}\n(to {extreme:.3g})",
                xy=(where, 0.0), xycoords="axes fraction", xytext=(0.03 + 0.94 * where, 0.9), textcoords="axes fraction",
                ha=align, va="top", fontsize=_CAPTION - 1, color="C3",
                arrowprops={"arrowstyle": "->", "color": "C3"},
            )


def _statistics(stats: dict[str, StatisticSummary], path: Path) -> None:
    import matplotlib.pyplot as plt

    ncol = min(4, len(stats))
    nrow = -(-len(stats) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.2 * ncol, 2.5 * nrow), squeeze=False)
    for ax, (name, s) in zip(axes.ravel(), stats.items()):
        _draw_histogram(ax, name, s.histogram)
    for ax in axes.ravel()[len(stats) :]:
        ax.axis("off")
    fig.suptitle("per-example statistics of train (outliers beyond the robust axis marked in red)", fontsize=_CAPTION + 2)
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)


def _classes(labels: ClassLabels, path: Path) -> None:
    import matplotlib.pyplot as plt

    C = labels.num_classes
    fig, ax = plt.subplots(figsize=(min(12.0, 2.5 + 0.45 * C), 3.0))
    width = 0.8 / len(labels.counts)
    for k, (split, counts) in enumerate(labels.counts.items()):
        c = np.asarray(counts, dtype=np.float64)
        ax.bar(np.arange(C) + (k - (len(labels.counts) - 1) / 2) * width, c / max(c.sum(), 1.0), width=width, label=f"{split} ({int(c.sum())})")
    names = labels.class_names or [str(c) for c in range(C)]
    if C <= 40:
        ax.set_xticks(np.arange(C), names, rotation=45 if max(map(len, names)) > 3 else 0, fontsize=_CAPTION)
    ax.set_xlabel("class", fontsize=_CAPTION + 1)
    ax.set_ylabel("share of the split", fontsize=_CAPTION + 1)
    # Above the axes, never over the bars.
    ax.legend(fontsize=_CAPTION, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(labels.counts), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)


def write_pictures(report: AuditReport, directory: Path) -> list[Path]:
    """Write PNGs of the report's gallery and summary into ``directory``.

    Returns:
        The paths written.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)  # no display needed; a no-op when already chosen

    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    g = report.gallery
    if g is not None and g.per_class:
        rows: list[Row] = [(c, [(x, f"{s}[{i}]") for s, i, x in items]) for c, items in g.per_class.items()]
        _grid(rows, g.shape, directory / "samples_per_class.png", "random training examples per class")
        written.append(directory / "samples_per_class.png")
    if g is not None and g.extremes:
        rows = [(stat, [(x, f"[{i}] {v:.3g}") for s, i, v, x in items]) for stat, items in g.extremes.items()]
        _grid(rows, g.shape, directory / "extremes.png", "lowest (left four) and highest (right four) training examples of each statistic")
        written.append(directory / "extremes.png")
    stats = report.summary.statistics.get("train", {})
    if stats:
        _statistics(dict(stats), directory / "statistics.png")
        written.append(directory / "statistics.png")
    if isinstance(report.summary.labels, ClassLabels):
        _classes(report.summary.labels, directory / "labels.png")
        written.append(directory / "labels.png")
    return written
