"""Next-token data is the expected relation, not target leakage; the wrong shifts are leaks."""

from __future__ import annotations

import numpy as np
import pytest

from nnrecipe import AuditConfig, audit
from nnrecipe._audit import SequenceTargets
from nnrecipe._audit._sequence import sequence_relation

_FAST = AuditConfig(label_errors=False)


def _stream(n: int = 300, length: int = 33, vocab: int = 40, seed: int = 0) -> np.ndarray:
    """Token windows from a Markov chain: a little structure, like text."""
    rng = np.random.default_rng(seed)
    step = rng.integers(1, 4, size=(n, length))
    return (np.cumsum(step, axis=1) + rng.integers(0, vocab, size=(n, 1))) % vocab


def test_next_token_pairs_are_recognised_and_not_reported_as_leakage() -> None:
    seq = _stream()
    report = audit((seq[:, :-1], seq[:, 1:]), config=_FAST)
    assert report.ok, [f.message for f in report.errors]
    assert report.find("target_leakage") is None
    labels = report.summary.labels
    assert isinstance(labels, SequenceTargets)
    assert labels.task == "autoregressive" and labels.shift == 1
    assert labels.agreement[1] == 1.0


def test_declaring_the_task_autoregressive_is_accepted() -> None:
    seq = _stream()
    report = audit((seq[:, :-1], seq[:, 1:]), config=AuditConfig(task="autoregressive", label_errors=False))
    assert report.ok
    assert report.summary.labels.task == "autoregressive"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("make", "shift", "words"),
    [
        (lambda s: (s[:, :-1], s[:, :-1]), 0, "same position"),
        (lambda s: (s[:, 1:], s[:, :-1]), -1, "wrong way"),
        (lambda s: (s[:, :-2], s[:, 2:]), 2, "by 2 positions"),
    ],
    ids=["copy", "wrong_way", "two_ahead"],
)
def test_targets_shifted_the_wrong_way_are_leakage(make: object, shift: int, words: str) -> None:
    X, y = make(_stream())  # type: ignore[operator]
    for task in ("auto", "autoregressive"):
        report = audit((X, y), config=AuditConfig(task=task, label_errors=False))  # type: ignore[arg-type]
        found = report.find("target_leakage")
        assert found is not None and found.severity == "error", task
        assert found.details["shift"] == shift and words in found.message


def test_padding_and_ignored_positions_do_not_create_a_relation() -> None:
    seq = _stream()
    seq[:, 20:] = 0  # right padding: equal everywhere, at any shift
    X, y = seq[:, :-1].copy(), seq[:, 1:].copy()
    y[:, 19:] = -100  # the loss ignores padded targets
    report = audit((X, y), config=_FAST)
    assert report.ok, [f.message for f in report.errors]
    assert report.summary.labels.shift == 1  # type: ignore[union-attr]


def test_per_position_labels_unrelated_to_the_inputs_are_not_autoregressive() -> None:
    rng = np.random.default_rng(0)
    X = rng.integers(0, 40, size=(300, 32))
    tags = (X % 3 == 0).astype(np.int64)  # a tagger's labels: a function of the token, not a copy
    report = audit((X, tags), config=_FAST)
    assert report.ok
    labels = report.summary.labels
    assert isinstance(labels, SequenceTargets) and labels.task == "per_position" and labels.shift is None


def test_declared_autoregressive_without_next_token_targets_is_warned() -> None:
    rng = np.random.default_rng(0)
    X = rng.integers(0, 40, size=(300, 32))
    report = audit((X, rng.integers(0, 40, size=(300, 32))), config=AuditConfig(task="autoregressive", label_errors=False))
    found = report.find("sequence_targets")
    assert found is not None and found.severity == "warn"
    single = audit((X, rng.integers(0, 4, 300)), config=AuditConfig(task="autoregressive", label_errors=False))
    assert single.find("sequence_targets") is not None


def test_the_relation_is_corrected_for_chance() -> None:
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, size=(500, 20))  # two tokens: half the positions agree by chance
    rel = sequence_relation(X, rng.integers(0, 2, size=(500, 20)))
    assert rel is not None and rel.shift is None
    assert max(abs(v) for v in rel.agreement.values()) < 0.1
