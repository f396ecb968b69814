"""Diagnostics during training: what the recipe asks to look at, recorded as the run goes.

Callbacks, one per module, all on by default in runs that have a folder (see
:func:`default_diagnostics` for the policy and their cost):

- :class:`PredictionDynamics`: predictions on a fixed batch over training;
- :class:`FirstLayerWeights`: the first layer's filters or rows, as pictures;
- :class:`ActivationStatistics`: mean, std, saturated and dead shares per layer;
- :class:`GradientNorms`: gradient, update and weight norms per layer, and the learning rate;
- :class:`Interpretation`: after training, confusion, per-class metrics, the worst
  examples and the regression scatter, from the best weights.

Storage is bounded by design (a fixed number of records per series, the cadence doubling
when they fill up) and lives in ``<run>/diagnostics/`` as safetensors and JSON;
:func:`read_diagnostics` reads it back as typed data.

Example:
    >>> from nnrecipe.diagnostics import GradientNorms, read_diagnostics
    >>> callbacks = [GradientNorms(every=10)]  # replaces the default one: records every 10 steps
"""

from ._activations import ActivationStatistics
from ._data import ActivationData, FirstLayerData, NormData, PredictionData
from ._defaults import default_diagnostics
from ._first_layer import FirstLayerWeights
from ._interpretation import Interpretation
from ._interpretation_data import ClassMetrics, InterpretationData, Scatter, TopLosses
from ._norms import GradientNorms
from ._predictions import PredictionDynamics
from ._read import RunDiagnostics, read_diagnostics

__all__ = [
    "ActivationData",
    "ActivationStatistics",
    "ClassMetrics",
    "FirstLayerData",
    "FirstLayerWeights",
    "GradientNorms",
    "Interpretation",
    "InterpretationData",
    "NormData",
    "PredictionData",
    "PredictionDynamics",
    "RunDiagnostics",
    "Scatter",
    "TopLosses",
    "default_diagnostics",
    "read_diagnostics",
]
