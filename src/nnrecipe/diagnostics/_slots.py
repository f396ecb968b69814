"""A fixed number of slots per series, whatever the run's length: the storage bound.

A diagnostic records at every ``cadence`` steps (step 0 included). When its slots are full,
every other record is dropped (those whose step is not a multiple of twice the cadence)
and the cadence doubles, so the records always cover the whole run evenly, the early steps
as densely as the late ones, in ``slots x`` the size of one record. A run of 100,000 steps
at a first cadence of 50 with 256 slots ends with a cadence of 800 and 126 to 256 records.

The final step is recorded too, off the grid if need be; it is the first to go at the next
compaction (an extended run continues the same slots).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

__all__ = ["Slots"]


class Slots:
    """Records of named tensors at a doubling cadence, at most ``slots`` of them.

    Args:
        slots: Records kept at most (>= 2).
        every: The first cadence, in optimizer steps (>= 1).

    Example:
        >>> s = Slots(slots=4, every=1)
        >>> for step in range(10):
        ...     if s.due(step):
        ...         s.add(step, {"x": torch.tensor([float(step)])})
        >>> s.steps, s.cadence
        ([0, 4, 8], 4)
    """

    def __init__(self, *, slots: int, every: int) -> None:
        if not isinstance(slots, int) or slots < 2:
            raise ValueError(f"slots must be an int >= 2; got {slots=}")
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be an int >= 1 (steps between records); got {every=}")
        self.slots, self.every = slots, every
        self.clear()

    def clear(self) -> None:
        self.cadence = self.every
        self.steps: list[int] = []
        self.values: dict[str, torch.Tensor] = {}  # name -> (slots, *shape), rows [:len(steps)] in use

    def __len__(self) -> int:
        return len(self.steps)

    def due(self, step: int) -> bool:
        """Whether ``step`` is on the grid (and not recorded already)."""
        return step % self.cadence == 0 and (not self.steps or self.steps[-1] != step)

    def add(self, step: int, record: Mapping[str, torch.Tensor]) -> None:
        """Store ``record`` (the same names and shapes every time) at ``step``; when the slots
        are full, every other record goes first and the cadence doubles."""
        if self.steps and step <= self.steps[-1]:
            raise ValueError(f"records must move forward: step {step} after step {self.steps[-1]}")
        if len(self.steps) == self.slots:
            self._compact()
            if len(self.steps) == self.slots:  # every kept step is still on the new grid: drop the oldest
                self._keep(list(range(1, self.slots)))
        n = len(self.steps)
        for name, value in record.items():
            value = value.detach()
            if name not in self.values:
                self.values[name] = torch.zeros((self.slots, *value.shape), dtype=value.dtype, device=value.device)
            self.values[name][n] = value
        self.steps.append(step)

    def add_final(self, step: int, record: Mapping[str, torch.Tensor]) -> None:
        """Store the run's last step, on the grid or not (nothing when it is recorded already)."""
        if not self.steps or self.steps[-1] < step:
            self.add(step, record)

    def _compact(self) -> None:
        self.cadence *= 2
        self._keep([i for i, s in enumerate(self.steps) if s % self.cadence == 0])

    def _keep(self, rows: list[int]) -> None:
        index = torch.tensor(rows, dtype=torch.long)
        for v in self.values.values():
            kept = v[index.to(v.device)]
            v.zero_()
            v[: len(rows)] = kept
        self.steps = [self.steps[i] for i in rows]

    def arrays(self) -> dict[str, torch.Tensor]:
        """The records in use, as CPU tensors ``(records, *shape)``, plus ``steps``."""
        n = len(self.steps)
        out = {name: v[:n].cpu() for name, v in self.values.items()}
        out["steps"] = torch.tensor(self.steps, dtype=torch.long)
        return out

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue (stored in each resume point)."""
        return {"cadence": self.cadence, "steps": list(self.steps), "values": dict(self.values)}

    def load_state_dict(self, state: Mapping[str, Any], device: torch.device | None = None) -> None:
        self.cadence, self.steps = int(state["cadence"]), [int(s) for s in state["steps"]]
        self.values = {k: v.to(device) if device is not None else v for k, v in state["values"].items()}
