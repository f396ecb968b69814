"""Choosing the device and the number of CPU threads."""

from __future__ import annotations

import logging
import os

import torch

from ._config import DeviceName
from ._errors import ConfigError
from ._world import World

__all__ = ["choose_threads", "cores", "device_for", "resolve_device"]

log = logging.getLogger(__name__)

# Below this many parameters a process trains on one thread. benchmarks/threads.py on the
# 2-core machine: quiet, one thread is as fast as two for the MLP and GRU (1.01x, 1.05x) and
# 13% slower for the 100k-parameter CNN; with other work on the machine (parallel tuning
# trials, a second job) two threads were 1.7x to 22x slower for every one of them. One
# thread is also what parallel tuning workers need.
SMALL_MODEL_PARAMS = 1_000_000


def resolve_device(device: DeviceName) -> torch.device:
    """``"auto"`` picks CUDA, then MPS, then the CPU; an explicit device must exist.

    Raises:
        ConfigError: The requested device is not available on this machine.
    """
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device='cuda' was requested but no CUDA device is available; use device='auto' or 'cpu'")
    if device == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ConfigError("device='mps' was requested but MPS is not available; use device='auto' or 'cpu'")
    return torch.device(device)


def device_for(device: torch.device, here: World) -> torch.device:
    """The device process ``here`` trains on: GPU ``LOCAL_RANK`` on CUDA, else ``device``.

    Raises:
        ConfigError: Several processes and no ``torch.distributed`` backend for this device
            (NCCL for CUDA, gloo for the CPU, none for MPS), or fewer GPUs than processes.
    """
    if here.size == 1:
        return device
    import torch.distributed as dist

    if device.type == "cuda":
        if not dist.is_nccl_available():
            raise ConfigError(
                f"{here.size} processes on CUDA need the NCCL backend, which this PyTorch build lacks; "
                "use device='cpu' (gloo) or install a build with NCCL"
            )
        gpus = torch.cuda.device_count()
        if here.local_rank >= gpus:
            raise ConfigError(
                f"LOCAL_RANK={here.local_rank} has no GPU of its own: this machine has {gpus} CUDA device(s); "
                f"start at most {gpus} processes on it (torchrun --nproc-per-node {gpus})"
            )
        return torch.device("cuda", here.local_rank)
    if device.type == "cpu":
        if not dist.is_gloo_available():
            raise ConfigError(f"{here.size} processes on the CPU need the gloo backend, which this PyTorch build lacks; install one that has it")
        return device
    raise ConfigError(
        f"device={device.type!r} has no torch.distributed backend, so {here.size} processes cannot train on it "
        "together; use device='cpu' (gloo) or CUDA GPUs (NCCL), or run one process without torchrun"
    )


def choose_threads(num_params: int, requested: int | None, local_processes: int = 1) -> int:
    """Threads for a CPU run: what was asked, else 1 for small models, else this process's
    share of the cores (all of them, divided among the ``local_processes`` torchrun started
    on this machine: more threads than cores collapses throughput several times).

    Example:
        >>> choose_threads(10_000_000, None, local_processes=cores()) == choose_threads(100, None) == 1
        True
    """
    if requested is not None:
        return requested
    if num_params < SMALL_MODEL_PARAMS:
        return 1
    return max(1, cores() // local_processes)


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
