"""nnrecipe: disciplined neural-network training for PyTorch.

Audit the data, run the sanity checks that catch silent training bugs, train with a compact
trainer and Keras-style callbacks, and tune the way the Deep Learning Tuning Playbook says.

The top level holds what a user calls: the stage functions (:func:`audit`, :func:`check`,
:func:`fit`, :func:`fit_experiment`, :func:`evaluate`, :func:`tune`, :func:`adopt`,
:func:`analyze`, :func:`ensemble`, :func:`report`), the objects they take (:class:`Experiment`, :class:`TrainConfig`,
:class:`Trainer`, :class:`Study`), every type they return, and the errors. Plumbing lives
in small namespaces: :mod:`nnrecipe.callbacks`, :mod:`nnrecipe.data`, :mod:`nnrecipe.losses`,
:mod:`nnrecipe.metrics`, :mod:`nnrecipe.models`, :mod:`nnrecipe.datasets`,
:mod:`nnrecipe.runs`, :mod:`nnrecipe.diagnostics`, :mod:`nnrecipe.distributed`, :mod:`nnrecipe.auditing`, :mod:`nnrecipe.ensembling`, :mod:`nnrecipe.checking`, :mod:`nnrecipe.reporting`, :mod:`nnrecipe.tuning`, :mod:`nnrecipe.demo`.

Names are imported on first use (PEP 562), so ``import nnrecipe`` and ``nnrecipe --help``
do not pay for torch, Optuna or matplotlib until something needs them.

Example:
    >>> import nnrecipe
    >>> nnrecipe.TrainConfig(lr=1e-3).lr
    0.001
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Where each public name is defined. `__all__` and the TYPE_CHECKING imports below (for mypy
# and linters) list the same names; tests/test_public_api.py keeps the three equal.
_EXPORTS: dict[str, str] = {
    "audit": "._audit",
    "AuditConfig": "._audit",
    "AuditReport": "._audit",
    "Finding": "._audit",
    "check": "._checks",
    "CheckReport": "._checks",
    "CheckResult": "._checks",
    "fix_last_layer_init": "._checks",
    "LastLayerFix": "._checks",
    "CheckOptions": "._checks",
    "fit": "._train._fit",
    "fit_experiment": "._train._fit",
    "Trainer": "._train._trainer",
    "FitResult": "._train._trainer",
    "evaluate": "._core._evaluate",
    "TrainConfig": "._core._config",
    "Experiment": "._core._experiment",
    "load_experiment": "._core._experiment",
    "NnrecipeError": "._core._errors",
    "ConfigError": "._core._errors",
    "DataError": "._core._errors",
    "CheckpointError": "._core._errors",
    "RunError": "._core._errors",
    "Study": "._tune",
    "load_study": "._tune",
    "tune": "._tune",
    "adopt": "._tune",
    "analyze": "._tune",
    "Analysis": "._tune",
    "TuneResult": "._tune",
    "report": "._report",
    "Report": "._report",
    "ensemble": "._ensemble",
    "Ensemble": "._ensemble",
    "EnsembleOptions": "._ensemble",
    "EnsembleResult": "._ensemble",
}
_NAMESPACES = ("auditing", "callbacks", "data", "datasets", "demo", "diagnostics", "distributed", "ensembling", "losses", "metrics", "checking", "models", "reporting", "runs", "tuning")

# Names that used to be top-level, and the namespace that holds them now.
_MOVED: dict[str, str] = {
    **dict.fromkeys(("DataSource", "TensorData", "as_source", "TaskKind", "infer_task"), "data"),
    **dict.fromkeys(("resolve_loss",), "losses"),
    **dict.fromkeys(("Metric", "resolve_metrics"), "metrics"),
    **dict.fromkeys(("build_model",), "models"),
    **dict.fromkeys(("Goal", "Budget", "Param", "Space", "SamplerSpec", "render_text", "save_plots"), "tuning"),
}

__all__ = [  # noqa: RUF022  (grouped by what a user does, not sorted)
    "__version__",
    # the stages
    "audit", "check", "fix_last_layer_init", "fit", "fit_experiment", "evaluate", "tune", "adopt", "analyze",
    "ensemble", "report",
    # what they take
    "Experiment", "load_experiment", "TrainConfig", "Trainer", "Study", "load_study", "AuditConfig", "CheckOptions",
    "EnsembleOptions",
    # what they return
    "FitResult", "CheckReport", "CheckResult", "LastLayerFix", "AuditReport", "Finding", "Analysis", "TuneResult",
    "Report", "EnsembleResult", "Ensemble",
    # what they raise
    "NnrecipeError", "ConfigError", "DataError", "CheckpointError", "RunError",
    # the namespaces
    "auditing", "callbacks", "data", "datasets", "demo", "diagnostics", "distributed", "ensembling", "losses", "metrics", "checking", "models", "reporting", "runs",
    "tuning",
]  # fmt: skip

if TYPE_CHECKING:
    from . import (
        auditing,
        callbacks,
        checking,
        data,
        datasets,
        demo,
        diagnostics,
        distributed,
        ensembling,
        losses,
        metrics,
        models,
        reporting,
        runs,
        tuning,
    )
    from ._audit import AuditConfig, AuditReport, Finding, audit
    from ._checks import (
        CheckOptions,
        CheckReport,
        CheckResult,
        LastLayerFix,
        check,
        fix_last_layer_init,
    )
    from ._core._config import TrainConfig
    from ._core._errors import CheckpointError, ConfigError, DataError, NnrecipeError, RunError
    from ._core._evaluate import evaluate
    from ._core._experiment import Experiment, load_experiment
    from ._ensemble import Ensemble, EnsembleOptions, EnsembleResult, ensemble
    from ._report import Report, report
    from ._train._fit import fit, fit_experiment
    from ._train._trainer import FitResult, Trainer
    from ._tune import Analysis, Study, TuneResult, adopt, analyze, load_study, tune
else:  # mypy reads the imports above; at run time names load on first use

    def __getattr__(name: str) -> Any:
        if name in _NAMESPACES:
            return importlib.import_module(f".{name}", __name__)
        if name in _EXPORTS:
            value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
            globals()[name] = value  # later lookups are plain attribute reads
            return value
        if name in _MOVED:
            raise AttributeError(f"nnrecipe.{name} moved: use nnrecipe.{_MOVED[name]}.{name}")
        raise AttributeError(f"module 'nnrecipe' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
