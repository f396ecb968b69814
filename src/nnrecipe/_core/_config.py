"""The trainer's configuration: flat, typed, frozen, and saved with every run."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

from ._errors import ConfigError
from ._fields import Count, Fraction, NonNegative, NonNegativeInt, Positive, check_fields
from ._names import did_you_mean

__all__ = ["DeviceName", "OptimizerName", "Precision", "ScheduleName", "TrainConfig"]

OptimizerName = Literal["adam", "adamw", "sgd"]
ScheduleName = Literal["constant", "cosine", "linear", "step", "onecycle"]
Precision = Literal["fp32", "bf16", "fp16"]
DeviceName = Literal["auto", "cpu", "cuda", "mps"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Everything that decides how a model is trained, with the recipe's defaults.

    Adam at 3e-4 with a constant learning rate and a fixed seed: the recipe's "don't be a
    hero" start. Decay, warmup, clipping and mixed precision are off until asked for.

    Every field is checked against its annotation when the config is made (see
    ``_fields.check_fields``): ``epochs=1.5``, ``epochs=2.0``, ``tensorboard="maybe"`` and
    ``lr="abc"`` raise a :class:`ConfigError` naming the field, the value and the expected
    type; ranges come from the annotation too (``Count`` is an int >= 1). A new field
    is validated by its annotation alone.

    Attributes:
        optimizer: ``"adam"``, ``"adamw"`` or ``"sgd"`` (with Nesterov momentum).
        lr: Peak learning rate.
        weight_decay: Decoupled for AdamW, L2 for Adam and SGD.
        momentum: SGD momentum (ignored by Adam).
        batch_size: Examples per optimizer step.
        epochs: Passes over the training set, unless ``max_steps`` is set.
        max_steps: Total optimizer steps; wins over ``epochs`` when given.
        schedule: Learning-rate shape per optimizer step after warmup.
        warmup_steps: Linear warmup from 0 to ``lr`` over this many steps.
        label_smoothing: For the ``cross_entropy`` loss only.
        grad_clip_norm: Clip the global gradient norm to this value (off when ``None``).
        val_every: Validate every this many steps; ``None`` validates once per epoch.
        log_every: Write train loss and progress every this many steps.
        checkpoint_every: Write a resumable checkpoint every this many steps (besides each
            validation); ``None`` writes one at each validation only.
        seed: Seeds model init, data order and dropout.
        device: ``"auto"`` picks CUDA, then MPS, then the CPU.
        precision: ``"bf16"`` / ``"fp16"`` enable autocast (fp16 with a gradient scaler).
        threads: CPU threads for this process; ``None`` chooses from the model's size.
        tensorboard: Write TensorBoard event files (scalars, histograms, hparams).
        histogram_every: Weight and gradient histograms every this many steps (``None``:
            at each validation).
        accumulate_steps: Split each batch of ``batch_size`` examples into this many
            micro-batches whose gradients add up before the one optimizer step (less memory,
            the same step).
        compile: Run the model's forward through ``torch.compile`` (falls back to eager,
            with a warning, where compilation fails).
        sync_batchnorm: When several processes train together (torchrun), batch norm
            normalises with the statistics of the whole global batch, as one process would
            (two small sums over the processes per layer and step). On by default: the
            result then does not depend on the number of processes. Off, each process
            normalises with its own part of the batch (faster; noisier with small parts).

    Raises:
        ConfigError: A value of the wrong type, outside its range, or not one of the choices.

    Example:
        >>> TrainConfig(lr=1e-3, schedule="cosine", warmup_steps=100).lr
        0.001
        >>> TrainConfig(epochs=1.5)
        Traceback (most recent call last):
        ...
        nnrecipe._core._errors.ConfigError: TrainConfig: epochs=1.5 is a float; expected int >= 1
    """

    optimizer: OptimizerName = "adam"
    lr: Positive = 3e-4
    weight_decay: NonNegative = 0.0
    momentum: Fraction = 0.9
    batch_size: Count = 64
    epochs: Count = 10
    max_steps: Count | None = None
    schedule: ScheduleName = "constant"
    warmup_steps: NonNegativeInt = 0
    label_smoothing: Fraction = 0.0
    grad_clip_norm: Positive | None = None
    val_every: Count | None = None
    log_every: Count = 50
    checkpoint_every: Count | None = None
    seed: NonNegativeInt = 0
    device: DeviceName = "auto"
    precision: Precision = "fp32"
    threads: Count | None = None
    tensorboard: bool = True
    histogram_every: Count | None = None
    accumulate_steps: Count = 1
    compile: bool = False
    sync_batchnorm: bool = True

    def __post_init__(self) -> None:
        check_fields(self)  # types, choices and ranges, all read from the annotations above

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes`` applied; every key must name a field.

        Raises:
            ConfigError: An unknown key (with the closest field name) or an invalid value.

        Example:
            >>> TrainConfig().replace(lr=1e-3).lr
            0.001
        """
        unknown = sorted(set(changes) - self.field_names())
        if unknown:
            raise ConfigError(
                f"TrainConfig has no field {unknown[0]!r}.{did_you_mean(unknown[0], self.field_names())} "
                f"Its fields: {', '.join(sorted(self.field_names()))}."
            )
        return dataclasses.replace(self, **changes)

    @classmethod
    def field_names(cls) -> frozenset[str]:
        return frozenset(f.name for f in dataclasses.fields(cls))


def split_hparams(
    hparams: Mapping[str, Any], base: TrainConfig | None = None
) -> tuple[TrainConfig, dict[str, Any]]:
    """Split a flat hyperparameter dict into a :class:`TrainConfig` and the model's own.

    Keys that name a ``TrainConfig`` field configure the trainer; the rest are handed to
    the model factory (``hidden=64``, ``dropout=0.1``...).

    Example:
        >>> cfg, model_hp = split_hparams({"lr": 1e-3, "width": 32})
        >>> cfg.lr, model_hp
        (0.001, {'width': 32})
    """
    names = TrainConfig.field_names()
    train = {k: v for k, v in hparams.items() if k in names}
    model = {k: v for k, v in hparams.items() if k not in names}
    return (base or TrainConfig()).replace(**train), model
