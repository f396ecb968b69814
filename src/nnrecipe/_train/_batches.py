"""The training batches, in the order an uninterrupted run sees them, as the model sees them.

Data order is a pure function of (seed, epoch), so a resumed run skips the batches its
epoch already used and continues with the same ones. A user's ``DataLoader`` draws its
order from the global RNG instead: its state at the start of each epoch is kept here (and
in every resume point) and replayed when resuming mid-epoch.

With several processes each gets its part of every batch, with its ``share``: the part's
size relative to an equal split (1.0 but in an uneven last batch), which weights its loss so
that the averaged gradient is the whole batch's mean gradient.

Augmentation happens here, on training batches only: ``augment(x, y, generator)`` with a
generator seeded from (seed, step), so the same step gets the same random transform in a
resumed run, and nothing needs saving.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

import torch

from .._core._config import TrainConfig
from .._core._data import Batch, DataSource, LoaderData, TensorData
from .._core._errors import DataError
from .._core._experiment import Augment
from .._core._rng import rng_state, seed_everything, set_rng_state
from ..callbacks import TrainerState
from ._distributed import process_seed

__all__ = ["TrainBatches", "step_generator"]


def step_generator(seed: int, step: int, device: torch.device) -> torch.Generator:
    """A generator for the batch of optimizer step ``step`` (0-based), independent of data order.

    Example:
        >>> a = step_generator(0, 7, torch.device("cpu")).initial_seed()
        >>> a == step_generator(0, 7, torch.device("cpu")).initial_seed() != step_generator(0, 8, torch.device("cpu")).initial_seed()
        True
    """
    digest = hashlib.blake2b(f"augment:{seed}:{step}".encode(), digest_size=8).digest()
    return torch.Generator(device=device).manual_seed(int.from_bytes(digest, "little") >> 1)


def _loader_seed(seed: int, epoch: int) -> int:
    """The seed a DataLoader's sampler draws epoch ``epoch``'s order from, on every process."""
    return int.from_bytes(hashlib.blake2b(f"loader:{seed}:{epoch}".encode(), digest_size=8).digest(), "little") >> 1


def apply_augment(augment: Augment, batch: Batch, generator: torch.Generator) -> Batch:
    """``augment`` on one batch, with its result checked: a pair of tensors, one per example."""
    out = augment(batch[0], batch[1], generator)
    if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(t, torch.Tensor) for t in out)):
        raise DataError(f"augment must return (inputs, targets) tensors; it returned {type(out).__name__}")
    if len(out[0]) != len(out[1]):
        raise DataError(f"augment returned {len(out[0])} inputs but {len(out[1])} targets; keep one target per input")
    return out


class TrainBatches:
    """Yields the rest of the current epoch's training batches (this process's part of each,
    with its share), on the device, augmented.

    Args:
        source: The training data.
        config: Batch size and seed.
        device: Where the model lives; in-memory data is moved there once.
        augment: The training-only batch transform, or ``None``.
        rank: This process's number among the ``size`` that train together.
    """

    def __init__(
        self, source: DataSource, config: TrainConfig, device: torch.device, augment: Augment | None, *, rank: int = 0, size: int = 1,
    ) -> None:
        if isinstance(source, TensorData) and device.type != "cpu":
            source = source.to(device)  # small in-memory sets live on the device
        self.source, self.config, self.device, self.augment = source, config, device, augment
        self.rank, self.size = rank, size
        # In-memory data already on the device needs no per-step copy call.
        self.move = not (isinstance(source, TensorData) and source.X.device == device)
        self.epoch_rng: Any = rng_state()  # the global RNG at the start of the current epoch

    def epoch(self, state: TrainerState) -> Iterator[tuple[Batch, float]]:
        if state.batch_in_epoch == 0 and isinstance(self.source, LoaderData):
            self.epoch_rng = rng_state()  # a DataLoader's sampler draws from it: kept for resume
        cfg = self.config
        batches: Iterator[tuple[Batch, float]]
        if self.size > 1:
            batches = self.source.part_batches(cfg.batch_size, seed=cfg.seed, epoch=state.epoch, start=state.batch_in_epoch, rank=self.rank, size=self.size)
        else:
            whole = self.source.batches(cfg.batch_size, seed=cfg.seed, epoch=state.epoch, shuffle=True, start=state.batch_in_epoch)
            batches = zip(whole, itertools.repeat(1.0))
        if isinstance(self.source, LoaderData) and (self.size > 1 or state.batch_in_epoch > 0):
            # A DataLoader's sampler draws its order from the global RNG at its first batch. Replay
            # the draw from the epoch's starting RNG (resuming mid-epoch); with several processes
            # (each with its own seed), draw from one every process shares: all cut the same batches.
            now = rng_state()
            if self.size > 1:
                seed_everything(_loader_seed(cfg.seed, state.epoch))
            else:
                set_rng_state(*self.epoch_rng)
            first = next(batches, None)
            set_rng_state(*now)
            batches = itertools.chain([] if first is None else [first], batches)
        if self.size > 1:
            batches = self._reseeded(batches, state)
        if not self.move and self.augment is None:
            return batches  # in-memory data on the device: nothing to add per batch
        return self._prepared(batches, state)

    def _reseeded(self, batches: Iterator[tuple[Batch, float]], state: TrainerState) -> Iterator[tuple[Batch, float]]:
        """Several processes: each one's generators seeded from (seed, rank, step) before every
        step, so dropout masks differ between processes and a resumed run draws what the
        uninterrupted one drew on every rank (only rank 0's generators are in a resume point)."""
        for item in batches:
            seed_everything(process_seed(self.config.seed, self.rank) + state.step)
            yield item

    def _prepared(self, batches: Iterator[tuple[Batch, float]], state: TrainerState) -> Iterator[tuple[Batch, float]]:
        for (x, y), share in batches:
            if self.move:
                x, y = x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
            if self.augment is not None:
                x, y = apply_augment(self.augment, (x, y), step_generator(self.config.seed, state.step, self.device))
            yield (x, y), share
