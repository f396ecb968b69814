"""What the diagnostics recorded during training share: the cadence, the slots, the files.

Each one measures something on the model at a doubling cadence (see :class:`~._slots.Slots`),
keeps its records in the resume points (so a resumed run records exactly what an
uninterrupted one does), and writes them into ``<run>/diagnostics/`` at the end of the run
and, while it runs, at an epoch end or validation at most every :data:`WRITE_SECONDS`.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import torch

from ..callbacks import Callback
from ._slots import Slots
from ._store import write_kind

__all__ = ["SLOTS", "WRITE_SECONDS", "Diagnostic"]

SLOTS = 256  # records per series: the storage bound
WRITE_SECONDS = 30.0  # a run in progress shows its diagnostics this fresh


class Diagnostic(Callback, abc.ABC):
    """A callback that records fixed-size measurements at a doubling cadence.

    Subclasses prepare in :meth:`start` (once per run, before step 1), measure in
    :meth:`measure` (tensors of the same shapes every time, left on the device: nothing
    waits for it) and describe their records in :meth:`meta`.

    Args:
        every: Steps between records at first (doubling when the slots are full); ``None``
            takes the run's ``log_every``, so records line up with the logged loss.
        slots: Records kept at most.
    """

    kind: ClassVar[str]

    def __init__(self, *, every: int | None = None, slots: int = SLOTS) -> None:
        if every is not None and (not isinstance(every, int) or every < 1):
            raise ValueError(f"every must be None (the run's log_every) or an int >= 1; got {every=}")
        Slots(slots=slots, every=1)  # checks slots
        self.every, self.slots = every, slots
        self.records = Slots(slots=slots, every=every or 1)
        self.active = False

    @abc.abstractmethod
    def start(self) -> bool:
        """Prepare for this run (fixed batch, layers); False when there is nothing to record."""

    @abc.abstractmethod
    def measure(self, step: int) -> Mapping[str, torch.Tensor]:
        """One record: tensors of fixed shapes."""

    @abc.abstractmethod
    def meta(self) -> dict[str, Any]:
        """What the records mean (JSON data), stored next to them."""

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        config = self.trainer.config
        every = self.every or (config.log_every if config is not None else 50)
        self.records = Slots(slots=self.slots, every=every)
        self.written_at = time.monotonic()
        self.active = self.start()
        if self.active and self.trainer.step == 0:
            self.records.add(0, self.measure(0))  # the model as initialised

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        if self.active and self.records.due(step):
            self.records.add(step, self.measure(step))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if time.monotonic() - self.written_at >= WRITE_SECONDS:
            self.write()

    def on_train_end(self, logs: dict[str, Any]) -> None:
        step = self.trainer.step
        if self.active and self.records.steps[-1:] != [step]:
            self.records.add_final(step, self.measure(step))
        self.write()

    def write(self) -> None:
        """Write the records into the run folder (nothing without one, or without records)."""
        self.written_at = time.monotonic()
        if self.trainer.run_dir is not None and self.active and len(self.records):
            write_kind(self.trainer.run_dir, self.kind, {"cadence": self.records.cadence, **self.meta()}, self.records.arrays())

    def state_dict(self) -> dict[str, Any]:
        return {"records": self.records.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.records.load_state_dict(state["records"], self.trainer.device)
