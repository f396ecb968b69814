"""Callbacks with Keras semantics, one per module.

Example:
    >>> from nnrecipe.callbacks import EarlyStopping, ModelCheckpoint
    >>> callbacks = [EarlyStopping(patience=5), ModelCheckpoint(save_top_k=3)]
"""

from ._base import Callback, MonitorCallback, TrainerState
from ._early_stopping import EarlyStopping
from ._model_checkpoint import ModelCheckpoint, best_checkpoint
from ._progress import ProgressBar
from ._reduce_lr import ReduceLROnPlateau
from ._terminate_on_nan import TerminateOnNaN

__all__ = [
    "Callback",
    "EarlyStopping",
    "ModelCheckpoint",
    "MonitorCallback",
    "ProgressBar",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
    "TrainerState",
    "best_checkpoint",
]
