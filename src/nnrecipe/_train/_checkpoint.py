"""Checkpoints that load without unpickling and are never half-written.

A checkpoint is a folder: ``model.safetensors`` (weights), ``state.safetensors`` (every
other tensor: optimizer moments, RNG states, callback tensors) and ``state.json`` (the
rest). It is written under a temporary name and renamed into place, and ``latest.json``
is replaced atomically afterwards, so a crash at any instant leaves the previous
checkpoint intact and pointed to.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, load_model, save_file, save_model
from torch import nn

from .._core._errors import CheckpointError
from .._core._files import atomic_write_text

__all__ = ["encode", "decode", "write_checkpoint", "read_checkpoint", "latest_checkpoint", "atomic_write_text"]

LATEST = "latest.json"


def encode(obj: Any, tensors: dict[str, torch.Tensor], path: str = "") -> Any:
    """Replace tensors in a nested structure by references into ``tensors``; JSON for the rest."""
    if isinstance(obj, torch.Tensor):
        tensors[path] = obj.detach().cpu().contiguous().clone()
        return {"__tensor__": path}
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj):
            return {k: encode(v, tensors, f"{path}/{k}") for k, v in obj.items()}
        # Optimizer state is keyed by int parameter index: keep the key types.
        return {"__items__": [[k, encode(v, tensors, f"{path}/{k}")] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        if all(v is None or isinstance(v, (bool, int, float, str)) for v in obj):
            return list(obj)  # RNG states are long lists of ints: no per-item recursion
        return [encode(v, tensors, f"{path}/{i}") for i, v in enumerate(obj)]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"cannot store {type(obj).__name__} at {path!r} in a checkpoint; use tensors, numbers, strings, lists, dicts")


def decode(obj: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(obj, dict):
        if "__tensor__" in obj:
            return tensors[obj["__tensor__"]]
        if "__items__" in obj:
            return {k: decode(v, tensors) for k, v in obj["__items__"]}
        return {k: decode(v, tensors) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode(v, tensors) for v in obj]
    return obj


def write_checkpoint(folder: Path, name: str, model: nn.Module, state: dict[str, Any]) -> Path:
    """Write checkpoint ``folder/name`` atomically and point ``latest.json`` at it."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    tmp = folder / f".{name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        tensors: dict[str, torch.Tensor] = {}
        meta = encode(state, tensors)
        save_model(model, str(tmp / "model.safetensors"))
        save_file(tensors, str(tmp / "state.safetensors"))
        atomic_write_text(tmp / "state.json", json.dumps(meta))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    atomic_write_text(folder / LATEST, json.dumps({"checkpoint": name}))
    return final


def latest_checkpoint(folder: Path) -> Path | None:
    try:
        name = json.loads((folder / LATEST).read_text())["checkpoint"]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError) as e:
        raise CheckpointError(f"{folder / LATEST} is corrupt ({e}); delete it to start over") from None
    return folder / name


def read_checkpoint(path: Path, model: nn.Module) -> dict[str, Any]:
    """Load weights into ``model`` (strictly) and return the decoded state."""
    for part in ("model.safetensors", "state.safetensors", "state.json"):
        if not (path / part).is_file():
            raise CheckpointError(f"checkpoint {path} has no {part}; it is not an nnrecipe checkpoint")
    try:
        missing, unexpected = load_model(model, str(path / "model.safetensors"), strict=False)
    except RuntimeError as e:  # shapes differ
        raise CheckpointError(f"checkpoint {path} does not match the model: {e}; resume with the same model and hyperparameters") from None
    if missing or unexpected:
        raise CheckpointError(
            f"checkpoint {path} does not match the model: missing {sorted(missing)[:5]}, "
            f"unexpected {sorted(unexpected)[:5]}; resume with the same model and hyperparameters"
        )
    tensors = load_file(str(path / "state.safetensors"))
    return decode(json.loads((path / "state.json").read_text()), tensors)
