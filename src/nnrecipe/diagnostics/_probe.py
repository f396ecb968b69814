"""Looking at a model without touching its training: a fixed batch and a quiet forward pass.

Diagnostics must never change a run's numbers. A forward pass here runs with every module
in eval mode (no dropout draw, no batch-norm statistics update), without gradients, and
with every random generator put back as it was; each module's own mode is restored after,
even a submodule the user froze in eval mode. Reading the fixed batch from a ``DataLoader``
draws its sampler from the global RNG: that draw is undone too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from .._core._data import Batch, DataSource
from .._core._rng import rng_state, set_rng_state
from ..callbacks import TrainerState

__all__ = ["fixed_batch", "quiet", "split_of", "untouched_rng"]


def _torch_rng(device: torch.device) -> contextlib.AbstractContextManager[None]:
    """torch's generators (the CPU's and the device's) put back as they were on exit."""
    return torch.random.fork_rng(devices=[device.index or 0] if device.type == "cuda" else [])


@contextlib.contextmanager
def untouched_rng(device: torch.device) -> Iterator[None]:
    """Python's and NumPy's generators too (what a DataLoader's workers or a Dataset may draw)."""
    meta, tensors = rng_state()
    with _torch_rng(device):
        try:
            yield
        finally:
            set_rng_state(meta, {"torch": tensors["torch"]})


@contextlib.contextmanager
def quiet(model: nn.Module, device: torch.device) -> Iterator[None]:
    """Eval mode, no gradients, torch's generators untouched; each module's mode restored.

    (A forward pass draws from torch's generators only, if at all; Python's and NumPy's are
    left alone, which keeps this cheap enough for every record.)
    """
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad(), _torch_rng(device):
            yield
    finally:
        for m, training in modes:
            m.training = training


def split_of(state: TrainerState) -> tuple[str, DataSource] | None:
    """The split diagnostics look at: validation when the run has it, else training."""
    if state.val is not None:
        return "val", state.val
    if state.train is not None:
        return "train", state.train
    return None


def fixed_batch(state: TrainerState, n: int) -> tuple[str, Batch] | None:
    """The first ``n`` examples of :func:`split_of`, on the run's device (never augmented)."""
    found = split_of(state)
    if found is None:
        return None
    name, source = found
    with untouched_rng(state.device):
        x, y = source.head(n)
    return name, (x.to(state.device), y.to(state.device))
