"""The stored predictions of a run: safetensors and JSON, read back exactly, never half-written."""

from __future__ import annotations

import json

import pytest
import torch

from nnrecipe import CheckpointError
from nnrecipe._ensemble import _predictions
from nnrecipe.ensembling import read_predictions


def test_predictions_round_trip_with_their_targets_and_facts(fake_run):
    val = (torch.rand(10, 3).softmax(-1), torch.arange(10) % 3)
    test = (torch.rand(6, 3).softmax(-1), torch.arange(6) % 3)
    run = fake_run("a", val, test, step=7)
    p = read_predictions(run)
    torch.testing.assert_close(p.val.predictions, val[0])
    assert torch.equal(p.val.targets, val[1]) and torch.equal(p.test.targets, test[1])  # type: ignore[union-attr]
    assert (p.step, p.monitor, p.rule.classes, p.weights_path) == (7, "val_accuracy", 3, run / "weights" / "best.safetensors")
    files = sorted(f.name for f in (run / "predictions").iterdir())
    assert files == ["predictions.json", "predictions.safetensors"]  # no pickle, no leftover temporary


def test_the_targets_fingerprint_tells_a_different_order_apart():
    y = torch.arange(8)
    assert _predictions.targets_sha256(y) == _predictions.targets_sha256(y.clone())
    assert _predictions.targets_sha256(y) != _predictions.targets_sha256(y.flip(0))
    assert _predictions.targets_sha256(y) != _predictions.targets_sha256(y.float())


def test_large_splits_are_stored_in_half_precision(fake_run, monkeypatch):
    monkeypatch.setattr(_predictions, "FLOAT16_ABOVE", 10)
    run = fake_run("a", (torch.full((8, 2), 0.5), torch.zeros(8, dtype=torch.long)))
    meta = json.loads((run / "predictions" / "predictions.json").read_text())
    assert meta["splits"]["val"]["dtype"] == "float16"
    assert read_predictions(run).val.predictions.dtype == torch.float32


def test_tampered_predictions_are_refused_with_the_fix(fake_run):
    run = fake_run("a", (torch.rand(4, 2).softmax(-1), torch.zeros(4, dtype=torch.long)))
    meta_path = run / "predictions" / "predictions.json"
    meta = json.loads(meta_path.read_text())
    meta["splits"]["val"]["targets_sha256"] = "0" * 64
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="unreadable.*--store-missing"):
        read_predictions(run)


def test_a_run_without_predictions_says_so(tmp_path):
    with pytest.raises(CheckpointError, match="holds no stored predictions"):
        read_predictions(tmp_path)
