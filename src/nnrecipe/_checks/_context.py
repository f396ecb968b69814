"""Everything a check needs, prepared once: the model, a data sample, the loss as configured.

The sample is drawn at random (a sorted dataset's first rows are one class) with a fixed
seed, passed through the user's batch transform once, and held in memory: every check sees
exactly the batch the model sees. The model is one object whose state is snapshotted and
put back (see ``_state``), never a deep copy; shared work (the short run on real inputs,
the loss at init) is done once, by explicit memoised methods.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import TensorData, as_source
from .._core._device import resolve_device
from .._core._errors import ConfigError
from .._core._experiment import ModelLike
from .._core._losses import LossFn, LossLike, resolve_loss
from .._core._task import TaskKind, infer_task
from .._train._optim import make_optimizer
from ._base import CheckSkipped, UserCodeError
from ._build import build, build_from_factory
from ._options import CheckOptions
from ._sample import fresh_data
from ._short_run import TrainedRun, train_and_measure
from ._state import ModelState

__all__ = ["CheckContext"]


@dataclasses.dataclass(eq=False)
class CheckContext:
    """Inputs shared by every check (built by :func:`nnrecipe.check`).

    A check reads the data with :meth:`batch` or :meth:`split`, gets the model from
    :meth:`fresh_model` (the same object each time, put back in its starting state), runs it
    with :meth:`forward` and the user's loss with :meth:`compute_loss` (their failures become
    clear verdicts), and reuses the shared work: :meth:`init_loss`, :meth:`real_run`,
    :meth:`zero_run`, each computed once.

    Attributes:
        loss: The loss as the user gave it; ``loss_fn`` the resolved callable (with the
            config's label smoothing), ``loss_name`` its name.
        task: The task kind.
        X, y: A random training sample as the model sees it (after the transform).
        Xv, yv: A validation sample, or ``None`` when no validation data was given.
        all_y: Every training target when cheap to get (in-memory data), else ``y``.
        options: The :class:`CheckOptions`; ``config`` the training settings of short runs.
        device: Where the model and the sample live.
    """

    loss: LossLike
    loss_fn: LossFn
    loss_name: str
    task: TaskKind
    X: torch.Tensor
    y: torch.Tensor
    Xv: torch.Tensor | None
    yv: torch.Tensor | None
    all_y: torch.Tensor
    options: CheckOptions
    config: TrainConfig
    device: torch.device
    _model: nn.Module
    _factory: Callable[..., nn.Module] | None
    _original: ModelState
    _start: ModelState
    _init_loss: float | None = None
    _real: dict[int, TrainedRun] = dataclasses.field(default_factory=dict)
    _zero: dict[int, TrainedRun] = dataclasses.field(default_factory=dict)

    @classmethod
    def build(cls, model: ModelLike, train: Any, loss: LossLike, *, val: Any, config: TrainConfig,
              options: CheckOptions) -> CheckContext:
        """Resolve the loss, sample the data, build or adopt the model, and snapshot it.

        Raises:
            ConfigError: Unknown loss, a model that is neither a module nor a factory, a
                factory that fails, ``causal_dim`` or ``frozen`` that do not fit the model.
            DataError: Data that cannot be used, or a transform that fails on it.
        """
        try:
            loss_fn, loss_name = resolve_loss(loss, label_smoothing=config.label_smoothing)
        except (ValueError, TypeError) as e:
            raise ConfigError(str(e)) from e
        train_src = as_source(train, name="train")
        X, y, Xv, yv = fresh_data(train_src, val, options.transform, config.seed)
        all_y = train_src.y if isinstance(train_src, TensorData) else y
        kind = infer_task(all_y, loss, options.task)
        net, factory = build(model, config.seed, _device(model, config))
        X, y = X.to(_on(net)), y.to(_on(net))
        Xv, yv = (Xv.to(_on(net)), yv.to(_on(net))) if Xv is not None and yv is not None else (None, None)
        _validate(options, net, X)
        original = ModelState.capture(net)
        if options.fix_init:
            from ._last_layer import fix_last_layer_init

            try:
                fix_last_layer_init(net, (X, all_y if len(all_y) == len(X) else y), kind)
            except ValueError as e:
                raise ConfigError(f"fix_init=True: {e}") from e
        return cls(loss=loss, loss_fn=loss_fn, loss_name=loss_name, task=kind, X=X, y=y, Xv=Xv, yv=yv,
                   all_y=all_y, options=options, config=config, device=_on(net), _model=net, _factory=factory,
                   _original=original, _start=ModelState.capture(net))

    # -- settings -----------------------------------------------------------------------

    @property
    def seed(self) -> int:
        return self.config.seed

    @property
    def budget(self) -> float:
        return self.options.budget

    @property
    def batch_size(self) -> int:
        # Capped: a short run needs steps more than examples per step.
        return min(self.config.batch_size, 32)

    @property
    def is_factory(self) -> bool:
        """True when the user passed a factory: the model is freshly initialised, not maybe pretrained."""
        return self._factory is not None

    # -- the model ----------------------------------------------------------------------

    def fresh_model(self) -> nn.Module:
        """The model as the checks start from it (the caller's state, plus ``fix_init``)."""
        self._start.restore(self._model)
        return self._model

    def rebuild(self, seed: int) -> nn.Module | None:
        """A separate new model from the factory under ``seed``; ``None`` for an instance."""
        if self._factory is None:
            return None
        return build_from_factory(self._factory, seed).to(self.device)

    def start_state(self) -> ModelState:
        """The state :meth:`fresh_model` restores (values to compare a rebuild with)."""
        return self._start

    def close(self) -> None:
        """Put the caller's model back exactly as it was passed."""
        self._original.restore(self._model)

    @contextlib.contextmanager
    def borrowed(self) -> Iterator[nn.Module]:
        """The fresh model for shared work; whatever state a check held is put back after."""
        held = ModelState.capture(self._model)
        try:
            yield self.fresh_model()
        finally:
            held.restore(self._model)

    def make_optimizer(self, model: nn.Module, lr: float | None = None) -> torch.optim.Optimizer:
        """The user's optimizer on ``model``'s parameters (by default the one the config names)."""
        if self.options.optimizer is None:
            try:
                return make_optimizer(self.config if lr is None else self.config.replace(lr=lr), model)
            except ValueError as e:
                raise UserCodeError(str(e)) from e
        params = [p for p in model.parameters() if p.requires_grad]
        try:
            opt = self.options.optimizer(params)
        except Exception as e:
            raise UserCodeError(f"the optimizer factory raised {type(e).__name__}: {e}") from e
        if not isinstance(opt, torch.optim.Optimizer):
            raise UserCodeError(f"the optimizer factory returned {type(opt).__name__}, not a torch Optimizer")
        if lr is not None:
            for group in opt.param_groups:
                group["lr"] = lr
        return opt

    # -- data, forward and loss -----------------------------------------------------------

    def batch(self, n: int, *, minimum: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
        """The first ``n`` examples of the sample; skips the check when fewer than ``minimum``."""
        if len(self.X) < minimum:
            raise CheckSkipped(f"needs at least {minimum} examples but the data has {len(self.X)}; pass more data")
        return self.X[:n], self.y[:n]

    def split(self) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor], str]:
        """``(train, held_out, where)``: the validation sample, or a held-out quarter of the sample."""
        if self.Xv is not None and self.yv is not None and len(self.Xv) > 0:
            return (self.X, self.y), (self.Xv, self.yv), "validation sample"
        if len(self.X) < 8:
            raise CheckSkipped(f"needs validation data or at least 8 training examples; got {len(self.X)}")
        cut = len(self.X) * 3 // 4
        return (self.X[:cut], self.y[:cut]), (self.X[cut:], self.y[cut:]), "held-out quarter of the training sample"

    def forward(self, model: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """Run the model, turning its exceptions and odd outputs into a clear :class:`UserCodeError`."""
        try:
            out = model(x)
        except Exception as e:
            raise UserCodeError(f"the model's forward raised {type(e).__name__} on inputs of shape {tuple(x.shape)}: {e}") from e
        if isinstance(out, (tuple, list)) and out and isinstance(out[0], torch.Tensor):
            out = out[0]  # (logits, extras...): the first element is what the loss sees
        if not isinstance(out, torch.Tensor):
            raise UserCodeError(f"the model returned {type(out).__name__}; checks need a tensor (or a tuple starting with one)")
        if out.ndim == 0 or out.shape[0] != x.shape[0]:
            raise UserCodeError(f"the model mapped {x.shape[0]} examples to output shape {tuple(out.shape)}; "
                                "the first output dimension must be the batch")
        return out

    def compute_loss(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The user's loss, which must return a scalar tensor."""
        try:
            value = self.loss_fn(out, y)
        except Exception as e:
            raise UserCodeError(f"the loss {self.loss_name!r} raised {type(e).__name__} on output {tuple(out.shape)} "
                                f"and target {tuple(y.shape)}: {e}") from e
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise UserCodeError(f"the loss {self.loss_name!r} returned {shape}, not a scalar; reduce it, e.g. "
                                "`return F.mse_loss(out, y)` rather than `(out - y) ** 2`")
        return value.reshape(())

    def num_classes(self, out: torch.Tensor) -> int:
        """Outputs per prediction (classes), read from an output in :meth:`classes_last` layout."""
        return int(out.shape[-1]) if out.ndim >= 2 else 1

    def classes_last(self, out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, LossFn]:
        """``out`` with its class dimension last, and the loss taking outputs in that layout.

        Dense predictions ``(B, C, H, W)`` against targets ``(B, H, W)`` (segmentation) keep
        their classes in dimension 1, as ``F.cross_entropy`` expects; every other layout
        already has them last. The checks analyse outputs in one layout.
        """
        dense = (self.task in ("classification", "autoregressive") and out.ndim > 2 and not y.is_floating_point()
                 and tuple(y.shape) == (out.shape[0], *out.shape[2:]) and tuple(y.shape) != tuple(out.shape[:-1]))
        if not dense:
            return out, self.compute_loss
        return out.movedim(1, -1), lambda o, t: self.compute_loss(o.movedim(-1, 1), t)

    def seeded_forward(self, model: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """Training-mode outputs without gradients, with a fixed dropout mask; running statistics kept."""
        buffers = [b.detach().clone() for b in model.buffers()]
        torch.manual_seed(self.seed)
        try:
            with torch.no_grad():
                return self.forward(model.train(), x)
        finally:
            with torch.no_grad():
                for b, saved in zip(model.buffers(), buffers, strict=True):
                    b.copy_(saved)

    def seeded_loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
        """The loss of :meth:`seeded_forward`'s outputs."""
        with torch.no_grad():
            return float(self.compute_loss(self.seeded_forward(model, x), y))

    # -- shared work, done once -------------------------------------------------------------

    def init_loss(self) -> float:
        """The fresh model's training-mode loss on the first 256 examples (memoised)."""
        if self._init_loss is None:
            x, y = self.batch(256)
            with self.borrowed() as model:
                self._init_loss = self.seeded_loss(model, x, y)
        return self._init_loss

    def real_run(self, steps: int = 100) -> TrainedRun:
        """A short run on the real training split, measured on it and on held-out data (memoised)."""
        if steps not in self._real:
            with self.borrowed() as model:
                self._real[steps] = train_and_measure(self, model, steps, zero_inputs=False)
        return self._real[steps]

    def zero_run(self, steps: int = 100) -> TrainedRun:
        """The same run with every input set to zero: what the model learns without its input (memoised)."""
        if steps not in self._zero:
            with self.borrowed() as model:
                self._zero[steps] = train_and_measure(self, model, steps, zero_inputs=True)
        return self._zero[steps]


def _device(model: ModelLike, config: TrainConfig) -> torch.device | None:
    """Where a factory's model goes (the config's device); ``None`` keeps an instance where it is."""
    if isinstance(model, nn.Module):
        return None
    try:
        return resolve_device(config.device)
    except ValueError as e:
        raise ConfigError(str(e)) from e


def _on(model: nn.Module) -> torch.device:
    return next((p.device for p in model.parameters()), torch.device("cpu"))


def _validate(options: CheckOptions, model: nn.Module, X: torch.Tensor) -> None:
    """Options that name parts of the model or data must fit them; found before any check runs."""
    dim = options.causal_dim
    if dim is not None and not 1 <= (dim + X.ndim if dim < 0 else dim) < X.ndim:
        raise ConfigError(f"causal_dim={dim} is outside the input's dimensions: inputs have shape {tuple(X.shape)}, "
                          f"time can be dim 1..{X.ndim - 1}; e.g. causal_dim=1 for (batch, time) inputs")
    names = [n for n, _ in model.named_parameters()]
    unknown = [f for f in options.frozen if not any(n == f or n.startswith(f.rstrip(".") + ".") for n in names)]
    if unknown:
        raise ConfigError(f"frozen={list(unknown)} names no parameter of the model; its parameters are "
                        f"{names[:8]}{' ...' if len(names) > 8 else ''}; pass names or prefixes of those")
