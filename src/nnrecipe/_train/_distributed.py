"""The trainer's side of training in many processes: set-up checks, the wrapped model, seeds.

The processes ``torchrun`` starts each run the same ``fit``. Before the first step they join
one process group, check that they train the same thing (:func:`fingerprint`, compared by
``agree``) and that every batch splits among them; then each takes its part of every batch
through a ``DistributedDataParallel`` model, whose backward pass averages the gradients.
Every value a callback reads (the step's loss and gradient norm, the validation row) is
the same on every process, so every decision (early stop, best checkpoint, divergence, a
lower learning rate) is computed identically everywhere from identical numbers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import DataSource, LoaderData, is_sized
from .._core._errors import ConfigError
from .._core._peers import Peers
from ._sync_batchnorm import has_batchnorm, synchronised_batchnorm

__all__ = ["check_split_among", "data_parallel", "fingerprint", "process_seed", "training_together"]

log = logging.getLogger(__name__)

SMALL_PART = 16  # examples per process below which unsynchronised batch norm is noisy


def check_split_among(config: TrainConfig, train: DataSource, size: int) -> None:
    """Every training batch splits among ``size`` processes: an equal part of each full batch,
    and at least one example each of the last one.

    Raises:
        ConfigError: The batch size is not a multiple of ``size``, or the last batch has fewer
            examples than there are processes.
    """
    if size == 1:
        return
    batch = (train.loader.batch_size or 1) if isinstance(train, LoaderData) else config.batch_size
    if batch % size:
        raise ConfigError(
            f"batch_size={batch} does not split among {size} processes: the batch size is the global one, "
            f"each process takes batch_size / {size} examples of it; use a multiple of {size} "
            f"(e.g. batch_size={batch - batch % size or size}) or another number of processes"
        )
    last = len(train) % batch if is_sized(train) else 0
    if 0 < last < size:
        raise ConfigError(
            f"the last batch of each epoch holds {last} example(s) ({len(train)} examples, batch_size={batch}), "
            f"fewer than the {size} processes; drop or add {last if last < size / 2 else size - last} example(s), "
            "or change the batch size"
        )


def fingerprint(config: TrainConfig, model: nn.Module, example: torch.Tensor, hparams: Mapping[str, Any], record: Mapping[str, Any]) -> dict[str, str]:
    """Digests of what this process is about to train, compared across processes before step 1."""
    parts = {
        "training config": json.dumps(config.to_dict(), sort_keys=True, default=str).encode(),
        "hyperparameters": json.dumps(dict(hparams), sort_keys=True, default=str).encode(),
        "model": repr([(k, tuple(v.shape), str(v.dtype)) for k, v in model.state_dict().items()]).encode(),
        "first training inputs": example.detach().cpu().contiguous().flatten().view(torch.uint8).numpy().tobytes(),
    }
    source = record.get("experiment")
    if isinstance(source, str):  # "path.py:name": the file's bytes, wherever each process found it
        path = Path(source.rsplit(":", 1)[0])
        parts["experiment file"] = path.read_bytes() if path.is_file() else source.encode()
    return {k: hashlib.sha256(v).hexdigest() for k, v in parts.items()}


def process_seed(seed: int, rank: int) -> int:
    """The seed of process ``rank``'s random draws (dropout): the run's seed on rank 0, a seed
    derived from it on the others, so a run is reproducible for a given number of processes.

    Example:
        >>> process_seed(7, 0), process_seed(7, 1) == process_seed(7, 1) != process_seed(7, 2)
        (7, True)
    """
    if rank == 0:
        return seed
    digest = hashlib.blake2b(f"process:{seed}:{rank}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def data_parallel(model: nn.Module, device: torch.device) -> nn.Module:
    """``model`` wrapped so that its backward pass averages the gradients over the processes.

    Rank 0's weights and buffers are sent to every process here (a resumed run's weights
    are read on rank 0 only). Buffers are not re-sent every forward: batch norm's are the
    same everywhere when synchronised, and rank 0's are sent before each validation.
    """
    from torch.nn.parallel import DistributedDataParallel

    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids, forward_sync_buffers=False)


@contextlib.contextmanager
def training_together(model: nn.Module, group: Peers | None, config: TrainConfig, part: int) -> Iterator[None]:
    """While training with others, batch norm uses the global batch (``sync_batchnorm``)."""
    if group is None or not has_batchnorm(model):
        yield
        return
    if not config.sync_batchnorm:
        if part < SMALL_PART and group.is_main:
            log.warning(
                "sync_batchnorm=False with %d examples per process: batch norm normalises each part with its own "
                "statistics, noisier than one process with the whole batch; set sync_batchnorm=True to match it", part,
            )
        yield
        return
    with synchronised_batchnorm(model):
        yield
