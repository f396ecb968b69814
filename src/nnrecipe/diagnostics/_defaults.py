"""Which diagnostics a run gets without asking, and why those.

Every diagnostic is on by default in a run that has a run folder (``fit``,
``fit_experiment``, ``nnrecipe fit``, tuning trials), because each is cheap:

- the recorded ones (:class:`PredictionDynamics`, :class:`FirstLayerWeights`,
  :class:`ActivationStatistics`, :class:`GradientNorms`) measure on a fixed batch of 64
  examples at the run's ``log_every`` cadence (doubling as the run grows), so they cost a
  few forward passes every 50 steps and nothing in between;
- :class:`Interpretation` runs once, at the end: one pass over the validation set, like one
  more validation.

``benchmarks/trainer_overhead.py`` measures the total against the same run without them.
A run without a folder (``runs_dir=None``: the checks, quick experiments) gets none unless
asked (``diagnostics=True``), and ``diagnostics=False`` turns them off
(``nnrecipe fit --no-diagnostics``). A callback of one of these types given in
``callbacks`` replaces the default one of its type (to change its cadence, say).
"""

from __future__ import annotations

from ..callbacks import Callback
from ._activations import ActivationStatistics
from ._first_layer import FirstLayerWeights
from ._interpretation import Interpretation
from ._norms import GradientNorms
from ._predictions import PredictionDynamics

__all__ = ["DIAGNOSTICS", "default_diagnostics"]

DIAGNOSTICS: tuple[type[Callback], ...] = (PredictionDynamics, FirstLayerWeights, ActivationStatistics, GradientNorms, Interpretation)


def default_diagnostics(given: tuple[Callback, ...] | list[Callback] = ()) -> list[Callback]:
    """A fresh instance of each default diagnostic whose type is not among ``given``.

    Example:
        >>> [type(cb).__name__ for cb in default_diagnostics([GradientNorms(every=5)])]
        ['PredictionDynamics', 'FirstLayerWeights', 'ActivationStatistics', 'Interpretation']
    """
    have = {type(cb) for cb in given}
    return [kind() for kind in DIAGNOSTICS if kind not in have]
