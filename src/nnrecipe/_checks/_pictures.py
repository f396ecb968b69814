"""Decode a batch into pictures: images as a grid, sequences as lines, vectors as a heat map."""

from __future__ import annotations

from pathlib import Path

import torch

__all__ = ["save_batch_pictures"]


def save_batch_pictures(x: torch.Tensor, y: torch.Tensor, folder: Path, *, name: str = "input_batch") -> list[Path]:
    """Write ``folder/name.png`` and return the paths written.

    Args:
        x: The batch as it enters the model.
        y: Its targets, shown as titles when they are scalar labels.
        folder: Where to write; created if missing.
        name: File stem.

    Returns:
        The paths written.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ImportError("input pictures need matplotlib: pip install matplotlib") from e
    folder.mkdir(parents=True, exist_ok=True)
    x = x.detach().float().cpu()
    y = y.detach().cpu()
    labels = [str(int(v)) if v.numel() == 1 and not v.is_floating_point() else (f"{float(v):.3g}" if v.numel() == 1 else "") for v in y]
    n = min(len(x), 16)
    image = x.ndim == 4 or (x.ndim == 3 and x.shape[1] > 4 and x.shape[2] > 4)
    if image:
        cols = 4
        fig, axes = plt.subplots((n + cols - 1) // cols, cols, figsize=(8, 2 * ((n + cols - 1) // cols)), squeeze=False)
        for ax, i in zip(axes.flat, range(n), strict=False):
            img = x[i] if x.ndim == 3 else (x[i, 0] if x.shape[1] not in (3, 4) else x[i].permute(1, 2, 0))
            lo, hi = float(img.min()), float(img.max())
            ax.imshow(((img - lo) / (hi - lo + 1e-12)).numpy(), cmap="gray")  # rescaled for display only
            ax.set_title(f"y={labels[i]}  [{lo:.2g}, {hi:.2g}]", fontsize=7)
        for ax in axes.flat:
            ax.axis("off")
    elif x.ndim in (2, 3) and x.shape[-1] > 1:
        fig, axes = plt.subplots(4, 4, figsize=(10, 7), squeeze=False, sharey=True)
        for ax, i in zip(axes.flat, range(n), strict=False):
            series = x[i] if x.ndim == 2 else x[i].reshape(x.shape[1], -1)
            for row in series.reshape(-1, series.shape[-1])[:4]:
                ax.plot(row.numpy(), lw=0.8)
            ax.set_title(f"y={labels[i]}", fontsize=7)
    else:
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.imshow(x.reshape(len(x), -1).numpy(), aspect="auto", cmap="coolwarm")
        ax.set_xlabel("feature")
        ax.set_ylabel("example")
    fig.suptitle(f"batch as the model sees it: shape {tuple(x.shape)}, mean {float(x.mean()):.3g}, std {float(x.std()):.3g}", fontsize=9)
    fig.tight_layout()
    png = folder / f"{name}.png"
    fig.savefig(png, dpi=80)
    plt.close(fig)
    return [png]
