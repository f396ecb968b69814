"""nnrecipe: disciplined neural-network training for PyTorch.

Audit the data, run the sanity checks that catch silent training bugs, train with a compact
trainer and Keras-style callbacks, and tune the way the Deep Learning Tuning Playbook says.
"""

from ._audit import AuditConfig, AuditReport, Finding, audit
from ._checks import (
    DEFAULT_CHECKS,
    Check,
    CheckContext,
    CheckOptions,
    CheckReport,
    CheckResult,
    check,
    fix_last_layer_init,
    select_checks,
)
from ._core._config import TrainConfig
from ._core._data import DataSource, TensorData, as_source
from ._core._errors import CheckpointError, ConfigError, DataError, NnrecipeError
from ._core._experiment import Experiment, build_model, load_experiment
from ._core._evaluate import evaluate
from ._train._fit import fit, fit_experiment
from ._core._losses import resolve_loss
from ._core._metrics import Metric, resolve_metrics
from ._core._task import TaskKind, infer_task
from ._train._trainer import FitResult, Trainer
from ._tune import Analysis, Budget, Goal, Param, SamplerSpec, Space, Study, TuneResult, adopt, analyze, load_study, tune
from . import callbacks, models

__version__ = "0.1.0"

__all__ = [
    "audit",
    "AuditConfig",
    "AuditReport",
    "Finding",
    "check",
    "Check",
    "CheckContext",
    "CheckOptions",
    "DEFAULT_CHECKS",
    "select_checks",
    "CheckReport",
    "CheckResult",
    "fix_last_layer_init",
    "fit",
    "fit_experiment",
    "evaluate",
    "Trainer",
    "FitResult",
    "callbacks",
    "models",
    "TrainConfig",
    "Experiment",
    "load_experiment",
    "build_model",
    "DataSource",
    "TensorData",
    "as_source",
    "Metric",
    "resolve_metrics",
    "resolve_loss",
    "TaskKind",
    "infer_task",
    "NnrecipeError",
    "DataError",
    "ConfigError",
    "CheckpointError",
    "Study",
    "Goal",
    "Budget",
    "Param",
    "Space",
    "SamplerSpec",
    "load_study",
    "tune",
    "adopt",
    "analyze",
    "Analysis",
    "TuneResult",
]
