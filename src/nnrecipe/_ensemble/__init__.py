"""Ensembles of finished runs and trials, selected from their stored predictions.

Every run stores its validation and test predictions (``_store``); :func:`ensemble` reads
them, averages the best models and runs Caruana's greedy selection on validation only,
and reports the gain over the best single model on test with a bootstrap interval; the
result is saved as JSON, and :class:`Ensemble` rebuilds it for prediction.
"""

from ._ensemble import ensemble
from ._model import Ensemble, Evaluation
from ._options import EnsembleOptions
from ._outputs import OutputRule
from ._predictions import Predictions, SplitPredictions, read_predictions
from ._render_text import render_text
from ._result import ENSEMBLE_FILE, EnsembleResult, Excluded, Member, MethodResult
from ._selection import SelectionStep
from ._store import store_predictions

__all__ = [
    "ENSEMBLE_FILE",
    "Ensemble",
    "EnsembleOptions",
    "EnsembleResult",
    "Evaluation",
    "Excluded",
    "Member",
    "MethodResult",
    "OutputRule",
    "Predictions",
    "SelectionStep",
    "SplitPredictions",
    "ensemble",
    "read_predictions",
    "render_text",
    "store_predictions",
]
