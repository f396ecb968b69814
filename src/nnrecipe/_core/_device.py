"""Choosing the device and the number of CPU threads."""

from __future__ import annotations

import logging
import os

import torch

from ._config import DeviceName
from ._errors import ConfigError

__all__ = ["resolve_device", "choose_threads"]

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


def choose_threads(num_params: int, requested: int | None) -> int:
    """Threads for a CPU run: what was asked, else 1 for small models, else all cores."""
    if requested is not None:
        return requested
    if num_params < SMALL_MODEL_PARAMS:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
