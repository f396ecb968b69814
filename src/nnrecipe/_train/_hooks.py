"""The run's callbacks called as one, hook by hook, in their order (Keras' ``CallbackList``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..callbacks import Callback

__all__ = ["CallbackList"]


def _overriding(callbacks: Sequence[Callback], hook: str) -> list[Callback]:
    return [cb for cb in callbacks if getattr(type(cb), hook) is not getattr(Callback, hook)]


class CallbackList:
    """Calls each hook on every callback, in order; nothing else.

    The per-step hooks skip callbacks that do not override them: a call that does nothing
    still costs a fraction of a microsecond, every step.
    """

    def __init__(self, callbacks: Sequence[Callback]) -> None:
        self.callbacks = list(callbacks)
        self._log, self._step_end = _overriding(callbacks, "on_log"), _overriding(callbacks, "on_step_end")

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_train_begin(logs)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch, logs)

    def on_log(self, step: int, logs: dict[str, Any]) -> None:
        for cb in self._log:
            cb.on_log(step, logs)

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_validation_end(step, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        for cb in self._step_end:
            cb.on_step_end(step, logs)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        for cb in self.callbacks:
            cb.on_train_end(logs)
