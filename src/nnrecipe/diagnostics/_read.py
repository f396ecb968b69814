"""Reading a run's diagnostics back: every kind it recorded, as typed data."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import torch

from ._data import (
    ActivationData,
    FirstLayerData,
    NormData,
    PredictionData,
    activation_data,
    first_layer_data,
    norm_data,
    prediction_data,
)
from ._interpretation_data import InterpretationData, interpretation_data
from ._store import FOLDER, read_kind

__all__ = ["RunDiagnostics", "read_diagnostics"]

_Reader = Callable[[Mapping[str, Any], Mapping[str, torch.Tensor]], Any]
_KINDS: dict[str, tuple[str, _Reader]] = {
    "predictions": ("predictions", prediction_data),
    "first_layer": ("first_layer", first_layer_data),
    "activations": ("activations", activation_data),
    "norms": ("norms", norm_data),
    "interpretation": ("interpretation", interpretation_data),
}


@dataclasses.dataclass(frozen=True, eq=False)
class RunDiagnostics:
    """Everything a run's diagnostics recorded; a part is ``None`` when it was not recorded.

    Attributes:
        run_dir: The run folder.
        predictions: Prediction dynamics on the fixed batch.
        first_layer: Snapshots of the first layer's weights.
        activations: Activation statistics per layer.
        norms: Gradient, update and weight norms per layer, and the learning rate.
        interpretation: Confusion, per-class metrics, worst examples, regression scatter.
        problems: ``(kind, reason)`` for each part whose files could not be read.
    """

    run_dir: str
    predictions: PredictionData | None = None
    first_layer: FirstLayerData | None = None
    activations: ActivationData | None = None
    norms: NormData | None = None
    interpretation: InterpretationData | None = None
    problems: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing recorded and nothing damaged: the run kept no diagnostics."""
        return not self.problems and all(getattr(self, f) is None for f in _KINDS)


def read_diagnostics(run_dir: str | Path) -> RunDiagnostics:
    """Read ``<run>/diagnostics/``; a damaged part is listed in ``problems``, never raised.

    Example:
        >>> import tempfile, torch, nnrecipe
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> run = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), val=(X, y), runs_dir=tempfile.mkdtemp()).run_dir
        >>> d = read_diagnostics(run)
        >>> d.predictions.p_true.shape, d.interpretation.confusion.shape, d.problems
        ((2, 64), (2, 2), ())
    """
    run_dir = Path(run_dir)
    parts: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for field, (kind, make) in _KINDS.items():
        try:
            found = read_kind(run_dir, kind)
            parts[field] = None if found is None else make(*found)
        except ValueError as e:
            problems.append((kind, str(e)))
        except (KeyError, TypeError, IndexError) as e:
            problems.append((kind, f"{run_dir / FOLDER / kind}.json lacks or mistypes {e}; it was written by another nnrecipe version"))
    return RunDiagnostics(str(run_dir), problems=tuple(problems), **parts)
