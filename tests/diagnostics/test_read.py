"""Reading a run's diagnostics: every kind as typed data; damage is named, never raised."""

import json

import torch
from torch import nn

import nnrecipe
from nnrecipe.diagnostics import read_diagnostics


def _run(tmp_path, blobs, model=None, **cfg):
    torch.manual_seed(0)
    config = nnrecipe.TrainConfig(epochs=2, batch_size=32, log_every=2, tensorboard=True, **cfg)
    return nnrecipe.fit(model or nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3)), blobs, val=blobs,
                        config=config, runs_dir=tmp_path).run_dir


def test_a_default_run_records_every_kind(tmp_path, blobs):
    run = _run(tmp_path, blobs)
    d = read_diagnostics(run)
    assert d.problems == () and not d.empty
    assert d.predictions.p_true.shape == (len(d.predictions.steps), 64) and d.predictions.classes == 3
    assert d.predictions.steps.tolist() == [0, 2, 4, 6, 8, 10, 12]
    assert d.first_layer.kind == "linear" and d.first_layer.weights.shape[1:] == (16, 10)
    assert d.activations.layers == ("1",) and d.norms.layers == ("0", "2")
    assert d.interpretation.confusion.shape == (3, 3)
    events = [p.name for p in (run / "tensorboard").iterdir()]
    assert any(n.endswith(".first_layer") for n in events) and any(n.endswith(".interpretation") for n in events)


def test_runs_without_a_folder_or_turned_off_record_nothing(tmp_path, blobs):
    seen = nnrecipe.Trainer(nnrecipe.TrainConfig(epochs=1), runs_dir=None).callbacks
    assert [type(c).__name__ for c in seen] == ["TerminateOnNaN"]
    off = nnrecipe.fit(nn.Linear(10, 3), blobs, val=blobs, config=nnrecipe.TrainConfig(epochs=1), runs_dir=tmp_path,
                       diagnostics=False)
    assert read_diagnostics(off.run_dir).empty


def test_damaged_files_are_named_and_the_rest_still_read(tmp_path, blobs):
    run = _run(tmp_path, blobs)
    (run / "diagnostics" / "norms.safetensors").write_bytes(b"cut")
    (run / "diagnostics" / "activations.json").write_text("{")
    meta = json.loads((run / "diagnostics" / "predictions.json").read_text())
    (run / "diagnostics" / "predictions.json").write_text(json.dumps({**meta, "format": "old/0"}))
    d = read_diagnostics(run)
    kinds = dict(d.problems)
    assert set(kinds) == {"norms", "activations", "predictions"}
    assert "norms.safetensors" in kinds["norms"] and "not valid JSON" in kinds["activations"] and "old/0" in kinds["predictions"]
    assert d.first_layer is not None and d.interpretation is not None
