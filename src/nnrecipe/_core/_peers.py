"""What the processes of one run tell each other, so that they never disagree or wait forever.

A run of N processes makes every decision from values that are the same bits on every
process (reduced across them, or computed on rank 0 and shared). What rank 0 does alone
(making the run folder, reading a resume point) shares its failure too (:func:`on_main`), so
the others raise the same error instead of waiting. A process that fails inside the loop
exits, and torchrun takes down the others. The trainer's collectives are few: the gradient
averaging of ``DistributedDataParallel``, one sum of the step's loss (started before the
backward pass, so it overlaps with it; on CUDA the host never waits for it), two per
validation, and some at the start.

Objects travel between our own processes with ``torch.distributed``'s object collectives
(pickle, in memory); nothing read from a file is ever unpickled. Torch is imported where a
collective runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import CheckpointError, ConfigError, DataError, NnrecipeError, RunError
from ._world import World, world

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = ["Peers", "agree", "on_main", "peers"]

T = TypeVar("T")
_SHARED: dict[str, type[NnrecipeError]] = {cls.__name__: cls for cls in (ConfigError, DataError, CheckpointError, RunError)}


class Peers:
    """The processes of a run, as the trainer talks to them (only made for two or more).

    Args:
        here: This process's place (``size`` >= 2, the group joined).
    """

    def __init__(self, here: World) -> None:
        import torch.distributed

        self.dist = torch.distributed
        self.rank, self.size, self.is_main = here.rank, here.size, here.is_main

    def start_sum(self, tensor: torch.Tensor) -> Callable[[], torch.Tensor]:
        """Start summing ``tensor`` over the processes; the returned function waits for the sum.

        On CUDA the wait only orders the device's work (the host does not block).
        """
        total = tensor.detach().clone()
        work = self.dist.all_reduce(total, async_op=True)
        assert work is not None

        def done() -> torch.Tensor:
            work.wait()
            return total

        return done

    def total(self, tensor: torch.Tensor) -> torch.Tensor:
        """The sum of ``tensor`` over the processes, the same bits on every one (summed on
        rank 0, then sent from there)."""
        total = tensor.detach().clone()
        self.dist.reduce(total, dst=0)
        self.dist.broadcast(total, src=0)
        return total

    def from_main(self, obj: T) -> T:
        """Rank 0's ``obj`` on every process."""
        box = [obj if self.is_main else None]
        self.dist.broadcast_object_list(box, src=0)
        return box[0]  # type: ignore[return-value]

    def sync_buffers(self, model: nn.Module) -> None:
        """Rank 0's buffers (batch norm's running statistics) on every process, so that every
        process evaluates, and ends with, the same model."""
        for buffer in model.buffers():
            self.dist.broadcast(buffer, src=0)


def peers() -> Peers | None:
    """The run's peers when this process trains with others (the group joined), else ``None``."""
    dist = sys.modules.get("torch.distributed")  # not imported: no group can exist
    if dist is None or not dist.is_available() or not dist.is_initialized():  # type: ignore[attr-defined]
        return None
    here = world()
    return Peers(here) if here.size > 1 else None


def _failure(outcomes: list[tuple[str, str] | None]) -> Exception | None:
    """The error to raise where this process succeeded: the first failing rank's, same kind."""
    failed = next(((rank, o) for rank, o in enumerate(outcomes) if o is not None), None)
    if failed is None:
        return None
    rank, (kind, message) = failed
    cls = _SHARED.get(kind)
    if cls is not None:
        return cls(f"rank {rank}: {message}" if rank else message)
    return RuntimeError(f"rank {rank} failed with {kind}: {message}")


def on_main(group: Peers | None, fn: Callable[[], T]) -> T:
    """``fn()`` on rank 0 only, its result (or its failure) shared with every process."""
    if group is None:
        return fn()
    outcome: Any
    if not group.is_main:
        outcome = group.from_main(None)
    else:
        try:
            result = fn()
        except Exception as e:
            group.from_main(("failed", (type(e).__name__, str(e))))
            raise
        outcome = group.from_main(("ok", result))
    kind, value = outcome
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    failure = _failure([value])
    assert failure is not None
    raise failure


def agree(group: Peers | None, parts: Mapping[str, str]) -> None:
    """Every process holds the same ``parts`` (digests of what it is about to train).

    Raises:
        ConfigError: On every process, naming the ranks and the parts that differ from rank 0's.
    """
    if group is None:
        return
    everyone: list[Any] = [None] * group.size
    group.dist.all_gather_object(everyone, dict(parts))
    main = everyone[0]
    differ = {rank: sorted(k for k in main.keys() | theirs.keys() if main.get(k) != theirs.get(k)) for rank, theirs in enumerate(everyone)}
    differ = {rank: keys for rank, keys in differ.items() if keys}
    if differ:
        shown = "; ".join(f"rank {rank}'s {', '.join(keys)}" for rank, keys in differ.items())
        raise ConfigError(
            f"the {group.size} processes are not training the same experiment: {shown} differ from rank 0's. "
            "Start every process with the same experiment file, --set values and data"
        )
