"""Label baselines: models of another kind than the user's that predict each example's class
out of sample, twice, from disjoint training data.

A baseline (:class:`Baseline`) answers a batch of neighbour hits with :class:`Votes`: a
class probability per example (never learnt from the example's own label) and two votes
from models fitted on disjoint parts of train. The two votes agree beyond chance when the
baseline finds structure in the inputs; how they agree with the given labels is judged by
``_tally`` and ``_noise``.

This module holds the interface and the nearest-neighbour vote: every example's neighbours
among the training examples (never itself) vote for a class; the smoothed vote is the
probability, and the neighbours from each of two random halves of train cast the two
votes. It needs no fitting and no assumption about the classes' shape, but it is weak where
neighbours say little (many dimensions for few examples); ``_linear`` adds a family that is
strong there.
"""

from __future__ import annotations

import abc
import dataclasses

import numpy as np

from ._join import Hits
from ._reservoir import row_keys

__all__ = ["Baseline", "NeighbourVote", "Votes", "knn_votes"]


@dataclasses.dataclass(frozen=True)
class Votes:
    """Votes of one batch of queries.

    Attributes:
        probs: ``(q, C)`` out-of-sample class probabilities.
        a: ``(q,)`` the class voted by the part of train called A, -1 if it cast no vote.
        b: ``(q,)`` the same for part B, fitted on examples disjoint from A's.
    """

    probs: np.ndarray
    a: np.ndarray
    b: np.ndarray


class Baseline(abc.ABC):
    """A family of models that votes on every labelled query of the neighbour search."""

    name: str

    @abc.abstractmethod
    def describe(self) -> str:
        """How the votes are made, in words (the summary's ``method``)."""

    @abc.abstractmethod
    def votes(self, hits: Hits) -> Votes:
        """Votes for the queries of ``hits`` (their neighbours among train, their vectors)."""


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


class NeighbourVote(Baseline):
    """The ``k`` nearest training examples vote; halves of train split by a hash of the row.

    Args:
        train: Class ids of train's usable rows (-1 for unusable labels).
        num_classes: The number of classes.
        k: Neighbours per query.
        seed: Seed of the halves and of tie-breaking.
    """

    name = "neighbours"

    def __init__(self, train: np.ndarray, num_classes: int, k: int, *, seed: int = 0) -> None:
        usable = train[train >= 0]
        self.train, self.k, self.seed = train, k, seed
        self.prior = np.bincount(usable, minlength=num_classes) / max(len(usable), 1)
        self._rng = np.random.default_rng(seed)

    def describe(self) -> str:
        return f"{self.k}-nearest-neighbour vote on train"

    def votes(self, hits: Hits) -> Votes:
        ids = np.maximum(hits.ids, 0)
        neighbour = np.where(hits.ids >= 0, self.train[ids], -1)
        half = (row_keys(ids, self.seed + 1) & np.uint64(1)).astype(bool)
        return knn_votes(neighbour, half, self.prior, self._rng)
