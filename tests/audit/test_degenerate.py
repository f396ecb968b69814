"""Degenerate but valid data is a finding, never an exception from inside the audit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nnrecipe import AuditConfig, audit

_rng = np.random.default_rng(0)
_X = _rng.normal(size=(200, 8)).astype(np.float32)
_Y = _rng.integers(0, 3, 200)
_NAN = np.full((50, 8), np.nan, np.float32)
_SEQ = _rng.integers(0, 30, size=(200, 17))

# name: (train, other splits, finding kinds the audit must report)
CASES: dict[str, tuple[Any, dict[str, Any], set[str]]] = {
    "one_example": ((_X[:1], _Y[:1]), {}, {"few_examples"}),
    "two_examples": ((_X[:2], _Y[:2]), {}, {"few_examples"}),
    "one_class_in_train": ((_X, np.zeros(200, int)), {}, {"single_class"}),
    "one_class_in_train_three_in_val": ((_X[:100], np.zeros(100, int)), {"val": (_X[100:], _Y[100:])}, {"single_class", "class_missing_from_train"}),
    "one_class_in_val": ((_X[:100], _Y[:100]), {"val": (_X[100:], np.ones(100, int))}, {"single_class"}),
    "one_val_example": ((_X[:100], _Y[:100]), {"val": (_X[100:101], _Y[100:101])}, {"few_examples"}),
    "one_example_of_a_class": ((_X, (np.arange(200) == 0).astype(int)), {}, {"class_imbalance"}),
    "constant_target": ((_X, np.full(200, 3.5)), {}, {"constant_target"}),
    "target_below_float32_resolution": ((_X, 3.5 + 1e-9 * _rng.normal(size=200)), {}, {"constant_target"}),
    "nearly_constant_target": ((_X, 3.5 + 1e-4 * _rng.normal(size=200)), {}, {"nearly_constant_target"}),
    "constant_inputs": ((np.ones((200, 8), np.float32), _Y), {}, {"exact_duplicates", "constant_features"}),
    "zero_inputs": ((np.zeros((200, 8), np.float32), _Y), {}, {"exact_duplicates", "conflicting_labels"}),
    "one_feature": ((_X[:, :1], _Y), {}, set()),
    "every_input_nan": ((np.full((200, 8), np.nan, np.float32), _Y), {}, {"non_finite", "few_examples"}),
    "every_val_input_nan": ((_X[:100], _Y[:100]), {"val": (_NAN, _Y[:50])}, {"non_finite"}),
    "every_input_inf": ((np.full((200, 8), np.inf, np.float32), _Y), {}, {"non_finite"}),
    "every_label_nan": ((_X, np.full(200, np.nan)), {}, {"missing_labels"}),
    "every_label_minus_one": ((_X, np.full(200, -1)), {}, {"labels_out_of_range"}),
    "label_ids_not_classes": ((_X, _rng.integers(0, 3, 200) * 10**9), {}, {"labels_not_class_ids"}),
    "huge_values": ((_X * 1e30, _Y), {}, {"input_scale"}),
    "tiny_values": ((_X * 1e-30, _Y), {}, {"input_scale"}),
    "boolean_inputs": ((_X > 0, _Y), {}, set()),
    "float16_inputs": ((_X.astype(np.float16), _Y), {}, set()),
    "every_example_identical": ((np.repeat(_X[:1], 200, 0), _Y), {}, {"exact_duplicates"}),
    "val_all_copies_of_train": ((_X[:100], _Y[:100]), {"val": (_X[:50], _Y[:50])}, {"leakage"}),
    "sequences_of_channels": ((_rng.normal(size=(200, 2, 30)).astype(np.float32), _Y), {}, set()),
    "many_outputs": ((_X, _rng.normal(size=(200, 3))), {}, set()),
    "next_token_pairs": ((_SEQ[:, :-1], _SEQ[:, 1:]), {}, set()),
    "next_token_one_window": ((_SEQ[:1, :-1], _SEQ[:1, 1:]), {}, {"few_examples"}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_degenerate_data_gives_findings_not_exceptions(name: str) -> None:
    train, others, expected = CASES[name]
    report = audit(train, **others)  # label errors on: the slowest, most fragile path
    kinds = {f.kind for f in report.findings}
    assert expected <= kinds, (name, sorted(kinds))
    assert report.summary.splits["train"].examples == len(train[0])


def test_the_quick_pass_handles_them_too() -> None:
    for name, (train, others, expected) in CASES.items():
        report = audit(train, **others, config=AuditConfig(label_errors=False))
        assert expected <= {f.kind for f in report.findings}, name
