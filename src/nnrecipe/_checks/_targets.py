"""What the targets say the output should be at init: the best constant prediction and its loss."""

from __future__ import annotations

import dataclasses
import math

import torch

from .._core._task import TaskKind

__all__ = ["Prior", "target_prior"]


@dataclasses.dataclass(frozen=True)
class Prior:
    """The best constant output for the targets, and the loss levels that go with it.

    Attributes:
        bias: Output-layer bias that predicts the prior (log prior, logit of the positive
            rate, or target mean), one value per output.
        uniform_loss: Cross-entropy of uniform predictions (``ln C``, ``ln 2``); ``nan``
            for regression.
        prior_loss: Cross-entropy of predicting the prior (its entropy) or, for
            regression, the variance of the targets (MSE of predicting the mean).
        zero_loss: Regression only: mean squared target (MSE of predicting 0).
    """

    bias: torch.Tensor
    uniform_loss: float
    prior_loss: float
    zero_loss: float = math.nan


def target_prior(y: torch.Tensor, task: TaskKind, num_outputs: int) -> Prior:
    """Compute the :class:`Prior` of targets ``y`` for a model with ``num_outputs`` outputs."""
    if task in ("classification", "autoregressive"):
        counts = torch.bincount(y.reshape(-1).long().clamp(0, num_outputs - 1), minlength=num_outputs).double()
        p = counts / counts.sum()
        # Classes never seen get a small floor: log(0) would be a -inf bias.
        logp = torch.log(p.clamp_min(1e-4 / num_outputs))
        return Prior(logp - logp.mean(), math.log(num_outputs), _entropy(p))
    if task == "binary":
        rate = float(y.double().mean()) if y.numel() else 0.5
        rate = min(max(rate, 1e-4), 1 - 1e-4)
        per = y.double().reshape(len(y), -1).mean(0) if num_outputs > 1 else torch.tensor([rate])
        per = per.clamp(1e-4, 1 - 1e-4)
        return Prior(torch.log(per / (1 - per)), math.log(2), float(_binary_entropy(per).mean()))
    yf = y.double().reshape(len(y), -1)
    if yf.shape[1] != num_outputs:
        yf = yf.reshape(-1, 1)
    mean = yf.mean(0)
    var = float(yf.var(0, unbiased=False).mean())
    return Prior(mean.expand(num_outputs).clone() if mean.numel() == 1 else mean, math.nan, var, float((yf**2).mean()))


def _entropy(p: torch.Tensor) -> float:
    p = p[p > 0]
    return float(-(p * p.log()).sum())


def _binary_entropy(p: torch.Tensor) -> torch.Tensor:
    return -(p * p.log() + (1 - p) * (1 - p).log())
