"""The audit's summary as typed sections: frozen dataclasses of plain data, JSON both ways.

Each section is computed once by the module that owns it and read by attribute (the terminal
table, the pictures, the HTML report); ``to_dict`` gives JSON-ready data and ``from_dict``
rebuilds a section from it, so a saved ``audit.json`` comes back typed.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

__all__ = [
    "BaselineFigures",
    "ClassLabels",
    "Histogram",
    "LabelErrorSummary",
    "LeakageSummary",
    "NeighborSummary",
    "RegressionTargets",
    "ScaleSummary",
    "SequenceTargets",
    "SplitSummary",
    "StatisticSummary",
    "from_dict",
    "to_dict",
]


@dataclasses.dataclass(frozen=True)
class SplitSummary:
    """One split: examples passed, examples usable (decoded, finite), their shape and dtype."""

    examples: int
    usable: int
    shape: tuple[int, ...]
    dtype: str


@dataclasses.dataclass(frozen=True)
class ClassLabels:
    """Class labels: counts per split, the train prior and the output bias to start from.

    ``bias_init`` is ``log p(c)``: softmax logits that start there give the label entropy,
    ``expected_init_loss``, as the loss at initialisation. ``bias_init_sigmoid`` is the logit
    of class 1 for a binary task with a single output.
    """

    task: Literal["classification"]
    num_classes: int
    class_names: tuple[str, ...] | None
    counts: Mapping[str, tuple[int, ...]]
    prior: tuple[float, ...]
    imbalance: float
    absent_classes: tuple[int, ...]
    bias_init: tuple[float, ...]
    expected_init_loss: float
    bias_init_sigmoid: float | None = None


@dataclasses.dataclass(frozen=True)
class RegressionTargets:
    """Regression targets: per-output mean and std per split; the head starts at the train mean
    and the initial mean squared error is then the summed target variance."""

    task: Literal["regression"]
    mean: Mapping[str, tuple[float, ...]]
    std: Mapping[str, tuple[float, ...]]
    bias_init: tuple[float, ...] | None
    expected_init_loss: float


@dataclasses.dataclass(frozen=True)
class SequenceTargets:
    """One target per position of a sequence (next-token data, tagging).

    Attributes:
        task: ``"autoregressive"`` when the targets are the inputs one position ahead (or
            declared so), else ``"per_position"``.
        shift: The inferred shift ``s`` with ``y[t] = x[t + s]``, ``None`` if none.
        agreement: Chance-corrected agreement of ``y[t]`` with ``x[t + s]`` per shift tried.
        vocabulary: Distinct target values seen in train (whole-number targets), else 0.
        expected_init_loss: Entropy of the train target values (the loss of a model that
            starts at their frequencies), for whole-number targets.
    """

    task: Literal["autoregressive", "per_position"]
    shift: int | None
    agreement: Mapping[int, float]
    vocabulary: int
    expected_init_loss: float | None


@dataclasses.dataclass(frozen=True)
class ScaleSummary:
    """Input scale over the training split: global mean, std, range, and per-feature spread."""

    mean: float
    std: float
    min: float
    max: float
    constant_features: tuple[int, ...]
    feature_std_ratio: float


@dataclasses.dataclass(frozen=True)
class LeakageSummary:
    """The single feature that predicts the target best, on held-out rows."""

    best_single_feature: int
    best_single_feature_score: float
    majority_baseline: float
    features_checked: int


@dataclasses.dataclass(frozen=True)
class NeighborSummary:
    """The near-duplicate threshold (calibrated on the data) and the neighbour index used."""

    threshold: float | None
    median_nearest: float | None
    representation_dim: int
    index: str


@dataclasses.dataclass(frozen=True)
class BaselineFigures:
    """How one label baseline did on one split (see ``_noise`` for how they are judged).

    Attributes:
        baseline: Its name (``"neighbours"``, ``"linear"``).
        method: How it votes, in words.
        examples: Labelled examples it voted on.
        agreement: Share of its votes equal to the given label.
        self_consistency: Cohen's kappa of its two votes from disjoint parts of train.
        confident_examples: Examples in its confident region (its most confident predictions).
        confident_disagreement: Share of labels there that differ from its prediction: at
            least the share of wrong labels, plus its own errors there.
        corroboration: Share of its confident region where the other baseline predicts the
            same class (``None`` without another baseline).
        can_tell: Whether the verdict trusts it to tell wrong labels from hard examples.
    """

    baseline: str
    method: str
    examples: int
    agreement: float
    self_consistency: float
    confident_examples: int
    confident_disagreement: float
    corroboration: float | None = None
    can_tell: bool = False


@dataclasses.dataclass(frozen=True)
class LabelErrorSummary:
    """How labels were judged, per split.

    Attributes:
        method: Per split, where the probabilities came from.
        agreement: Per split, the share of labels equal to the baseline's vote.
        self_consistency: Per split, the chance-corrected agreement between two votes from
            disjoint parts of the training data (how much the baseline can be trusted).
        noise_rate: Per split, the estimated share of wrong labels (``None`` when no baseline
            can tell wrong labels from hard examples).
        flagged: Per split, examples ranked as likely label errors.
        skipped: Why no judgement was made, if none was.
        baselines: Per split, every baseline's figures (the one judging first).
    """

    method: Mapping[str, str]
    agreement: Mapping[str, float]
    self_consistency: Mapping[str, float]
    noise_rate: Mapping[str, float | None]
    flagged: Mapping[str, int]
    skipped: str | None = None
    baselines: Mapping[str, tuple[BaselineFigures, ...]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Histogram:
    """Counts of a statistic on a robust axis: values outside ``[edges[0], edges[-1]]`` are
    counted in ``below`` / ``above`` (drawn as marked outliers), so one extreme value cannot
    squash the bulk into one bar. ``scale`` is ``"log"`` when the values are positive and span
    orders of magnitude, and the edges are then spaced geometrically."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]
    scale: Literal["linear", "log"]
    below: int
    above: int
    low: float
    high: float


@dataclasses.dataclass(frozen=True)
class StatisticSummary:
    """A per-example statistic: its lowest and highest ``(index, value)`` pairs and histogram."""

    lowest: tuple[tuple[int, float], ...]
    highest: tuple[tuple[int, float], ...]
    histogram: Histogram


def to_dict(obj: Any) -> Any:
    """JSON-ready data: dataclasses to dicts, tuples to lists, numpy scalars to numbers."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def from_dict(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` (a section dataclass or a field type) from :func:`to_dict`
    output. ``None`` becomes NaN in a float field (JSON has no NaN)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        errors = []
        for option in options:
            try:
                return from_dict(option, data)
            except (TypeError, ValueError, KeyError) as e:
                errors.append(e)
        raise ValueError(f"{data!r} matches none of {options}: {errors}")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, Mapping):
            raise TypeError(f"{tp.__name__} needs a mapping, got {type(data).__name__}")
        hints = typing.get_type_hints(tp)
        fields = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: from_dict(hints[k], v) for k, v in data.items() if k in fields})
    if origin is Literal:
        if data not in args:
            raise ValueError(f"{data!r} is not one of {args}")
        return data
    if origin is tuple:
        item = args[0] if len(args) == 2 and args[1] is Ellipsis else None
        if not isinstance(data, (list, tuple)):
            raise TypeError(f"expected a list, got {type(data).__name__}")
        return tuple(from_dict(item if item is not None else args[i], v) for i, v in enumerate(data))
    if origin in (Mapping, dict):
        key, value = args
        if not isinstance(data, Mapping):
            raise TypeError(f"expected a mapping, got {type(data).__name__}")
        return {(int(k) if key is int else k): from_dict(value, v) for k, v in data.items()}
    if tp is float:
        return float("nan") if data is None else float(data)
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, (int, float)) or data != int(data):
            raise TypeError(f"expected an integer, got {data!r}")
        return int(data)
    if tp is str:
        if not isinstance(data, str):
            raise TypeError(f"expected a string, got {data!r}")
        return data
    if tp is bool:
        return bool(data)
    return data  # Any
