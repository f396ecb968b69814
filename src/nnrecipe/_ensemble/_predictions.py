"""A run's stored predictions: ``<run>/predictions/`` holds one safetensors file and one JSON.

``predictions.safetensors`` holds, per split (``val``, and ``test`` when the experiment has
one), the averaged-ready predictions (probabilities, or values for regression) of the
weights named in the JSON, and the split's targets once. ``predictions.json`` says what
they are: the task, the output rule, the loss, which weights (file, SHA-256, step, and the
monitored value that chose it), each split's size and the SHA-256 of its targets (so members
can be checked to share the same examples in the same order), and the experiment file that
rebuilds the model. Never a pickle: tensors and JSON only. The folder is written under a
temporary name and renamed, so it is either complete or absent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from .._core._errors import CheckpointError
from .._core._files import atomic_folder, utc_iso
from ._outputs import OutputRule

__all__ = ["FOLDER", "FORMAT", "Predictions", "SplitPredictions", "has_predictions", "read_predictions", "sha256_file", "targets_sha256", "write_predictions"]

FOLDER = "predictions"
TENSORS = "predictions.safetensors"
META = "predictions.json"
FORMAT = "nnrecipe.predictions/1"
# Splits larger than this many numbers are stored in float16: half the size, and
# probabilities keep three significant digits, more than any ensemble weight resolves.
FLOAT16_ABOVE = 1 << 24
SPLITS = ("val", "test")


@dataclasses.dataclass(frozen=True, eq=False)
class SplitPredictions:
    """One split's predictions and targets.

    Attributes:
        predictions: ``(N, *example_shape)`` float32 probabilities or values.
        targets: ``(N, ...)`` targets, as the data gave them.
        targets_sha256: Fingerprint of the targets, shape and dtype included.
    """

    predictions: torch.Tensor
    targets: torch.Tensor
    targets_sha256: str

    @property
    def size(self) -> int:
        return len(self.targets)


@dataclasses.dataclass(frozen=True, eq=False)
class Predictions:
    """What :func:`read_predictions` finds in a run folder.

    Attributes:
        run_dir: The run folder.
        rule: How the model's outputs became these predictions (task, transform, shape).
        loss: The run's loss name.
        monitor: The validation value that chose the weights (``val_accuracy``...), and
            ``monitor_value`` its value at ``step``; ``None`` for final weights.
        step: The step of the weights; ``steps`` the run's total.
        weights: The weights file, relative to ``run_dir``; ``weights_sha256`` its SHA-256.
        experiment: ``path.py:name`` of the experiment that builds the model, if recorded.
        val: The validation split; ``test``: the test split, when the experiment has one.
        created: When they were stored (UTC).
    """

    run_dir: Path
    rule: OutputRule
    loss: str
    monitor: str | None
    monitor_value: float | None
    step: int | None
    steps: int | None
    weights: str
    weights_sha256: str
    experiment: str | None
    val: SplitPredictions
    test: SplitPredictions | None
    created: str

    @property
    def weights_path(self) -> Path:
        return self.run_dir / self.weights


def targets_sha256(targets: torch.Tensor) -> str:
    """SHA-256 of the targets' dtype, shape and values: equal only for the same examples in the same order.

    Example:
        >>> targets_sha256(torch.tensor([1, 2])) == targets_sha256(torch.tensor([2, 1]))
        False
    """
    t = targets.detach().cpu().contiguous()
    h = hashlib.sha256(f"{t.dtype}{tuple(t.shape)}".encode())
    h.update(t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.float().numpy().tobytes())
    return h.hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def has_predictions(run_dir: Path) -> bool:
    return (Path(run_dir) / FOLDER / META).is_file()


def write_predictions(run_dir: Path, info: dict[str, Any], splits: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> Path:
    """Write ``<run_dir>/predictions/`` atomically (replacing older predictions).

    Args:
        run_dir: The run folder.
        info: The JSON facts (``rule``, ``loss``, ``monitor``, ``step``, ``weights``...).
        splits: ``{"val": (predictions, targets), "test": ...}``.
    """
    tensors: dict[str, torch.Tensor] = {}
    meta: dict[str, Any] = {"format": FORMAT, **info, "created": utc_iso(), "splits": {}}
    for name, (pred, targets) in splits.items():
        store = pred.half() if pred.numel() > FLOAT16_ABOVE else pred.float()
        # Copies: safetensors refuses tensors sharing memory (a split given as val and test).
        tensors[name] = store.detach().cpu().contiguous().clone()
        tensors[f"{name}_targets"] = targets.detach().cpu().contiguous().clone()
        meta["splits"][name] = {"size": len(targets), "shape": list(pred.shape), "dtype": str(store.dtype).removeprefix("torch."),
                                "targets_sha256": targets_sha256(targets)}
    folder = Path(run_dir) / FOLDER
    with atomic_folder(folder, replace=True) as tmp:
        save_file(tensors, str(tmp / TENSORS))
        (tmp / META).write_text(json.dumps(meta, indent=2))
    return folder


def read_predictions(run_dir: str | Path) -> Predictions:
    """The predictions stored in ``run_dir``.

    Raises:
        CheckpointError: None are stored, or the files are unreadable or inconsistent.
    """
    run_dir = Path(run_dir)
    folder = run_dir / FOLDER
    if not (folder / META).is_file():
        raise CheckpointError(f"{run_dir} holds no stored predictions ({FOLDER}/{META})")
    try:
        meta = json.loads((folder / META).read_text())
        tensors = load_file(str(folder / TENSORS))
        if meta.get("format") != FORMAT:
            raise ValueError(f"format {meta.get('format')!r}, expected {FORMAT!r}")
        splits = {name: _split(meta["splits"][name], tensors, name) for name in SPLITS if name in meta["splits"]}
        return Predictions(
            run_dir=run_dir, rule=OutputRule.from_dict(meta["rule"]), loss=str(meta["loss"]),
            monitor=meta.get("monitor"), monitor_value=meta.get("monitor_value"), step=meta.get("step"),
            steps=meta.get("steps"), weights=str(meta["weights"]), weights_sha256=str(meta["weights_sha256"]),
            experiment=meta.get("experiment"), val=splits["val"], test=splits.get("test"), created=str(meta.get("created", "")),
        )
    except (OSError, ValueError, KeyError, TypeError) as e:  # JSON, safetensors and field errors alike
        raise CheckpointError(
            f"the predictions stored in {folder} are unreadable ({type(e).__name__}: {e}); store them again with "
            f"`nnrecipe ensemble --store-missing {run_dir}` after deleting {folder}"
        ) from None


def _split(info: dict[str, Any], tensors: dict[str, torch.Tensor], name: str) -> SplitPredictions:
    pred, targets = tensors[name].float(), tensors[f"{name}_targets"]
    if list(pred.shape) != info["shape"] or len(targets) != info["size"] or targets_sha256(targets) != info["targets_sha256"]:
        raise ValueError(f"the {name} tensors do not match their description (shape, size or targets hash)")
    return SplitPredictions(pred, targets, info["targets_sha256"])
