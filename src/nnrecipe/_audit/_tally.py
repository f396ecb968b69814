"""How a baseline's votes agree with the labels, with each other and with the other baseline,
counted batch by batch in memory that does not grow with the number of examples.

Per baseline and split:
- agreement: the share of its two votes equal to the given label;
- self-consistency: Cohen's kappa of its two votes (models fitted on disjoint parts of train);
- its confident region: the examples whose out-of-sample probability of the predicted
  class is highest (the top ``_TOP`` share, at least ``_TOP_MIN`` examples). There it
  counts the share of labels that differ from the prediction (the confident disagreement)
  and the share of examples on which another baseline predicts the same class
  (corroboration). Confidences are counted in ``_BINS`` bins, so the region is cut at a bin
  edge: examples of equal confidence (a unanimous neighbour vote) stay together.
"""

from __future__ import annotations

import numpy as np

from ._sections import BaselineFigures
from ._votes import Votes

__all__ = ["BaselineTally"]

_BINS = 200
_TOP = 0.1
_TOP_MIN = 100


class BaselineTally:
    """Counts of one baseline's votes on one split.

    Args:
        num_classes: The number of classes.

    Example:
        >>> t = BaselineTally(2)
        >>> votes = Votes(np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]]), np.array([0, 0, 1]), np.array([0, 1, 1]))
        >>> t.add(votes, labels=np.array([0, 1, 1]), other=np.array([0, 0, 0]))
        >>> f = t.figures("neighbours", "a vote")
        >>> round(f.agreement, 2), round(f.confident_disagreement, 2), round(f.corroboration, 2)
        (0.83, 0.33, 0.67)
    """

    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes
        self.labelled = 0
        self.agree = 0
        self.paired = 0
        self.votes_agree = 0
        self.marg_a = np.zeros(num_classes)
        self.marg_b = np.zeros(num_classes)
        # Per confidence bin: examples, labels equal to the prediction, the other baseline's
        # prediction equal to it (counted where there is another baseline).
        self.bins = np.zeros((3, _BINS), np.int64)
        self.compared = False

    def add(self, votes: Votes, labels: np.ndarray, other: np.ndarray | None = None) -> None:
        """Count one batch; ``labels`` are the queries' given classes, ``other`` the classes
        another baseline predicts for them."""
        for v in (votes.a, votes.b):
            has = v >= 0
            self.labelled += int(has.sum())
            self.agree += int((v[has] == labels[has]).sum())
        both = (votes.a >= 0) & (votes.b >= 0)
        self.paired += int(both.sum())
        self.votes_agree += int((votes.a[both] == votes.b[both]).sum())
        self.marg_a += np.bincount(votes.a[both], minlength=self.num_classes)
        self.marg_b += np.bincount(votes.b[both], minlength=self.num_classes)
        predicted = votes.probs.argmax(1)
        confidence = np.nan_to_num(votes.probs.max(1), nan=0.0).clip(0.0, 1.0)
        at = np.minimum((confidence * _BINS).astype(np.int64), _BINS - 1)
        self.bins[0] += np.bincount(at, minlength=_BINS)
        self.bins[1] += np.bincount(at, weights=predicted == labels, minlength=_BINS).astype(np.int64)
        if other is not None:
            self.compared = True
            self.bins[2] += np.bincount(at, weights=predicted == other, minlength=_BINS).astype(np.int64)

    @property
    def agreement(self) -> float:
        """Share of votes equal to the given label."""
        return self.agree / max(self.labelled, 1)

    @property
    def self_consistency(self) -> float:
        """Cohen's kappa of the two votes: 1 = always agree, 0 = as often as by chance."""
        if self.paired == 0:
            return 0.0
        chance = float((self.marg_a / self.paired) @ (self.marg_b / self.paired))
        return (self.votes_agree / self.paired - chance) / (1.0 - chance) if chance < 1.0 else 0.0

    def _confident(self) -> np.ndarray:
        """Counts summed over the most confident bins holding the top share of examples."""
        n = int(self.bins[0].sum())
        want = min(n, max(_TOP_MIN, int(np.ceil(_TOP * n))))
        from_top = np.cumsum(self.bins[0][::-1])
        last = int(np.searchsorted(from_top, want)) + 1  # bins taken from the top
        return self.bins[:, _BINS - min(last, _BINS) :].sum(1)

    def figures(self, name: str, method: str) -> BaselineFigures:
        """The measurements, for the verdict and the summary."""
        n, right, same = self._confident()
        return BaselineFigures(
            baseline=name,
            method=method,
            examples=int(self.bins[0].sum()),
            agreement=self.agreement,
            self_consistency=self.self_consistency,
            confident_examples=int(n),
            confident_disagreement=float(1.0 - right / n) if n else float("nan"),
            corroboration=float(same / n) if n and self.compared else None,
        )
