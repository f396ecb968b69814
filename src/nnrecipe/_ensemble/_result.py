"""What ``ensemble`` found, as plain data: members, weights, the selection trace, test figures.

Saved as one JSON file (``ensemble.json``, by default next to the members' run folders:
a study's folder for a study). It lists the members (run folders relative to the file,
weights files with their SHA-256, and each method's weights) and everything below, so the
report renders it and :class:`~nnrecipe.Ensemble` rebuilds it; it holds no model.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, Literal

from .._core._errors import CheckpointError
from .._core._files import atomic_write_text
from .._core._task import TaskKind
from ._options import EnsembleOptions
from ._outputs import OutputRule
from ._scores import MetricName
from ._selection import SelectionStep

__all__ = ["ENSEMBLE_FILE", "EnsembleResult", "Excluded", "Member", "Method", "MethodResult"]

ENSEMBLE_FILE = "ensemble.json"
FORMAT = "nnrecipe.ensemble/1"
Method = Literal["single", "average", "greedy"]


@dataclasses.dataclass(frozen=True)
class Member:
    """A model whose stored predictions entered selection.

    Attributes:
        run_dir: Its run folder; ``label`` a short name (``trial 7``, or the folder's name).
        weights: Its weights file (relative to ``run_dir``) and ``weights_sha256`` that file's SHA-256.
        step: The step of those weights; ``monitor`` the validation value that chose them
            (``None``: final weights).
        experiment: ``path.py:name`` of the experiment that builds it, if recorded.
        rule: How its outputs became the predictions averaged.
        val: Every ensemble metric of this model alone on validation.
    """

    run_dir: Path
    label: str
    weights: str
    weights_sha256: str
    step: int | None
    monitor: str | None
    experiment: str | None
    rule: OutputRule
    val: dict[str, float]


@dataclasses.dataclass(frozen=True)
class Excluded:
    """A run or trial left out of the library, and why (infeasible, diverged, still running)."""

    run: str
    reason: str


@dataclasses.dataclass(frozen=True)
class MethodResult:
    """One way of combining the members, and how it scores.

    Attributes:
        method: ``single`` (the best model on validation), ``average`` (equal weights on the
            best few) or ``greedy`` (Caruana's selection).
        weights: One weight per member (same order as ``EnsembleResult.members``), summing to 1.
        val: Every ensemble metric on validation; ``test`` on test (``None``: no test split).
        gain: Test improvement of the selection metric over ``single``, positive when better,
            in the metric's units (0.004 is 0.4 points of accuracy); ``None`` for ``single``
            or without a test split.
        interval: Paired bootstrap interval of ``gain`` (see ``EnsembleResult.options``).
    """

    method: Method
    weights: tuple[float, ...]
    val: dict[str, float]
    test: dict[str, float] | None
    gain: float | None
    interval: tuple[float, float] | None

    @property
    def used(self) -> tuple[int, ...]:
        """Indices of the members with a non-zero weight."""
        return tuple(i for i, w in enumerate(self.weights) if w > 0)


@dataclasses.dataclass(frozen=True)
class EnsembleResult:
    """An ensemble selected from stored predictions, and its figures.

    Selection (ranking, averaging, greedy) saw validation predictions only; the test figures
    are computed once, afterwards, for the three methods.

    Attributes:
        metric: The selection metric (``options.metric`` resolved); ``task`` and ``classes``
            what the members predict.
        members: The library, in the order given; ``excluded`` runs left out, with why.
        single, average, greedy: The three methods; ``greedy`` is the saved ensemble.
        trajectory: Greedy selection step by step (``options.steps`` of them); the ensemble
            kept is its first ``best_size`` steps.
        val_size / test_size: Examples per split (``test_size`` ``None`` without a test split);
            ``targets_sha256``: each split's targets fingerprint, shared by every member.
        options: The options used; ``seconds`` the selection's time (ranking, averaging, greedy).
        sources: What was given; ``created`` when (UTC).

    Example:
        >>> result = nnrecipe.ensemble("runs/mnist1d-cnn")  # doctest: +SKIP
        >>> result.greedy.gain, result.greedy.interval  # doctest: +SKIP
        (0.004, (0.001, 0.007))
    """

    metric: MetricName
    task: TaskKind
    classes: int | None
    members: tuple[Member, ...]
    excluded: tuple[Excluded, ...]
    single: MethodResult
    average: MethodResult
    greedy: MethodResult
    trajectory: tuple[SelectionStep, ...]
    best_size: int
    val_size: int
    test_size: int | None
    targets_sha256: dict[str, str]
    options: EnsembleOptions
    seconds: float
    sources: tuple[str, ...]
    created: str

    def method(self, name: Method) -> MethodResult:
        """``single``, ``average`` or ``greedy`` by name."""
        return {"single": self.single, "average": self.average, "greedy": self.greedy}[name]

    def default_path(self) -> Path:
        """``ensemble.json`` in the folder the members' run folders share (a study's folder for a study)."""
        return Path(os.path.commonpath([m.run_dir.resolve().parent for m in self.members])) / ENSEMBLE_FILE

    def save(self, path: str | Path) -> Path:
        """Write the result as JSON to ``path`` (atomically); run folders are stored relative to it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(_to_json(self, path.resolve().parent), indent=2))
        return path

    @classmethod
    def load(cls, path: str | Path) -> EnsembleResult:
        """Read a result written by :meth:`save`.

        Raises:
            CheckpointError: The file is missing, or not an ensemble written by nnrecipe.
        """
        path = Path(path)
        if not path.is_file():
            raise CheckpointError(f"ensemble file {str(path)!r} does not exist; pass the ensemble.json `nnrecipe ensemble` wrote")
        try:
            data = json.loads(path.read_text())
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {FORMAT!r}")
            return _from_json(data, path.resolve().parent)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise CheckpointError(f"{path} is not an ensemble file nnrecipe wrote ({type(e).__name__}: {e})") from None


def _to_json(r: EnsembleResult, folder: Path) -> dict[str, Any]:
    data = {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
    data["members"] = [{**dataclasses.asdict(m), "run_dir": _relative(m.run_dir, folder), "rule": m.rule.to_dict()} for m in r.members]
    data["excluded"] = [dataclasses.asdict(e) for e in r.excluded]
    for name in ("single", "average", "greedy"):
        data[name] = dataclasses.asdict(getattr(r, name))
    data["trajectory"] = [dataclasses.asdict(s) for s in r.trajectory]
    data["options"] = r.options.to_dict()
    data["sources"] = list(r.sources)
    return {"format": FORMAT, **data}


def _from_json(d: dict[str, Any], folder: Path) -> EnsembleResult:
    members = tuple(
        Member(**{**m, "run_dir": (folder / m["run_dir"]).resolve(), "rule": OutputRule.from_dict(m["rule"])}) for m in d["members"]
    )
    return EnsembleResult(
        metric=d["metric"], task=d["task"], classes=d["classes"], members=members,
        excluded=tuple(Excluded(**e) for e in d["excluded"]),
        single=_method(d["single"]), average=_method(d["average"]), greedy=_method(d["greedy"]),
        trajectory=tuple(SelectionStep(**s) for s in d["trajectory"]), best_size=int(d["best_size"]),
        val_size=int(d["val_size"]), test_size=d["test_size"], targets_sha256=dict(d["targets_sha256"]),
        options=EnsembleOptions(**d["options"]), seconds=float(d["seconds"]), sources=tuple(d["sources"]), created=str(d["created"]),
    )


def _method(d: dict[str, Any]) -> MethodResult:
    interval = d["interval"]
    return MethodResult(
        method=d["method"], weights=tuple(float(w) for w in d["weights"]), val=dict(d["val"]), test=d["test"],
        gain=d["gain"], interval=None if interval is None else (float(interval[0]), float(interval[1])),
    )


def _relative(run_dir: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(Path(run_dir).resolve(), folder)).as_posix()
    except ValueError:  # another drive (Windows): keep it absolute
        return Path(run_dir).resolve().as_posix()
