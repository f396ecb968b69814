"""After training: what the best model gets right and wrong on the validation set."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_model
from torch import nn

from ..callbacks import Callback
from ._interpret import TOP_K, interpret
from ._interpretation_data import InterpretationData, interpretation_files
from ._store import write_kind
from ._tensorboard import tensorboard_writer

__all__ = ["Interpretation"]

log = logging.getLogger(__name__)

BEST = Path("weights") / "best.safetensors"


class Interpretation(Callback):
    """At the end of training, on the whole validation set: the confusion matrix and
    precision, recall, F1 and support per class (classification), predictions against
    targets with MAE, RMSE and R² (regression), and the ``top_k`` examples with the highest
    loss, kept with their inputs (drawn as images, curves or rows, whatever the data is).

    Computed from the best weights: the run's ``weights/best.safetensors`` when a
    :class:`~nnrecipe.callbacks.ModelCheckpoint` kept one (the retrospective best of its
    monitor; the same weights a run's stored predictions come from), else the weights the
    model holds at the end of training: the best ones when ``EarlyStopping`` restored them
    (labelled so, with their step), the last step's otherwise. The model is left holding the weights it had. Nothing happens
    without validation data. Stored as ``diagnostics/interpretation.{json,safetensors}`` and
    drawn in TensorBoard (the confusion matrix, the worst examples).

    Args:
        top_k: Worst examples kept.

    Example:
        >>> import torch, nnrecipe
        >>> from nnrecipe.diagnostics import Interpretation
        >>> X, y = torch.randn(64, 4), torch.randint(0, 3, (64,))
        >>> seen = Interpretation(top_k=4)
        >>> _ = nnrecipe.fit(torch.nn.Linear(4, 3), (X, y), val=(X, y), callbacks=[seen], runs_dir=None)
        >>> seen.result.confusion.sum(), seen.result.top_losses.inputs.shape, seen.result.weights
        (np.int64(64), (4, 4), 'final')
    """

    def __init__(self, *, top_k: int = TOP_K) -> None:
        if not isinstance(top_k, int) or top_k < 1:
            raise ValueError(f"top_k must be an int >= 1; got {top_k=}")
        self.top_k = top_k
        self.result: InterpretationData | None = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.result = None

    def on_train_end(self, logs: dict[str, Any]) -> None:
        state = self.trainer
        if state.val is None or state.task is None or state.loss_fn is None:
            return
        kept = self._best_weights()
        with _holding(state.model, kept[0] if kept else None):
            data = interpret(state.model, state.val, state.loss_fn, state.task, loss_name=getattr(state.loss_fn, "__name__", ""),
                             device=state.device, top_k=self.top_k)
        if kept:
            weights, step, monitor = "best", kept[1], kept[2]
        elif state.restored is not None:  # EarlyStopping put its best weights back
            weights, step, monitor = "best", *state.restored
        else:
            weights, step, monitor = "final", state.step, None
        self.result = dataclasses.replace(data, split="val", weights=weights, step=step, monitor=monitor)
        if state.run_dir is not None:
            write_kind(state.run_dir, "interpretation", *interpretation_files(self.result))
        writer = tensorboard_writer(state, "interpretation")
        if writer is not None:
            from ._figures import confusion_figure, top_losses_figure

            with writer:
                for tag, picture in (("confusion_matrix", confusion_figure(self.result)), ("top_losses", top_losses_figure(self.result))):
                    if picture is not None:
                        writer.add_image(f"diagnostics/{tag}", picture, state.step, dataformats="HWC")

    def _best_weights(self) -> tuple[Path, int, str | None] | None:
        """``weights/best.safetensors`` with its step and monitor, when the run kept one."""
        run_dir = self.trainer.run_dir
        if run_dir is None or not (run_dir / BEST).is_file():
            return None
        try:
            index = json.loads((run_dir / "weights" / "index.json").read_text())
            return run_dir / BEST, int(index["best_step"]), str(index["monitor"])
        except (OSError, ValueError, KeyError, TypeError):
            return run_dir / BEST, -1, None  # the weights are there, their index is not

    def data(self) -> InterpretationData | None:
        """The result (``None`` before the end of a run, or without validation data)."""
        return self.result


@contextlib.contextmanager
def _holding(model: nn.Module, path: Path | None) -> Iterator[None]:
    """The model holds the weights in ``path`` inside, its own ones again after."""
    if path is None:
        yield
        return
    own = {k: v.detach().clone() for k, v in model.state_dict().items()}
    try:
        load_model(model, str(path), strict=True)
        yield
    finally:
        with torch.no_grad():
            model.load_state_dict(own)
