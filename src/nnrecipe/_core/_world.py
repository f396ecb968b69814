"""Which process this is among the ones ``torchrun`` started, and joining their process group.

``torchrun --nproc-per-node N`` (PyTorch's own launcher; nnrecipe has none) starts N copies
of the command with ``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``,
``MASTER_ADDR`` and ``MASTER_PORT`` set. :func:`world` reads them; :func:`join` forms the
process group once (gloo for CPU tensors, NCCL for CUDA ones where PyTorch has it), and
:func:`leave` takes it down at the end of a command. A process started any other way is
a world of one, and nothing here touches ``torch.distributed``.

Nothing here imports torch until a group is joined: the CLI asks :func:`world` before every
command, and ``nnrecipe --help`` stays light.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Iterator
from datetime import timedelta

from ._errors import ConfigError

__all__ = ["World", "alone", "by_itself", "join", "leave", "world"]

# Collectives that wait longer than this fail (a rank that died without torchrun noticing, a
# callback that stopped one rank only) instead of hanging; long enough for a slow validation.
TIMEOUT = timedelta(minutes=30)
_ENV = ("WORLD_SIZE", "RANK", "LOCAL_RANK", "LOCAL_WORLD_SIZE")
_joined = False  # whether nnrecipe formed the group (and so takes it down in leave())
_alone = False  # set by alone(): a single-process tool on rank 0 ignores torchrun's variables
_by_itself = 0  # depth of by_itself() blocks: what runs inside trains in this process only


@dataclasses.dataclass(frozen=True)
class World:
    """This process's place among the processes training together.

    Attributes:
        rank: This process's number, 0 to ``size - 1``; rank 0 writes the run folder and prints.
        size: How many processes train together (1 without torchrun).
        local_rank: Its number among the processes on this machine (its GPU index on CUDA).
        local_size: How many processes run on this machine (they share its cores).

    Example:
        >>> World(rank=1, size=4, local_rank=1, local_size=2).is_main
        False
    """

    rank: int = 0
    size: int = 1
    local_rank: int = 0
    local_size: int = 1

    @property
    def is_main(self) -> bool:
        """Rank 0: the one process that writes files and prints."""
        return self.rank == 0


def _env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "")
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"the environment variable {name}={text!r} is not a whole number; start the processes with torchrun") from None


def world() -> World:
    """This process's place, from the joined group or else from torchrun's environment.

    Raises:
        ConfigError: The variables torchrun sets are malformed or inconsistent.

    Example:
        >>> world().size >= 1
        True
    """
    if _alone:
        return World()
    if _by_itself:
        # Alone among its processes, still sharing this machine's cores (and using its own GPU).
        return World(local_rank=_env_int("LOCAL_RANK", 0), local_size=max(1, _env_int("LOCAL_WORLD_SIZE", 1)))
    size, rank = _env_int("WORLD_SIZE", 1), _env_int("RANK", 0)
    dist = sys.modules.get("torch.distributed")
    if dist is not None and dist.is_available() and dist.is_initialized():  # type: ignore[attr-defined]
        size, rank = dist.get_world_size(), dist.get_rank()  # type: ignore[attr-defined]  # a group formed by other means
    local_rank = _env_int("LOCAL_RANK", rank)
    local_size = _env_int("LOCAL_WORLD_SIZE", size)
    if size < 1 or not 0 <= rank < size or not 0 <= local_rank < local_size:
        shown = ", ".join(f"{k}={os.environ.get(k)}" for k in _ENV if k in os.environ)
        raise ConfigError(f"inconsistent process placement ({shown}): RANK must be below WORLD_SIZE; start the processes with torchrun")
    return World(rank, size, local_rank, local_size)


def alone() -> None:
    """From now on this process is a world of one, whatever torchrun set: a single-process
    tool (``check``, ``audit``, ``tune``...) run on rank 0 trains its short runs alone.

    Raises:
        ConfigError: A process group is formed already (then this process is not alone).
    """
    global _alone
    dist = sys.modules.get("torch.distributed")
    if dist is not None and dist.is_available() and dist.is_initialized():  # type: ignore[attr-defined]
        raise ConfigError("alone() after the process group was formed: call it before the first fit, or call leave() first")
    _alone = True


@contextlib.contextmanager
def by_itself() -> Iterator[None]:
    """Inside, this process is a world of one even when it belongs to a group: what trains
    there neither forms the group nor waits for the others. The sanity checks' short runs
    use it, so ``nnrecipe.check`` may be called on rank 0 alone inside a torchrun script.

    Example:
        >>> with by_itself():
        ...     world().size
        1
    """
    global _by_itself
    _by_itself += 1
    try:
        yield
    finally:
        _by_itself -= 1


def join() -> World:
    """Form the process group of the processes torchrun started (once; nothing for one process).

    The group carries CPU tensors over gloo and CUDA tensors over NCCL, so a run on either
    device uses the backend made for it; on CUDA this process uses GPU ``LOCAL_RANK``.

    Raises:
        ConfigError: No rendezvous address (``MASTER_ADDR``/``MASTER_PORT`` unset), no
            ``torch.distributed`` backend in this PyTorch build, or the rendezvous failed.
    """
    global _joined
    here = world()
    if here.size == 1:
        return here
    import torch
    import torch.distributed as dist

    if not dist.is_available():
        raise ConfigError("this PyTorch build has no torch.distributed; install a build that has it, or run one process without torchrun")
    if dist.is_initialized():
        return here  # formed already (by the user's code, or an earlier fit)
    missing = [k for k in ("MASTER_ADDR", "MASTER_PORT") if not os.environ.get(k)]
    if missing:
        raise ConfigError(
            f"WORLD_SIZE={here.size} is set but {' and '.join(missing)} is not: there is no rendezvous address. "
            "Start the processes with torchrun (`torchrun --nproc-per-node 2 -m nnrecipe fit EXPERIMENT`), "
            "which sets them, or unset WORLD_SIZE to train in one process"
        )
    backends = ["cpu:gloo"] if dist.is_gloo_available() else []
    if torch.cuda.is_available() and dist.is_nccl_available():
        backends.append("cuda:nccl")
        if here.local_rank < torch.cuda.device_count():
            torch.cuda.set_device(here.local_rank)  # before any CUDA work: each process on its own GPU
    if not backends:
        raise ConfigError("this PyTorch build has neither the gloo nor the NCCL backend; install one that has gloo (every CPU build does)")
    try:
        dist.init_process_group(",".join(backends), timeout=TIMEOUT)
    except (RuntimeError, ValueError) as e:  # a refused or unreachable rendezvous
        raise ConfigError(
            f"could not join the process group at {os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']} as rank "
            f"{here.rank} of {here.size}: {str(e).splitlines()[0] if str(e) else type(e).__name__}; check the "
            "rendezvous address and that every machine started the same torchrun command"
        ) from e
    _joined = True
    return here


def leave(*, together: bool = False) -> None:
    """Take down the process group if :func:`join` formed it (the end of a CLI command).

    A group the user's own code formed is theirs to take down.

    Args:
        together: Every process reached this point (a command that succeeded): wait for the
            others first, so that none takes the group down while a peer still talks to it
            (gloo can abort a process whose peer left mid-exchange). Never after a failure:
            a dead peer would make the wait last the collective timeout.
    """
    global _joined
    if not _joined:
        return
    _joined = False
    dist = sys.modules.get("torch.distributed")
    if dist is not None and dist.is_initialized():  # type: ignore[attr-defined]
        if together:
            dist.barrier()  # type: ignore[attr-defined]
        dist.destroy_process_group()  # type: ignore[attr-defined]
