"""The parts of an ensemble, beyond :func:`nnrecipe.ensemble`, :class:`nnrecipe.Ensemble`,
:class:`nnrecipe.EnsembleOptions` and :class:`nnrecipe.EnsembleResult`.

Every run stores its validation and test predictions in ``<run>/predictions/``
(:func:`read_predictions` reads them, :func:`store_predictions` stores them for a run
trained before runs did); an :class:`~nnrecipe.EnsembleResult` is made of the types below,
and :func:`render_text` puts it in words.

Example:
    >>> from nnrecipe.ensembling import ENSEMBLE_FILE
    >>> ENSEMBLE_FILE
    'ensemble.json'
"""

from ._ensemble import (
    ENSEMBLE_FILE,
    Evaluation,
    Excluded,
    Member,
    MethodResult,
    OutputRule,
    Predictions,
    SelectionStep,
    SplitPredictions,
    read_predictions,
    render_text,
    store_predictions,
)

__all__ = [
    "ENSEMBLE_FILE",
    "Evaluation",
    "Excluded",
    "Member",
    "MethodResult",
    "OutputRule",
    "Predictions",
    "SelectionStep",
    "SplitPredictions",
    "read_predictions",
    "render_text",
    "store_predictions",
]
