from __future__ import annotations

import sys
import time
from typing import IO, Any

from .._core._world import world
from ._base import Callback

__all__ = ["ProgressBar"]


class ProgressBar(Callback):
    """A progress bar on a terminal; one plain line per logged row otherwise.

    The loss shown is the logged one: the mean over the steps since the previous train row
    (every ``log_every`` steps), the value ``metrics.jsonl`` holds. Steps per second count
    only the steps of this process (after a resume, the steps since the resume).

    Library runs do not print: the CLI adds this callback. Add it yourself to see progress
    from Python. Under torchrun only rank 0 shows it (every rank keeps the callback, so
    that their callbacks, and resume points, match).

    Args:
        every: Steps between bar refreshes on a terminal.
        stream: Where to write (standard error by default).

    Example:
        >>> import io, torch, nnrecipe
        >>> from nnrecipe.callbacks import ProgressBar
        >>> out = io.StringIO()
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> _ = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), callbacks=[ProgressBar(stream=out)],
        ...                  config=nnrecipe.TrainConfig(epochs=2, batch_size=16, log_every=4), runs_dir=None)
        >>> out.getvalue().splitlines()[0].startswith("step 4/8  epoch 0  loss (mean of 4 steps) ")
        True
    """

    def __init__(self, every: int = 50, stream: IO[str] | None = None) -> None:
        if every < 1:
            raise ValueError(f"every must be >= 1; got {every=}")
        self.every, self.stream = every, stream or sys.stderr
        self._bar: Any = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self._start, self._start_step = time.perf_counter(), self.trainer.step
        self._row_step = self.trainer.step
        self._last: dict[str, Any] = {}
        self._shown = world().is_main
        if self._shown and self.stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("[bold]fit"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                TextColumn("{task.fields[info]}"), console=Console(file=self.stream), transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("fit", total=self.trainer.total_steps, completed=self.trainer.step, info="")

    def _info(self) -> str:
        return "  ".join(f"{k} {v:.4g}" for k, v in self._last.items() if isinstance(v, float))

    def _rate(self, step: int) -> float:
        return (step - self._start_step) / max(time.perf_counter() - self._start, 1e-9)

    def on_log(self, step: int, logs: dict[str, Any]) -> None:
        self._last["loss"] = logs["loss"]
        steps, self._row_step = step - self._row_step, step
        if self._bar is None and self._shown:
            print(f"step {step}/{self.trainer.total_steps}  epoch {self.trainer.epoch}  loss (mean of {steps} steps) "
                  f"{logs['loss']:.4g}  {self._rate(step):.0f} steps/s", file=self.stream, flush=True)

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        self._last.update({k: v for k, v in logs.items() if k.startswith("val_")})
        if self._bar is None and self._shown:
            print(f"step {step}/{self.trainer.total_steps}  validation  {self._info()}", file=self.stream, flush=True)

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        if self._bar is not None and step % self.every == 0:
            self._bar.update(self._task, completed=step, info=self._info())

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self.trainer.step, info=self._info())
            self._bar.stop()
            self._bar = None
