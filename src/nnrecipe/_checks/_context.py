"""Everything a check needs, prepared once: fresh model copies, a data sample, the loss.

The sample is drawn at random (a sorted dataset's first rows are one class) with a fixed
seed, passed through the user's batch transform once, and held in memory: every check sees
exactly the batch the model sees, and no check touches the user's model or data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import TensorData, as_source
from .._core._experiment import ModelLike, build_model
from .._core._losses import LossFn, LossLike, resolve_loss
from .._train._optim import make_optimizer
from .._core._task import TaskKind, infer_task
from ._sample import model_device, sample

__all__ = ["CheckContext", "CheckSkipped", "UserCodeError", "OptimizerFactory", "Transform"]

OptimizerFactory = Callable[[Any], torch.optim.Optimizer]
Transform = Callable[[torch.Tensor], torch.Tensor]


class CheckSkipped(Exception):
    """Raised inside a check that cannot run on this model or data; the message says why."""


class UserCodeError(Exception):
    """The user's model, loss or optimizer raised or returned something unusable."""


@dataclasses.dataclass(eq=False)
class CheckContext:
    """Inputs shared by every check (built by :func:`nnrecipe.check`).

    Attributes:
        model: The user's module or factory; checks call :meth:`fresh_model` for a copy.
        loss: The loss as the user gave it (name or callable), for the trainer.
        loss_fn: The resolved loss callable; ``loss_name`` its name.
        task: The task kind.
        X, y: A random training sample as the model sees it (after the transform).
        Xv, yv: A validation sample, or ``None`` when the user gave no validation data.
        all_y: Every training target when cheap to get (in-memory data), else ``y``.
        optimizer: The user's optimizer factory ``params -> Optimizer``, or ``None`` for the
            one ``config`` names.
        config: Training settings (optimizer, learning rate, batch size, seed) of the short runs.
        budget: Seconds each check may spend.
        causal_dim: The time dimension of autoregressive inputs, or ``None``.
        run_dir: Folder for pictures, or ``None``.
        fix_init: Apply :func:`fix_last_layer_init` to every fresh model.
    """

    model: ModelLike
    loss: LossLike
    loss_fn: LossFn
    loss_name: str
    task: TaskKind
    X: torch.Tensor
    y: torch.Tensor
    Xv: torch.Tensor | None
    yv: torch.Tensor | None
    all_y: torch.Tensor
    optimizer: OptimizerFactory | None = None
    config: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    budget: float = 5.0
    causal_dim: int | None = None
    run_dir: Path | None = None
    fix_init: bool = False
    device: torch.device = dataclasses.field(default_factory=lambda: torch.device("cpu"))
    cache: dict[str, Any] = dataclasses.field(default_factory=dict)  # runs shared between checks

    @classmethod
    def build(
        cls,
        model: ModelLike,
        train: Any,
        loss: LossLike,
        *,
        val: Any = None,
        task: str | None = None,
        transform: Transform | None = None,
        sample_size: int = 2048,
        config: TrainConfig | None = None,
        **options: Any,
    ) -> CheckContext:
        config = config or TrainConfig()
        seed = config.seed
        loss_fn, loss_name = resolve_loss(loss)
        train_src = as_source(train, name="train")
        X, y = sample(train_src, sample_size, seed)
        Xv = yv = None
        if val is not None:
            Xv, yv = sample(as_source(val, name="val"), max(sample_size // 4, 1), seed + 1)
        if transform is not None:
            try:
                with torch.no_grad():
                    X = transform(X)
                    Xv = transform(Xv) if Xv is not None else None
            except Exception as e:
                raise ValueError(
                    f"the transform raised {type(e).__name__} on a batch of shape {tuple(X.shape)}: {e}; "
                    "it must map a batch of inputs to a batch of inputs"
                ) from e
        all_y = train_src.y if isinstance(train_src, TensorData) else y
        kind = infer_task(all_y, loss, task)
        device = model_device(model)
        X, y = X.to(device), y.to(device)
        Xv = Xv.to(device) if Xv is not None else None
        yv = yv.to(device) if yv is not None else None
        return cls(
            model=model, loss=loss, loss_fn=loss_fn, loss_name=loss_name, task=kind,
            X=X, y=y, Xv=Xv, yv=yv, all_y=all_y, config=config, device=device, **options,
        )

    @property
    def seed(self) -> int:
        return self.config.seed

    @property
    def lr(self) -> float:
        return self.config.lr

    @property
    def batch_size(self) -> int:
        # Capped: a short run needs steps more than examples per step.
        return min(self.config.batch_size, 32)

    def fresh_model(self) -> nn.Module:
        """A new copy of the user's model (a factory is called under the seed)."""
        model = build_model(self.model, {}, seed=self.seed).to(self.device)
        if self.fix_init:
            from ._last_layer import fix_last_layer_init

            fix_last_layer_init(model, (self.X, self.all_y if len(self.all_y) == len(self.X) else self.y), self.task)
        return model

    def make_optimizer(self, model: nn.Module, lr: float | None = None) -> torch.optim.Optimizer:
        """The user's optimizer on ``model``'s parameters (by default the one the config names)."""
        if self.optimizer is None:
            return make_optimizer(self.config if lr is None else self.config.replace(lr=lr), model)
        params = [p for p in model.parameters() if p.requires_grad]
        try:
            opt = self.optimizer(params)
        except Exception as e:
            raise UserCodeError(f"the optimizer factory raised {type(e).__name__}: {e}") from e
        if not isinstance(opt, torch.optim.Optimizer):
            raise UserCodeError(f"the optimizer factory returned {type(opt).__name__}, not a torch Optimizer")
        if lr is not None:
            for group in opt.param_groups:
                group["lr"] = lr
        return opt

    def batch(self, n: int, *, minimum: int = 1, val: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """The first ``n`` examples of the sample; skips the check when fewer than ``minimum``."""
        X, y = (self.Xv, self.yv) if val and self.Xv is not None else (self.X, self.y)
        assert y is not None  # Xv and yv are set together
        if len(X) < minimum:
            raise CheckSkipped(
                f"needs at least {minimum} examples but the data has {len(X)}; pass more data"
            )
        return X[:n], y[:n]

    def forward(self, model: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """Run the model, turning its exceptions and odd outputs into a clear :class:`UserCodeError`."""
        try:
            out = model(x)
        except Exception as e:
            raise UserCodeError(
                f"the model's forward raised {type(e).__name__} on inputs of shape {tuple(x.shape)}: {e}"
            ) from e
        if isinstance(out, (tuple, list)) and out and isinstance(out[0], torch.Tensor):
            out = out[0]  # (logits, extras...): the first element is what the loss sees
        if not isinstance(out, torch.Tensor):
            raise UserCodeError(f"the model returned {type(out).__name__}; checks need a tensor (or a tuple starting with one)")
        if out.ndim == 0 or out.shape[0] != x.shape[0]:
            raise UserCodeError(
                f"the model mapped {x.shape[0]} examples to output shape {tuple(out.shape)}; "
                "the first output dimension must be the batch"
            )
        return out

    def compute_loss(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The user's loss, which must return a finite-or-not scalar tensor."""
        try:
            value = self.loss_fn(out, y)
        except Exception as e:
            raise UserCodeError(
                f"the loss {self.loss_name!r} raised {type(e).__name__} on output {tuple(out.shape)} "
                f"and target {tuple(y.shape)}: {e}"
            ) from e
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise UserCodeError(
                f"the loss {self.loss_name!r} returned {shape}, not a scalar; reduce it, e.g. "
                "`return F.mse_loss(out, y)` rather than `(out - y) ** 2`"
            )
        return value.reshape(())

    def num_classes(self, out: torch.Tensor) -> int:
        return int(out.shape[-1]) if out.ndim >= 2 else 1
