"""A member's model, rebuilt from its run folder: the experiment's factory, the run's recorded
hyperparameters and a safetensors weights file; and a model's predictions over a split.

Nothing is unpickled: the model's code comes from the experiment file the run recorded (or
the one given), its weights from safetensors, checked against the SHA-256 recorded when its
predictions were stored.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import torch
from torch import nn

from .._core._data import DataSource
from .._core._device import choose_threads
from .._core._errors import CheckpointError, ConfigError, DataError
from .._core._evaluate import EVAL_BATCH
from .._core._experiment import Experiment, load_experiment
from .._core._task import TaskKind
from .._train._runs import read_run_config
from ._outputs import OutputRule

__all__ = ["cpu_threads", "model_threads", "predict_inputs", "predict_split", "rebuild_model", "run_experiment"]

log = logging.getLogger(__name__)


@contextlib.contextmanager
def cpu_threads(threads: int | None) -> Iterator[None]:
    """Run the block on ``threads`` CPU threads (``None``: as is), restoring the count after.

    Small tensors go faster on one thread: with other processes on the cores, threads that
    wait for each other cost more than the work (see ``ONE_THREAD_BELOW`` in ``_ensemble``).
    """
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def model_threads(model: nn.Module) -> contextlib.AbstractContextManager[None]:
    """The CPU threads the trainer would give ``model`` (one for small models), for predicting with it."""
    device = next(iter(model.parameters()), torch.zeros(())).device
    if device.type != "cpu":
        return contextlib.nullcontext()
    return cpu_threads(choose_threads(sum(p.numel() for p in model.parameters()), None))


def run_experiment(run_dir: Path, experiment: Experiment | None = None, source: str | None = None) -> Experiment:
    """The experiment that trained ``run_dir``: ``experiment`` if given, else the file it recorded.

    Raises:
        ConfigError: The run recorded no experiment file (trained from Python objects) and
            none was given, or the file no longer loads.
    """
    if experiment is not None:
        return experiment
    source = source or read_run_config(run_dir).get("experiment")
    if not source:
        raise ConfigError(
            f"run {run_dir} records no experiment file (it was trained from an Experiment made in Python); "
            f"pass that experiment: Ensemble.load(path, experiment=...) or store_predictions(run, experiment=...)"
        )
    return load_experiment(source)


def rebuild_model(experiment: Experiment, run_dir: Path, weights: Path, sha256: str | None = None) -> nn.Module:
    """The run's model: ``experiment``'s factory with the run's recorded hyperparameters, and ``weights``.

    Raises:
        CheckpointError: The weights file is missing or changed since it was recorded.
        ConfigError: The weights do not fit the model the experiment builds now.
    """
    from safetensors.torch import load_model

    from ._predictions import sha256_file

    if not weights.is_file():
        raise CheckpointError(f"the weights file {weights} of run {run_dir} is missing; the run folder was moved or pruned")
    if sha256 is not None and sha256_file(weights) != sha256:
        raise CheckpointError(
            f"the weights file {weights} changed since its predictions were stored (SHA-256 differs); "
            f"store them again (`nnrecipe ensemble --store-missing {run_dir}` after deleting {run_dir}/predictions) and rebuild the ensemble"
        )
    hparams = read_run_config(run_dir)["hparams"]
    model = experiment.build_model(hparams, seed=int(hparams.get("seed", 0)))
    try:
        load_model(model, str(weights))
    except RuntimeError as e:  # safetensors: missing, unexpected or misshapen tensors
        raise ConfigError(
            f"the weights of run {run_dir} ({weights}) do not fit the model experiment {experiment.name!r} builds now "
            f"({str(e).splitlines()[0]}); the experiment file changed since the run: restore it"
        ) from None
    return model


def predict_split(
    model: nn.Module, src: DataSource, task: TaskKind, loss: str, rule: OutputRule | None = None
) -> tuple[torch.Tensor, torch.Tensor, OutputRule]:
    """The model's predictions (float32, on the CPU) and the targets over all of ``src``, in order.

    ``rule`` is read from the first batch when not given.
    """
    device = next(iter(model.parameters()), torch.zeros(())).device
    was_training = model.training
    model.eval()
    preds: list[torch.Tensor] = []
    targets: list[torch.Tensor] = []
    try:
        with torch.no_grad(), model_threads(model):
            for x, y in src.batches(EVAL_BATCH, seed=0, epoch=0, shuffle=False):
                out = model(x.to(device, non_blocking=True))
                rule = rule or OutputRule.infer(out, y, task, loss)
                preds.append(rule.apply(out).cpu())
                targets.append(y.cpu())
    finally:
        model.train(was_training)
    if rule is None:
        raise DataError(f"the {getattr(src, 'name', 'data')} split yielded no batch; predictions need at least one example")
    return torch.cat(preds), torch.cat(targets), rule


def predict_inputs(model: nn.Module, x: torch.Tensor, rule: OutputRule) -> torch.Tensor:
    """The model's predictions (float32, on the CPU) for the inputs ``x``, batch by batch."""
    device = next(iter(model.parameters()), torch.zeros(())).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), model_threads(model):
            return torch.cat([rule.apply(model(x[lo : lo + EVAL_BATCH].to(device))).cpu() for lo in range(0, len(x), EVAL_BATCH)])
    finally:
        model.train(was_training)
