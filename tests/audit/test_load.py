"""Every data form decodes into the same audit; bad input fails early with the fix."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from nnrecipe import AuditConfig, DataError, audit
from nnrecipe._audit import SplitSummary
from nnrecipe.data import TensorData

_FAST = AuditConfig(label_errors=False)


class Pairs(Dataset):  # type: ignore[type-arg]
    """A map-style dataset with a few planted faults, as a user's Dataset might have."""

    def __init__(self, X: np.ndarray, y: np.ndarray, *, raises: int = -1, short: int = -1, text_label: int = -1, f64: int = -1) -> None:
        self.X, self.y = X, y
        self.raises, self.short, self.text_label, self.f64 = raises, short, text_label, f64

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, object]:
        if i == self.raises:
            raise OSError("truncated file")
        x = torch.from_numpy(self.X[i])
        if i == self.short:
            x = x[:-1]
        if i == self.f64:
            x = x.double()
        return x, ("seven" if i == self.text_label else int(self.y[i]))


def test_arrays_tensors_datasets_and_loaders_give_the_same_findings(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    X = X[:400].copy()
    y = y[:400]
    X[9] = X[2]
    forms = {
        "arrays": (X, y),
        "tensors": (torch.from_numpy(X), torch.from_numpy(y)),
        "tensor_dataset": TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
        "tensor_data": TensorData(X, y),
        "dataset": Pairs(X, y),
        "loader": DataLoader(Pairs(X, y), batch_size=64),
    }
    for name, data in forms.items():
        found = audit(data, config=_FAST).find("exact_duplicates")
        assert found is not None and set(found.examples) == {("train", 2), ("train", 9)}, name


def test_non_finite_inputs_are_listed_not_refused(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    X = X.copy()
    X[4, 0], X[40, 5] = np.nan, np.inf
    found = audit((X, y), config=_FAST).find("non_finite")
    assert found is not None and found.severity == "error"
    assert found.examples == (("train", 4), ("train", 40))


def test_a_failing_item_a_wrong_shape_a_wrong_dtype_and_a_text_label_do_not_stop_the_audit(
    digits: tuple[np.ndarray, np.ndarray],
) -> None:
    X, y = digits
    report = audit(Pairs(X[:300], y[:300], raises=3, short=7, text_label=11, f64=13), config=_FAST)
    assert report.find("unreadable").examples == (("train", 3),)  # type: ignore[union-attr]
    assert report.find("wrong_shape").examples == (("train", 7),)  # type: ignore[union-attr]
    assert report.find("wrong_dtype").examples == (("train", 13),)  # type: ignore[union-attr]
    assert report.find("label_type").examples == (("train", 11),)  # type: ignore[union-attr]
    assert "truncated file" in report.find("unreadable").details["reasons"][0]  # type: ignore[union-attr]
    assert report.summary.splits["train"] == SplitSummary(examples=300, usable=296, shape=(64,), dtype="float32")


@pytest.mark.parametrize(
    ("train", "match"),
    [
        (([[1.0, 2.0], [3.0]], [0, 1]), "ragged"),
        ((np.zeros((5, 3)), np.zeros(4)), "5 examples but y has 4"),
        ((np.zeros((0, 3)), np.zeros(0)), "empty"),
        ((np.zeros((4, 3)), np.array(["a", "b", "a", "b"])), "encode them as integers"),
    ],
    ids=["ragged", "length_mismatch", "empty", "string_labels"],
)
def test_bad_arrays_fail_with_a_message_naming_the_fix(train: tuple[object, object], match: str) -> None:
    with pytest.raises(DataError, match=match):
        audit(train)


def test_an_empty_val_split_is_refused(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    with pytest.raises(DataError, match="val split is empty"):
        audit((X, y), val=(X[:0], y[:0]))


def test_splits_with_different_shapes_are_refused(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    with pytest.raises(DataError, match="share the input shape"):
        audit((X, y), val=(X[:, :32], y))


def test_a_dataset_whose_labels_are_all_strings_is_refused(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits

    class Named(Pairs):
        def __getitem__(self, i: int) -> tuple[torch.Tensor, object]:
            return torch.from_numpy(self.X[i]), str(self.y[i])

    with pytest.raises(DataError, match="encode classes as integers"):
        audit(Named(X[:50], y[:50]))


def test_unsupported_types_are_a_data_error() -> None:
    with pytest.raises(DataError, match="not supported"):
        audit({"X": 1})


class Stream(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
    """An iterable dataset: no length, no random access."""

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.X, self.y = X, y

    def __iter__(self):  # type: ignore[no-untyped-def]
        for x, t in zip(self.X, self.y):
            yield torch.from_numpy(x), int(t)


def test_streams_without_length_are_read_in_chunks(digits: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    from nnrecipe._audit._budget import Budget

    monkeypatch.setattr(Budget, "chunk_rows", lambda self, width: 50)
    X, y = digits
    X = X[:300].copy()
    X[9] = X[2]
    report = audit(DataLoader(Stream(X, y[:300]), batch_size=32), val=(X[:5], y[:5]), config=_FAST)
    assert set(report.find("exact_duplicates").examples) == {("train", 2), ("train", 9)}  # type: ignore[union-attr]
    assert report.summary.splits["train"].examples == 300
    assert {("val", i) for i in range(5)} <= report.flagged("leakage")


def test_a_dataset_of_token_windows_is_next_token_data(digits: tuple[np.ndarray, np.ndarray]) -> None:
    seq = np.random.default_rng(0).integers(0, 50, size=(200, 17))

    class Windows(Dataset):  # type: ignore[type-arg]
        def __len__(self) -> int:
            return len(seq)

        def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
            return torch.from_numpy(seq[i, :-1]), torch.from_numpy(seq[i, 1:])

    report = audit(Windows(), config=_FAST)
    assert report.ok and report.summary.labels.task == "autoregressive"  # type: ignore[union-attr]
