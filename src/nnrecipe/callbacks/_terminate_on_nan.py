from __future__ import annotations

import logging
import math
from typing import Any

from safetensors.torch import save_file

from ._base import Callback

__all__ = ["TerminateOnNaN"]

log = logging.getLogger(__name__)

BATCH_FILE = "nonfinite_batch.safetensors"


class TerminateOnNaN(Callback):
    """Stop at the first non-finite loss or gradient norm, keeping the last good checkpoint.

    The offending batch is saved to ``<run>/nonfinite_batch.safetensors`` (keys ``inputs``
    and ``targets``) so that it can be inspected. Included by default in every run.

    Example:
        >>> from nnrecipe.callbacks import TerminateOnNaN
        >>> TerminateOnNaN().stop_training
        False
    """

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.stop_training = False
        self.bad_step: int | None = None

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        bad = [k for k in ("loss", "grad_norm") if k in logs and not math.isfinite(logs[k])]
        if not bad:
            return
        self.stop_training, self.bad_step = True, step
        self.trainer.diverged = True
        where = ""
        if self.trainer.run_dir is not None and self.trainer.batch is not None:
            x, y = self.trainer.batch
            path = self.trainer.run_dir / BATCH_FILE
            save_file({"inputs": x.detach().cpu().contiguous(), "targets": y.detach().cpu().contiguous()}, str(path))
            where = f"; the batch is saved in {path}"
        log.error(
            "non-finite %s at step %d (%s); training stopped, the last checkpoint is kept%s. "
            "Lower the learning rate, add warmup or gradient clipping (grad_clip_norm).",
            " and ".join(bad), step, ", ".join(f"{k}={logs[k]}" for k in bad), where,
        )
