"""The label baseline: a k-nearest-neighbour vote on the audit's own neighbour index.

Every example's neighbours among the training examples (never itself) vote for a class; the
smoothed vote is an out-of-sample class probability. The training examples are split at
random into two halves, and the neighbours from each half cast a separate vote: two
independent predictions. How often they agree (beyond chance) says how much the baseline
can be trusted on this data; how much less often the given labels agree with a vote than the
two votes agree with each other estimates the share of wrong labels. Heavy label noise
lowers the agreement with the labels but not the agreement between the votes (a majority of
neighbours still carries the true class), so noise does not switch the baseline off, while
data that is hard for a nearest-neighbour vote (MNIST-1D) shows up as votes that disagree.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["VoteTally", "Votes", "knn_votes"]


@dataclasses.dataclass(frozen=True)
class Votes:
    """Votes of one batch of queries.

    Attributes:
        probs: ``(q, C)`` smoothed class frequencies among all neighbours.
        a: ``(q,)`` the majority class among neighbours of half A, -1 if none voted.
        b: ``(q,)`` the same for half B.
    """

    probs: np.ndarray
    a: np.ndarray
    b: np.ndarray


def _majority(counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Arg-max per row with ties broken at random (never towards low class ids); -1 if empty."""
    jitter = rng.random(counts.shape) * 0.5  # below one vote: only breaks ties
    vote = (counts + jitter).argmax(1)
    vote[counts.sum(1) == 0] = -1
    return vote


def knn_votes(labels: np.ndarray, half: np.ndarray, prior: np.ndarray, rng: np.random.Generator) -> Votes:
    """Votes from the labels of each query's neighbours.

    Args:
        labels: ``(q, k)`` class ids of the neighbours, -1 where there is none or the label
            is unusable.
        half: ``(q, k)`` bool, the neighbour belongs to half B.
        prior: ``(C,)`` train class frequencies, the smoothing towards which few votes shrink.
        rng: Breaks ties.

    Example:
        >>> v = knn_votes(np.array([[0, 0, 1, 0]]), np.array([[0, 1, 0, 1]], bool), np.array([0.5, 0.5]), np.random.default_rng(0))
        >>> v.a.tolist(), v.b.tolist(), v.probs.round(2).tolist()
        ([0], [0], [[0.7, 0.3]])
    """
    q, C = len(labels), len(prior)
    ok = labels >= 0
    rows = np.repeat(np.arange(q), labels.shape[1]).reshape(labels.shape)
    counts = np.zeros((2, q, C))
    np.add.at(counts, (half[ok].astype(np.int64), rows[ok], labels[ok]), 1.0)
    total = counts.sum(0)
    probs = (total + prior) / (total.sum(1, keepdims=True) + 1.0)
    return Votes(probs=probs, a=_majority(counts[0], rng), b=_majority(counts[1], rng))


@dataclasses.dataclass
class VoteTally:
    """Agreement counts over batches: votes with labels, and the two votes with each other."""

    num_classes: int
    labelled: int = 0
    agree: float = 0.0
    paired: int = 0
    votes_agree: int = 0

    def __post_init__(self) -> None:
        self.marg_a = np.zeros(self.num_classes)
        self.marg_b = np.zeros(self.num_classes)

    def add(self, votes: Votes, labels: np.ndarray) -> None:
        """Count one batch; ``labels`` are the queries' given classes."""
        for v in (votes.a, votes.b):
            has = v >= 0
            self.labelled += int(has.sum())
            self.agree += float((v[has] == labels[has]).sum())
        both = (votes.a >= 0) & (votes.b >= 0)
        self.paired += int(both.sum())
        self.votes_agree += int((votes.a[both] == votes.b[both]).sum())
        self.marg_a += np.bincount(votes.a[both], minlength=self.num_classes)
        self.marg_b += np.bincount(votes.b[both], minlength=self.num_classes)

    @property
    def agreement(self) -> float:
        """Share of votes equal to the given label."""
        return self.agree / max(self.labelled, 1)

    @property
    def votes_agreement(self) -> float:
        """Share of queries whose two votes agree."""
        return self.votes_agree / max(self.paired, 1)

    @property
    def self_consistency(self) -> float:
        """Cohen's kappa of the two votes: 1 = always agree, 0 = as often as by chance."""
        if self.paired == 0:
            return 0.0
        chance = float((self.marg_a / self.paired) @ (self.marg_b / self.paired))
        return (self.votes_agreement - chance) / (1.0 - chance) if chance < 1.0 else 0.0

    @property
    def noise_rate(self) -> float:
        """Estimated share of wrong labels: ``1 - agreement / votes_agreement``.

        Labels a vote reproduces less often than the votes reproduce each other disagree with
        what the inputs say. With votes right with probability ``r`` and a share ``e`` of
        flipped labels, ``agreement ~ r (1 - e)`` and ``votes_agreement ~ r^2``, so the estimate
        is about ``1 - (1 - e) / r``: it errs low, by the baseline's own error rate.
        """
        s = self.votes_agreement
        return max(0.0, 1.0 - self.agreement / s) if s > 0 else 0.0
