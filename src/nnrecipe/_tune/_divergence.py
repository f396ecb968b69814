"""When a trial diverged: a non-finite loss, or a loss that stayed far above where it started.

A trial whose loss merely did not fall (a learning rate too small, too few steps) is
feasible: it is a bad trial, and the analyses must see it as one, at its place on the
axis plots. Only training that made the model clearly worse than it was at initialisation
is divergence.

"Far above" is measured on the trial's own losses, so it holds for any loss and scale:

- the initial level is the loss of the first step, computed on the untrained model before
  any update: the one point of training the learning rate has not touched yet (from the
  second step on, a rate large enough to diverge has already multiplied the loss);
- the end of training is the last tenth of the loss samples (at least ``END_MIN``), and the
  loss blew up when even their lower quartile lies above ``BLOWUP`` times the initial level.
  The quartile asks that the loss *stayed* up, so a few bad batches at the end do not count;
  the factor is far beyond the batch-to-batch noise of a loss at initialisation (a mean
  over a batch of 64 examples varies by a few percent for a classifier, about 18% for a
  squared error on normal targets) and far above the level of a model that learned nothing,
  which ends where it started. Measured: SGD on scikit-learn's digits (the tuning tests' MLP)
  at learning rates 31, 9,800 and 3.1e6 ends 17, 5,900 and 1.4e6 times above its initial
  loss; the reference CNN on MNIST-1D with SGD at 30 ends 47 times above it (then NaN).
  AdamW at 10 on that CNN ends at 1.2 times its initial loss with 21% validation accuracy:
  a bad trial, ranked last on its axis plot, not a diverged one.

A loss that can be negative or zero at initialisation (a log-density, say) has no scale to
multiply: only a non-finite loss counts as divergence there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["BLOWUP", "divergence", "initial_loss"]

BLOWUP = 2.0  # the loss stayed above this multiple of its initial level: diverged
END_FRACTION = 0.1  # the end of training: the last tenth of the loss samples...
END_MIN = 5  # ... and at least this many


def initial_loss(step_losses: Sequence[tuple[int, float]]) -> float | None:
    """The loss of the untrained model: the first sample, if it is from step 1 and finite.

    Example:
        >>> initial_loss([(1, 2.3), (2, 40.0)])
        2.3
    """
    if not step_losses or step_losses[0][0] != 1 or not math.isfinite(step_losses[0][1]):
        return None
    return float(step_losses[0][1])


def divergence(step_losses: Sequence[tuple[int, float]]) -> str | None:
    """Why a trial with these ``(step, loss)`` samples diverged, or ``None`` if it did not.

    Example:
        >>> flat = [(s, 2.3 + 0.01 * (s % 3)) for s in range(1, 60)]
        >>> divergence(flat) is None  # learned nothing: feasible, and bad
        True
        >>> divergence(flat[:2] + [(s, 40.0 + s % 7) for s in range(3, 60)])
        'diverged: training loss stayed above 41.2 (lower quartile of the last 6 samples), more than 2x its initial 2.31'
    """
    losses = np.array([v for _, v in step_losses], dtype=float)
    if not np.all(np.isfinite(losses)):
        return "diverged: non-finite training loss"
    start = initial_loss(step_losses)
    if start is None or start <= 0:
        return None
    tail = losses[-max(END_MIN, math.ceil(END_FRACTION * len(losses))) :]
    low = float(np.percentile(tail, 25))
    if low <= BLOWUP * start:
        return None
    return (
        f"diverged: training loss stayed above {low:.3g} (lower quartile of the last {len(tail)} samples), "
        f"more than {BLOWUP:g}x its initial {start:.3g}"
    )
