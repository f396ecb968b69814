"""The linear label baseline: out-of-sample votes from disjoint folds, robust to noisy labels."""

from __future__ import annotations

import numpy as np

from nnrecipe._audit._join import Hits
from nnrecipe._audit._linear import LinearVote


def _linear_classes(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 16)).astype(np.float32)
    return X, (X @ rng.normal(size=(16, 4))).argmax(1)


def _votes(base: LinearVote, X: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = base.votes(Hits(0, rows, np.zeros((len(rows), 1), np.int64), np.zeros((len(rows), 1)), vectors=X[rows]))
    return v.probs, v.a, v.b


def test_a_rows_own_label_never_shapes_its_votes() -> None:
    X, y = _linear_classes(1000)
    rows = np.arange(1000)
    base = LinearVote.fit(X, y, rows, 4)
    assert base is not None
    for r in (0, 1, 2):
        changed = y.copy()
        changed[r] = (changed[r] + 1) % 4
        other = LinearVote.fit(X, changed, rows, 4)
        assert other is not None
        for got, want in zip(_votes(other, X, rows[r : r + 1]), _votes(base, X, rows[r : r + 1])):
            np.testing.assert_array_equal(got, want)  # its own label changed: its votes did not


def test_it_recovers_linear_classes_from_labels_forty_percent_wrong() -> None:
    X, y = _linear_classes(1000)
    rng = np.random.default_rng(1)
    noisy = np.where(rng.random(1000) < 0.4, rng.integers(0, 4, 1000), y)
    base = LinearVote.fit(X, noisy, np.arange(1000), 4)
    assert base is not None
    probs, a, b = _votes(base, X, np.arange(1000))
    assert (probs.argmax(1) == y).mean() > 0.75 and (a == b).mean() > 0.6
    assert np.allclose(probs.sum(1), 1.0)


def test_a_fold_with_a_missing_class_and_too_few_rows_are_handled() -> None:
    X, y = _linear_classes(400)
    y[y == 3] = 0
    y[:3] = 3  # three examples of class 3: some folds never see it
    base = LinearVote.fit(X, y, np.arange(400), 5)  # class 4 never occurs
    assert base is not None
    probs, _, _ = _votes(base, X, np.arange(400))
    assert probs.shape == (400, 5) and (probs[:, 4] == 0).all()
    assert LinearVote.fit(X[:20], y[:20], np.arange(20), 5) is None
    assert LinearVote.fit(X, np.zeros(400, np.int64), np.arange(400), 5) is None
