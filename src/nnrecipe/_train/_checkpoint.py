"""Checkpoints that load without unpickling, are never half-written, and are checked on read.

A checkpoint is a folder: ``model.safetensors`` (weights), ``state.safetensors`` (every
other tensor: optimizer moments, RNG states, callback tensors) and ``state.json`` (the
rest). It is written under a temporary name and renamed into place, and ``latest.json``
is replaced atomically afterwards, so a crash at any instant leaves the previous
checkpoint intact and pointed to.

Reading checks every part before the model is touched: a file cut short, an empty or
absurdly nested ``state.json``, a reference to a tensor that is not there, or a
``latest.json`` that points outside the folder is refused with the file named, and
:func:`newest_intact` falls back to the newest checkpoint that is whole.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, load_model, save_file, save_model
from torch import nn

from .._core._errors import CheckpointError, RunError
from .._core._files import atomic_folder, atomic_write_text

__all__ = ["LATEST", "decode", "encode", "latest_checkpoint", "load_weights", "newest_intact", "read_checkpoint", "write_checkpoint", "writing"]

log = logging.getLogger(__name__)

LATEST = "latest.json"
_NAME = re.compile(r"step-\d{8}")
_MAX_DEPTH = 64  # optimizer and callback states nest a few levels; more is not ours


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failed write (full or read-only disk) into one :class:`RunError` naming the file."""
    try:
        yield
    except OSError as e:
        if isinstance(e, RunError):
            raise
        reason = e.strerror or str(e)
        raise RunError(
            f"could not write {path}: {reason}. The run stopped; its last complete checkpoint is intact. "
            "Free disk space or make the runs folder writable, then continue with `nnrecipe fit --resume RUN`."
        ) from e


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


def decode(obj: Any, tensors: dict[str, torch.Tensor], depth: int = 0) -> Any:
    """The inverse of :func:`encode`.

    Raises:
        ValueError: A reference to a missing tensor, or nesting deeper than any state we write.
    """
    if depth > _MAX_DEPTH:
        raise ValueError(f"nested more than {_MAX_DEPTH} levels deep")
    if isinstance(obj, dict):
        if "__tensor__" in obj:
            key = obj["__tensor__"]
            if key not in tensors:
                raise ValueError(f"refers to a tensor {key!r} that state.safetensors does not hold")
            return tensors[key]
        if "__items__" in obj:
            return {k: decode(v, tensors, depth + 1) for k, v in obj["__items__"]}
        return {k: decode(v, tensors, depth + 1) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode(v, tensors, depth + 1) for v in obj]
    return obj


def write_checkpoint(folder: Path, name: str, model: nn.Module, state: dict[str, Any]) -> Path:
    """Write checkpoint ``folder/name`` atomically and point ``latest.json`` at it.

    Raises:
        RunError: The disk is full or read-only; the previous checkpoint is left as it was.
    """
    final = folder / name
    with writing(final):
        folder.mkdir(parents=True, exist_ok=True)
        tensors: dict[str, torch.Tensor] = {}
        meta = encode(state, tensors)
        with atomic_folder(final, replace=True) as tmp:
            save_model(model, str(tmp / "model.safetensors"))  # handles tied weights
            save_file(tensors, str(tmp / "state.safetensors"))
            atomic_write_text(tmp / "state.json", json.dumps(meta))
        atomic_write_text(folder / LATEST, json.dumps({"checkpoint": name}))
    return final


def latest_checkpoint(folder: Path) -> Path | None:
    """The checkpoint ``latest.json`` names, or ``None`` when there is none.

    Raises:
        CheckpointError: ``latest.json`` is unreadable or names something that is not a
            checkpoint folder of ``folder``.
    """
    path = folder / LATEST
    try:
        name = json.loads(path.read_text())["checkpoint"]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, RecursionError) as e:
        raise CheckpointError(f"{path} is corrupt ({type(e).__name__}: {e})") from None
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise CheckpointError(f"{path} names {name!r}, which is not a checkpoint of this run (step-NNNNNNNN)")
    return folder / name


def read_checkpoint(path: Path) -> dict[str, Any]:
    """The decoded state of checkpoint ``path``, every part checked (the weights are read too).

    Raises:
        CheckpointError: Naming the file that is missing, cut short or malformed.
    """
    for part in ("model.safetensors", "state.safetensors", "state.json"):
        if not (path / part).is_file():
            raise CheckpointError(f"checkpoint {path} has no {part}; it is incomplete or not an nnrecipe checkpoint")
    try:
        load_file(str(path / "model.safetensors"))
        tensors = load_file(str(path / "state.safetensors"))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{path} holds a damaged safetensors file ({e}); it was cut short or overwritten") from None
    state_file = path / "state.json"
    try:
        state = decode(json.loads(state_file.read_text()), tensors)
    except (ValueError, TypeError, RecursionError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{state_file} is malformed ({type(e).__name__}: {str(e)[:200]})") from None
    if not isinstance(state, dict):
        raise CheckpointError(f"{state_file} does not hold a resume state (found {type(state).__name__})")
    return state


def load_weights(model: nn.Module, path: Path) -> None:
    """Load the weights of checkpoint ``path`` (read whole by :func:`read_checkpoint`) into ``model``.

    Raises:
        CheckpointError: The checkpoint was written by another model.
    """
    try:
        missing, unexpected = load_model(model, str(path / "model.safetensors"), strict=False)
    except RuntimeError as e:  # shapes differ
        raise CheckpointError(f"checkpoint {path} does not match the model: {e}; resume with the same model and hyperparameters") from None
    if missing or unexpected:
        raise CheckpointError(
            f"checkpoint {path} does not match the model: missing {sorted(missing)[:5]}, "
            f"unexpected {sorted(unexpected)[:5]}; resume with the same model and hyperparameters"
        )


def newest_intact(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The newest checkpoint in ``folder`` that reads whole.

    A checkpoint folder is renamed into place only once complete, and ``latest.json`` is
    updated after that, so a folder newer than the one ``latest.json`` names (a kill between
    the two) is complete and used. A damaged one is skipped with a warning naming it and the
    reason, and the one used. ``None`` when ``folder`` holds no checkpoint at all.

    Raises:
        CheckpointError: Checkpoints exist but none is intact (every reason is listed).
    """
    problems: list[str] = []
    try:
        latest_checkpoint(folder)
    except CheckpointError as e:
        problems.append(str(e))
    candidates = sorted((p for p in folder.glob("step-*") if p.is_dir() and _NAME.fullmatch(p.name)), reverse=True)
    for path in candidates:
        try:
            state = read_checkpoint(path)
        except CheckpointError as e:
            problems.append(str(e))
            continue
        if problems:
            log.warning("skipped damaged checkpoints (%s); resuming from %s", "; ".join(problems), path.name)
        return path, state
    if problems:
        raise CheckpointError(f"no intact checkpoint in {folder}: " + "; ".join(problems) + "; start a new run")
    return None
