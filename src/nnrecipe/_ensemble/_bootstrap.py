"""A paired bootstrap confidence interval of a gain measured on the same test examples.

The ensemble and the best single model are scored on the same examples, so the gain's
uncertainty is that of the mean of per-example differences: resampling examples with
replacement keeps each example's pair together (a paired bootstrap), which is much tighter
than comparing two independent intervals. The interval is the percentile interval of the
resampled means (Efron and Tibshirani, 1993), from a seeded generator: the same inputs give
the same interval.
"""

from __future__ import annotations

import torch

__all__ = ["paired_bootstrap"]

_CHUNK = 1 << 22  # resampled example indices drawn at once


def paired_bootstrap(differences: torch.Tensor, *, resamples: int = 2000, confidence: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of the mean of ``differences`` (one per example) over ``resamples`` resamples.

    Example:
        >>> paired_bootstrap(torch.full((100,), 0.25))
        (0.25, 0.25)
    """
    d = differences.double().flatten()
    n = len(d)
    generator = torch.Generator().manual_seed(seed)
    rows = max(1, _CHUNK // n)
    means = []
    for start in range(0, resamples, rows):
        idx = torch.randint(0, n, (min(rows, resamples - start), n), generator=generator)
        means.append(d[idx].mean(1))
    tail = (1 - confidence) / 2
    low, high = torch.quantile(torch.cat(means), torch.tensor([tail, 1 - tail], dtype=torch.float64)).tolist()
    return float(low), float(high)
