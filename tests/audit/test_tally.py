"""Counting a baseline's votes: agreement, self-consistency, and its confident region."""

from __future__ import annotations

import numpy as np

from nnrecipe._audit._tally import BaselineTally
from nnrecipe._audit._votes import Votes


def _votes(confidence: np.ndarray, predicted: np.ndarray, C: int = 3) -> Votes:
    probs = np.full((len(predicted), C), 0.0)
    probs[np.arange(len(predicted)), predicted] = confidence
    rest = (1 - confidence) / (C - 1)
    for c in range(C):
        probs[predicted != c, c] = rest[predicted != c]
    return Votes(probs, predicted, predicted)


def test_the_confident_region_is_the_top_tenth_and_counts_its_disagreement() -> None:
    n = 2000
    confidence = np.linspace(0.34, 0.99, n)
    predicted = np.zeros(n, np.int64)
    labels = np.zeros(n, np.int64)
    labels[: n // 2] = 1  # wrong labels only among the least confident half
    labels[-200:][::4] = 2  # a quarter wrong in the top tenth
    t = BaselineTally(3)
    for lo in range(0, n, 300):  # batch by batch
        t.add(_votes(confidence[lo : lo + 300], predicted[lo : lo + 300]), labels[lo : lo + 300], other=np.zeros(min(300, n - lo), np.int64))
    f = t.figures("neighbours", "vote")
    assert 200 <= f.confident_examples <= 220  # cut at a bin edge
    assert abs(f.confident_disagreement - 0.25) < 0.02
    assert f.corroboration == 1.0
    assert f.agreement == (labels == 0).mean()


def test_a_small_split_uses_at_least_a_hundred_examples_and_ties_stay_together() -> None:
    t = BaselineTally(2)
    confidence = np.r_[np.full(150, 0.95), np.full(150, 0.6)]  # 150 unanimous votes
    labels = np.r_[np.zeros(140), np.ones(10), np.zeros(150)].astype(np.int64)
    t.add(_votes(confidence, np.zeros(300, np.int64), C=2), labels)
    f = t.figures("neighbours", "vote")
    assert f.confident_examples == 150 and f.corroboration is None
    assert np.isclose(f.confident_disagreement, 10 / 150)


def test_self_consistency_is_chance_corrected() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 5000), rng.integers(0, 4, 5000)
    t = BaselineTally(4)
    t.add(Votes(np.full((5000, 4), 0.25), a, b), a)
    assert abs(t.self_consistency) < 0.05
    t = BaselineTally(4)
    t.add(Votes(np.full((5000, 4), 0.25), a, a), a)
    assert t.self_consistency == 1.0
