"""Diagnostics never change training: same weights with and without them, and exact resume."""

from pathlib import Path

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import nnrecipe
from nnrecipe.callbacks import Callback
from nnrecipe.diagnostics import GradientNorms, read_diagnostics

from .conftest import noisy_model

CFG = nnrecipe.TrainConfig(epochs=2, batch_size=32, log_every=2, checkpoint_every=4, schedule="linear", val_every=5)


class Crash(Callback):
    def __init__(self, at: int) -> None:
        self.at = at

    def on_step_end(self, step, logs):
        if step == self.at:
            raise RuntimeError("simulated crash")


def _loader(blobs):
    return DataLoader(TensorDataset(*blobs), batch_size=32, shuffle=True)  # its sampler draws from the global RNG


def test_same_seed_gives_bit_identical_weights_with_and_without_diagnostics(blobs):
    runs = [nnrecipe.fit(noisy_model(), _loader(blobs), val=blobs, config=CFG, runs_dir=None, diagnostics=on) for on in (False, True)]
    for a, b in zip(*(r.model.state_dict().values() for r in runs)):
        assert torch.equal(a, b)
    assert [r["loss"] for r in runs[0].history if "loss" in r] == [r["loss"] for r in runs[1].history if "loss" in r]
    assert all(m.training for m in runs[1].model.modules())  # the mode the loop left is untouched


def test_resume_with_diagnostics_is_bit_exact_and_records_the_same(tmp_path: Path, blobs):
    straight = nnrecipe.fit(noisy_model(), blobs, val=blobs, config=CFG, runs_dir=tmp_path / "a",
                            callbacks=[GradientNorms(every=1)])
    with pytest.raises(RuntimeError, match="simulated crash"):
        nnrecipe.fit(noisy_model(), blobs, val=blobs, config=CFG, runs_dir=tmp_path / "b", callbacks=[GradientNorms(every=1), Crash(7)])
    (run,) = (tmp_path / "b").iterdir()
    resumed = nnrecipe.Trainer(CFG, callbacks=[GradientNorms(every=1), Crash(-1)], runs_dir=tmp_path / "b").fit(
        noisy_model(), blobs, "cross_entropy", val=blobs, resume=run)
    for a, b in zip(straight.model.state_dict().values(), resumed.model.state_dict().values()):
        assert torch.equal(a, b)
    d1, d2 = read_diagnostics(straight.run_dir), read_diagnostics(run)
    assert d1.norms.steps.tolist() == d2.norms.steps.tolist() == list(range(straight.steps + 1))
    torch.testing.assert_close(torch.tensor(d1.norms.update), torch.tensor(d2.norms.update), equal_nan=True)
    torch.testing.assert_close(torch.tensor(d1.predictions.p_true), torch.tensor(d2.predictions.p_true))
