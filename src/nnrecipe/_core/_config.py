"""The trainer's configuration: flat, typed, frozen, and saved with every run."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal, get_args

from ._errors import ConfigError

__all__ = ["TrainConfig", "OptimizerName", "ScheduleName", "Precision", "DeviceName"]

OptimizerName = Literal["adam", "adamw", "sgd"]
ScheduleName = Literal["constant", "cosine", "linear", "step", "onecycle"]
Precision = Literal["fp32", "bf16", "fp16"]
DeviceName = Literal["auto", "cpu", "cuda", "mps"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Everything that decides how a model is trained, with the recipe's defaults.

    Adam at 3e-4 with a constant learning rate and a fixed seed: the recipe's "don't be a
    hero" start. Decay, warmup, clipping and mixed precision are off until asked for.

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

    Example:
        >>> TrainConfig(lr=1e-3, schedule="cosine", warmup_steps=100).lr
        0.001
    """

    optimizer: OptimizerName = "adam"
    lr: float = 3e-4
    weight_decay: float = 0.0
    momentum: float = 0.9
    batch_size: int = 64
    epochs: int = 10
    max_steps: int | None = None
    schedule: ScheduleName = "constant"
    warmup_steps: int = 0
    label_smoothing: float = 0.0
    grad_clip_norm: float | None = None
    val_every: int | None = None
    log_every: int = 50
    checkpoint_every: int | None = None
    seed: int = 0
    device: DeviceName = "auto"
    precision: Precision = "fp32"
    threads: int | None = None
    tensorboard: bool = True
    histogram_every: int | None = None
    accumulate_steps: int = 1
    compile: bool = False

    def __post_init__(self) -> None:
        for name, choices in (
            ("optimizer", OptimizerName),
            ("schedule", ScheduleName),
            ("precision", Precision),
            ("device", DeviceName),
        ):
            value = getattr(self, name)
            if value not in get_args(choices):
                raise ConfigError(f"{name}={value!r} is not one of {get_args(choices)}")
        if not self.lr > 0:
            raise ConfigError(f"lr must be > 0; got lr={self.lr}")
        for name in ("batch_size", "epochs", "log_every"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1; got {name}={getattr(self, name)}")
        for name in ("max_steps", "val_every", "checkpoint_every", "threads", "histogram_every"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"{name} must be >= 1 or None; got {name}={value}")
        if self.weight_decay < 0 or self.warmup_steps < 0 or not 0 <= self.label_smoothing < 1:
            raise ConfigError(
                f"weight_decay and warmup_steps must be >= 0 and label_smoothing in [0, 1); got "
                f"weight_decay={self.weight_decay}, warmup_steps={self.warmup_steps}, "
                f"label_smoothing={self.label_smoothing}"
            )
        if self.grad_clip_norm is not None and not self.grad_clip_norm > 0:
            raise ConfigError(f"grad_clip_norm must be > 0 or None; got {self.grad_clip_norm}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> TrainConfig:
        return split_hparams(changes, self)[0]

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
    try:
        config = dataclasses.replace(base or TrainConfig(), **train)
    except TypeError as e:  # pragma: no cover - replace only fails on unknown names
        raise ConfigError(str(e)) from None
    return config, model
