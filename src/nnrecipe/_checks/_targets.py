"""The best constant output for the targets: log prior, logit of the positive rate, or mean."""

from __future__ import annotations

import torch

from .._core._task import TaskKind

__all__ = ["prior_bias"]


def prior_bias(y: torch.Tensor, task: TaskKind, num_outputs: int) -> torch.Tensor:
    """Output-layer bias that predicts the targets' prior, one value per output.

    Classification: the log class frequencies, centred (labels outside ``[0, C)``, such as
    ``-100`` padding, are left out; soft targets give their mean distribution). Binary: the
    logit of each output's positive rate. Regression: the target mean per output.

    Example:
        >>> prior_bias(torch.tensor([0, 0, 0, 1]), "classification", 2).tolist()
        [0.549..., -0.549...]
    """
    if task in ("classification", "autoregressive"):
        if y.is_floating_point() and y.ndim >= 2 and y.shape[-1] == num_outputs:
            p = y.double().reshape(-1, num_outputs).clamp_min(0).mean(0)
        else:
            labels = y.reshape(-1).long()
            labels = labels[(labels >= 0) & (labels < num_outputs)]
            p = torch.bincount(labels, minlength=num_outputs).double()
        p = p / p.sum().clamp_min(1e-12) if float(p.sum()) > 0 else torch.full((num_outputs,), 1.0 / num_outputs, dtype=torch.float64)
        # Classes never seen get a small floor: log(0) would be a -inf bias.
        logp = torch.log(p.clamp_min(1e-4 / num_outputs))
        return (logp - logp.mean()).float()
    if task == "binary":
        yf = y.double().reshape(len(y), -1) if y.numel() else torch.full((1, 1), 0.5, dtype=torch.float64)
        per = yf.mean(0) if yf.shape[1] == num_outputs else yf.mean().reshape(1).expand(num_outputs)
        per = per.clamp(1e-4, 1 - 1e-4)
        return torch.log(per / (1 - per)).float()
    yf = y.double().reshape(len(y), -1) if y.numel() else torch.zeros(1, 1, dtype=torch.float64)
    mean = yf.mean(0) if yf.shape[1] == num_outputs else yf.mean().reshape(1).expand(num_outputs)
    return mean.float().clone()
