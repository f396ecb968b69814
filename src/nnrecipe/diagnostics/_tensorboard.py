"""TensorBoard pictures of the diagnostics, in the run's own TensorBoard folder.

Each diagnostic that draws writes its pictures once, at the end of the run, into an event
file of its own next to the run log's (TensorBoard reads every file of a folder), so a run
killed before its end leaves no half of them.
"""

from __future__ import annotations

import logging
from typing import Any

from ..callbacks import TrainerState

__all__ = ["tensorboard_writer"]

log = logging.getLogger(__name__)


def tensorboard_writer(state: TrainerState, suffix: str) -> Any:
    """A ``SummaryWriter`` into ``<run>/tensorboard`` (close it, or use it in ``with``), or
    ``None`` when the run writes no TensorBoard files."""
    if state.run_dir is None or state.config is None or not state.config.tensorboard:
        return None
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # pragma: no cover - tensorboard is a dependency
        log.warning("tensorboard is not installed; no diagnostics pictures in TensorBoard (pip install tensorboard)")
        return None
    return SummaryWriter(str(state.run_dir / "tensorboard"), filename_suffix=f".{suffix}")
