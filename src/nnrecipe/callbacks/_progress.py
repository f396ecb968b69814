from __future__ import annotations

import sys
import time
from typing import IO, Any

from ._base import Callback

__all__ = ["ProgressBar"]


class ProgressBar(Callback):
    """A progress bar on a terminal; one plain line every ``every`` steps otherwise.

    Library runs do not print: the CLI adds this callback. Add it yourself to see progress
    from Python.

    Args:
        every: Steps between plain lines (and between bar refreshes).
        stream: Where to write (standard error by default).

    Example:
        >>> from nnrecipe.callbacks import ProgressBar
        >>> ProgressBar(every=100).every
        100
    """

    def __init__(self, every: int = 50, stream: IO[str] | None = None) -> None:
        if every < 1:
            raise ValueError(f"every must be >= 1; got {every=}")
        self.every, self.stream = every, stream or sys.stderr
        self._bar: Any = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self._start = time.perf_counter()
        self._last: dict[str, Any] = {}
        if self.stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("[bold]fit"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                TextColumn("{task.fields[info]}"), console=Console(file=self.stream), transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("fit", total=self.trainer.total_steps, completed=self.trainer.step, info="")

    def _info(self) -> str:
        return "  ".join(f"{k} {v:.4g}" for k, v in self._last.items() if isinstance(v, float))

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        if step % self.every:
            return
        self._last["loss"] = logs["loss"]
        if self._bar is not None:
            self._bar.update(self._task, completed=step, info=self._info())
        else:
            rate = step / max(time.perf_counter() - self._start, 1e-9)
            print(f"step {step}/{self.trainer.total_steps}  epoch {self.trainer.epoch}  {self._info()}  {rate:.0f} steps/s", file=self.stream, flush=True)

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        self._last.update({k: v for k, v in logs.items() if k.startswith("val_")})
        if self._bar is None:
            print(f"step {step}/{self.trainer.total_steps}  validation  {self._info()}", file=self.stream, flush=True)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self.trainer.step, info=self._info())
            self._bar.stop()
            self._bar = None
