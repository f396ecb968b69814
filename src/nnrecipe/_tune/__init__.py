"""Tuning the way the Deep Learning Tuning Playbook prescribes, on top of Optuna.

A study (:func:`load_study`) declares its goal and its scientific, nuisance and fixed
hyperparameters; :func:`tune` runs it with quasi-random exploration or Bayesian
exploitation on a shared storage; :func:`analyze` turns the trials into the playbook's
analyses as plain data, which :func:`render_text` and :func:`save_plots` present;
:func:`final_test` evaluates the test split once, on the chosen trial's best checkpoint.
"""

from ._analysis import Analysis, analyze
from ._final_test import FinalTest, final_test
from ._halton import HaltonSampler
from ._render_png import save_plots
from ._render_text import render_text
from ._samplers import SamplerSpec
from ._space import Param, Space
from ._study import Budget, Goal, Study
from ._study_file import load_study, study_from_dict
from ._tuning import TuneResult, adopt, tune
from ._validate import validate_study

__all__ = [
    "Analysis",
    "Budget",
    "FinalTest",
    "Goal",
    "HaltonSampler",
    "Param",
    "SamplerSpec",
    "Space",
    "Study",
    "TuneResult",
    "adopt",
    "analyze",
    "final_test",
    "load_study",
    "render_text",
    "save_plots",
    "study_from_dict",
    "tune",
    "validate_study",
]
