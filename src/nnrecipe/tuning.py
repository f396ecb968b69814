"""The pieces of a tuning study and of its analysis, beyond the top-level stage functions.

``nnrecipe.tune``, ``nnrecipe.adopt``, ``nnrecipe.analyze``, ``nnrecipe.load_study`` and
``nnrecipe.Study`` run a study; this namespace holds what a study is built from in Python
(:class:`Goal`, :class:`Param`, :class:`Space`, :class:`Budget`, :class:`SamplerSpec`), the
types an :class:`~nnrecipe.Analysis` and a :class:`~nnrecipe.TuneResult` are made of, and
the two renderers.

Example:
    >>> from nnrecipe.tuning import Param, Space
    >>> Space((Param(name="lr", kind="log", low=1e-4, high=1e-1),)).names
    ('lr',)
"""

from ._tune._adoption import Adoption
from ._tune._axes import AxisInfo, AxisPoint
from ._tune._best_of_k import BestOfK
from ._tune._curves import CurveDiagnosis
from ._tune._edges import EdgeTrend
from ._tune._final_test import FinalTest, final_test
from ._tune._halton import HaltonSampler
from ._tune._isolation import IsolationInfo, IsolationPoint
from ._tune._records import TrialRecord
from ._tune._render_png import save_plots
from ._tune._render_text import render_text
from ._tune._samplers import SamplerSpec
from ._tune._space import Param, Space
from ._tune._stability import StabilityAdvice
from ._tune._study import Budget, Goal
from ._tune._study_file import study_from_dict
from ._tune._train_length import TrainLength
from ._tune._validate import validate_study

__all__ = [
    "Adoption",
    "AxisInfo",
    "AxisPoint",
    "BestOfK",
    "Budget",
    "CurveDiagnosis",
    "EdgeTrend",
    "FinalTest",
    "Goal",
    "HaltonSampler",
    "IsolationInfo",
    "IsolationPoint",
    "Param",
    "SamplerSpec",
    "Space",
    "StabilityAdvice",
    "TrainLength",
    "TrialRecord",
    "final_test",
    "render_text",
    "save_plots",
    "study_from_dict",
    "validate_study",
]
