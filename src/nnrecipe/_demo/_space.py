"""What the demo's study searches, and what it holds fixed: a practitioner's first study.

The fixed choices are the defaults a practitioner picks for a small convnet without
tuning anything (AdamW with a one-cycle schedule, batch 64); the searched ranges are the
textbook ones, wide enough that the study has to find the settings itself: the learning
rate over two decades around 3e-3 (the usual one-cycle peak for Adam), AdamW's weight
decay over three decades around its PyTorch default of 1e-2, label smoothing from none to
0.2. Nothing here was tuned on MNIST-1D.
"""

from __future__ import annotations

from typing import Any

from .._tune._space import Param, Space

__all__ = ["BASELINE", "RECIPE_CHOICES", "search_space"]

# Fixed in every trial: the recipe's choices, not tuned.
RECIPE_CHOICES: dict[str, Any] = {"optimizer": "adamw", "schedule": "onecycle", "batch_size": 64}

# The recipe's defaults ("don't be a hero": Adam at 3e-4, constant rate, no regularisation):
# the baseline every trial is compared with, at the same number of steps.
BASELINE: dict[str, Any] = {"optimizer": "adam", "schedule": "constant", "lr": 3e-4, "weight_decay": 0.0, "label_smoothing": 0.0, "batch_size": 64}


def search_space() -> Space:
    """The nuisance hyperparameters the demo's study tunes.

    Example:
        >>> search_space().names
        ('lr', 'weight_decay', 'label_smoothing')
    """
    return Space((
        Param(name="lr", kind="log", low=3e-4, high=3e-2),
        Param(name="weight_decay", kind="log", low=1e-4, high=1e-1),
        Param(name="label_smoothing", kind="linear", low=0.0, high=0.2),
    ))
