from __future__ import annotations

import logging
from typing import Any

import torch
from safetensors.torch import save_file

from .._core._files import atomic_path
from .._train._checkpoint import writing
from ._base import Callback

__all__ = ["TerminateOnNaN"]

log = logging.getLogger(__name__)

BATCH_FILE = "nonfinite_batch.safetensors"


class TerminateOnNaN(Callback):
    """Stop at the first step whose loss or gradients are not finite; the weights stay good.

    The trainer's step checks the loss and every gradient before the optimizer step (before
    clipping, which cannot repair a NaN) and skips that update, so the model and the optimizer
    never take a non-finite value; this callback reads that verdict (``nonfinite`` in the step
    logs) and stops the run. The offending batch, as the model saw it, is saved to
    ``<run>/nonfinite_batch.safetensors`` (keys ``inputs`` and ``targets``). Included by
    default in every run.

    On the CPU the step has read the verdict already (there is no device to wait for). On an
    accelerator it is read every ``check_every`` steps, so that no step waits for the device:
    the steps in between keep their batches referenced until then, and the first bad one is
    reported and saved; their non-finite updates were skipped on the device.

    Args:
        check_every: Steps between reads on an accelerator (``None``: 50).

    Example:
        >>> import math, torch, nnrecipe
        >>> from nnrecipe.callbacks import TerminateOnNaN
        >>> class BlowsUpAtStep3(torch.nn.Linear):
        ...     steps = 0
        ...     def forward(self, x):
        ...         self.steps += self.training
        ...         return super().forward(x) * (math.inf if self.steps == 3 else 1.0)
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> stop = TerminateOnNaN()
        >>> result = nnrecipe.fit(BlowsUpAtStep3(4, 2), (X, y), callbacks=[stop],
        ...                       config=nnrecipe.TrainConfig(epochs=5, batch_size=16), runs_dir=None)
        >>> stop.bad_step, result.diverged, result.weights, bool(torch.isfinite(result.model.weight).all())
        (3, True, 'last_finite', True)
    """

    def __init__(self, check_every: int | None = None) -> None:
        if check_every is not None and check_every < 1:
            raise ValueError(f"check_every must be >= 1 or None; got {check_every=}")
        self.check_every = check_every
        self.bad_step: int | None = None
        self._pending: list[tuple[int, torch.Tensor, Any]] = []

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.bad_step, self._pending = None, []
        self._every = self.check_every or (1 if self.trainer.device.type == "cpu" else 50)

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        flag = logs.get("nonfinite")
        if flag is None or self.bad_step is not None:
            return
        if isinstance(flag, float) or self._every == 1:  # already on the host, or free to read
            if flag:
                self._stop(step, self.trainer.batch)
            return
        self._pending.append((step, flag, self.trainer.batch))
        if len(self._pending) >= self._every or self.trainer.stop_training or step >= self.trainer.total_steps:
            self._check()

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        self._check()  # validation waited for the device anyway

    def _check(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        bad = torch.nonzero(torch.stack([flag for _, flag, _ in pending])).flatten().tolist()  # the one read
        if bad:
            step, _, batch = pending[bad[0]]
            self._stop(step, batch)

    def _stop(self, step: int, batch: Any) -> None:
        self.bad_step = step
        self.trainer.stop_training = True
        where = ""
        if self.trainer.run_dir is not None and batch is not None:
            x, y = batch
            path = self.trainer.run_dir / BATCH_FILE
            with writing(path), atomic_path(path) as tmp:
                save_file({"inputs": x.detach().cpu().contiguous(), "targets": y.detach().cpu().contiguous()}, str(tmp))
            where = f"; the batch is saved in {path}"
        log.error(
            "non-finite loss or gradients at step %d; its update was skipped and training stopped, "
            "the model keeps the last finite weights%s. Lower the learning rate, add warmup or gradient "
            "clipping (grad_clip_norm).", step, where,
        )
