"""One optimizer step: forward under autocast, backward over the micro-batches, a finiteness
guard, clipping and the update.

The guard looks at the loss and every gradient before the optimizer step and skips the
update when one is not finite, so the weights and the optimizer state never take a NaN.
How the skip happens depends on where the numbers live:

- on the CPU (and wherever the optimizer cannot skip by itself) the flag is read on the
  host and ``optimizer.step()`` is not called: a CPU has no device to wait for, so the read
  costs about a microsecond;
- on CUDA with an optimizer that accepts ``found_inf`` (PyTorch's fused Adam, AdamW and SGD,
  which the trainer builds there) the flag is handed to the optimizer, which skips the
  update on the device, as under a GradScaler: no host synchronisation per step;
- under a GradScaler (fp16) the scaler skips overflowing steps itself (that is its job, not
  a divergence) and the guard only watches the loss.

Gradients are set to None before the forward pass directly, not through
``Optimizer.zero_grad`` (whose profiler and TorchDynamo wrappers cost about as much as the
finiteness check on a small model), unless the optimizer defines its own ``zero_grad``.

The check is one fused pass over the gradients (``_amp_foreach_non_finite_check_and_unscale_``
with a scale of 1, the GradScaler's own kernel), or the global norm when clipping computes it
anyway. ``benchmarks/trainer_overhead.py`` measures its cost.

When processes train together (``group``), each computes its part of the batch through the
data-parallel model, whose backward pass averages the gradients; the part's loss is weighted
by its ``share`` (uneven last batches) and summed over the processes, so the loss, the
gradients and the guard's verdict are the whole batch's, the same on every process. That
sum is one more collective per step, queued behind the backward pass on CUDA (no host wait).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import Batch
from .._core._losses import LossFn

if TYPE_CHECKING:
    from .._core._peers import Peers

__all__ = ["StepOutput", "TrainStep"]


class StepOutput(NamedTuple):
    """What one optimizer step leaves, as device tensors (reading one waits for the device).

    (A named tuple rather than a frozen dataclass: one is made every step, and a tuple is
    built several times faster.)

    Attributes:
        loss: The batch's mean loss (over every micro-batch), detached.
        nonfinite: ``1.0`` when the loss or a gradient was not finite and the update was
            skipped, else ``0.0``: a Python float where the step read it on the host anyway
            (the CPU), a 0-d device tensor where it did not.
        grad_norm: The global gradient norm before clipping, when clipping is on.
    """

    loss: torch.Tensor
    nonfinite: torch.Tensor | float
    grad_norm: torch.Tensor | None

    def logs(self) -> dict[str, Any]:
        logs: dict[str, Any] = {"loss": self.loss, "nonfinite": self.nonfinite}
        if self.grad_norm is not None:
            logs["grad_norm"] = self.grad_norm
        return logs


class TrainStep:
    """``step(batch)`` takes one optimizer step on a batch already on the device.

    Args:
        model: The model (its parameters are the optimizer's).
        optimizer: The optimizer; the learning rate of each of its groups at construction is
            that group's base learning rate.
        loss_fn: ``(output, target) -> scalar``.
        config: Precision, clipping and ``accumulate_steps``.
        device: Where the model lives.
        forward: The callable that runs the model (a compiled one, the data-parallel one, or
            the model itself).
        group: The processes training together, or ``None`` for one process.
    """

    def __init__(
        self, model: nn.Module, optimizer: torch.optim.Optimizer, loss_fn: LossFn, config: TrainConfig,
        device: torch.device, forward: Callable[[torch.Tensor], torch.Tensor] | None = None, group: Peers | None = None,
    ) -> None:
        self.model, self.optimizer, self.loss_fn, self.group = model, optimizer, loss_fn, group
        self.forward = forward or model
        self.clip, self.accumulate = config.grad_clip_norm, config.accumulate_steps
        self.params = [p for group in optimizer.param_groups for p in group["params"]]
        self.base_lrs = [float(group["lr"]) for group in optimizer.param_groups]
        self._factor: float | None = None  # the factor last written into the optimizer
        self.scaler = torch.amp.GradScaler("cuda") if config.precision == "fp16" and device.type == "cuda" else None
        amp_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(config.precision)
        self.amp_dtype = amp_dtype
        # The optimizer skips a flagged update on the device (fused kernels): no host read per step.
        self.skip_on_device = (
            self.scaler is None and device.type == "cuda" and bool(getattr(optimizer, "_step_supports_amp_scaling", False))
        )
        self.device = device
        self._one = torch.ones((), device=device)
        self._found = torch.zeros((), device=device)  # reused where the verdict is read at once
        # A model spread over several devices is checked device by device (GradScaler does the same).
        self._devices = sorted({p.device for p in self.params} | {device}, key=str)
        # ``Optimizer.zero_grad`` spends ~70k CPU instructions a call in its profiler and
        # TorchDynamo wrappers, 2% of a small model's step: a stock optimizer's gradients are
        # set to None here directly (the same effect); an optimizer's own ``zero_grad`` is called.
        self._stock_zero_grad = type(optimizer).zero_grad is torch.optim.Optimizer.zero_grad

    def set_lr(self, factor: float) -> float:
        """Set every group's learning rate to its base times ``factor`` (written only when the
        factor changes); returns the first group's rate as the optimizer holds it."""
        if factor != self._factor:
            for group, base in zip(self.optimizer.param_groups, self.base_lrs):
                group["lr"] = base * factor
            self._factor = factor
        return float(self.optimizer.param_groups[0]["lr"])

    def __call__(self, batch: Batch, share: float = 1.0) -> StepOutput:
        """One step on ``batch`` (this process's part of the global batch, of relative size ``share``)."""
        if self._stock_zero_grad:
            for p in self.params:
                p.grad = None
        else:
            self.optimizer.zero_grad(set_to_none=True)
        loss = self._backward(*batch, share)
        if self.scaler is not None:
            self.scaler.unscale_(self.optimizer)
        norm = torch.nn.utils.clip_grad_norm_(self.params, self.clip) if self.clip is not None else None
        flag = self._nonfinite(loss, norm)
        if self.scaler is not None:
            self.scaler.step(self.optimizer)  # skips overflowing steps by itself
            self.scaler.update()
            return StepOutput(loss, flag, norm)
        if self.skip_on_device:
            self.optimizer.grad_scale, self.optimizer.found_inf = None, flag  # type: ignore[attr-defined]
            self.optimizer.step()
            del self.optimizer.grad_scale, self.optimizer.found_inf  # type: ignore[attr-defined]
            return StepOutput(loss, flag, norm)
        nonfinite = flag.item()  # the CPU: nothing to wait for
        if not nonfinite:
            self.optimizer.step()
        return StepOutput(loss, nonfinite, norm)

    def _backward(self, x: torch.Tensor, y: torch.Tensor, share: float) -> torch.Tensor:
        """Forward and backward over ``accumulate`` micro-batches; the (global) batch's mean loss, detached."""
        if self.accumulate == 1 and self.amp_dtype is None and self.scaler is None:  # the common case, lean
            loss = self.loss_fn(self.forward(x), y)
            if self.group is None:
                loss.backward()
                return loss.detach()
            weighted = loss * share if share != 1.0 else loss
            summed = self.group.start_sum(weighted)  # overlaps the backward pass
            weighted.backward()
            return summed() / self.group.size
        total = torch.zeros((), device=self.device)
        n = len(x)
        for xs, ys in zip(x.tensor_split(self.accumulate), y.tensor_split(self.accumulate)):
            if len(xs) == 0:  # a last batch smaller than accumulate_steps
                continue
            with torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None):
                # Weighted by its share of the batch: the summed gradient is the batch's mean gradient.
                part = self.loss_fn(self.forward(xs), ys) * (len(xs) / n * share)
            self._scaled(part).backward()
            total += part.detach()
        return total if self.group is None else self.group.start_sum(total)() / self.group.size

    def _scaled(self, loss: torch.Tensor) -> torch.Tensor:
        return loss if self.scaler is None else self.scaler.scale(loss)

    def _nonfinite(self, loss: torch.Tensor, norm: torch.Tensor | None) -> torch.Tensor:
        """``1.0`` when the step must not be applied: the loss or a gradient is not finite."""
        if self.scaler is not None:  # gradient overflow is the scaler's business
            return (~torch.isfinite(loss)).float()
        if norm is not None:  # clipping computed the global norm already
            return (~(torch.isfinite(norm) & torch.isfinite(loss))).float()
        # A fresh flag where it outlives the step (read later, on a device); else one reused.
        found = torch.zeros((), device=self.device) if self.skip_on_device else self._found.zero_()
        tensors = [p.grad for p in self.params if p.grad is not None]
        if len(self._devices) == 1:
            # GradScaler's fused check (a scale of 1 leaves every value as it is); the loss rides along.
            torch._amp_foreach_non_finite_check_and_unscale_([*tensors, loss], found, self._one)
            return found
        for device in self._devices:
            here = [t for t in (*tensors, loss) if t.device == device]
            if here:
                part = torch.zeros((), device=device)
                torch._amp_foreach_non_finite_check_and_unscale_(here, part, torch.ones((), device=device))
                found += part.to(self.device)
        return found.clamp_(max=1.0)
