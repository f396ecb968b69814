"""Where diagnostics live in a run folder, and how: safetensors for arrays, JSON for the rest.

``<run>/diagnostics/<kind>.safetensors`` holds a diagnostic's arrays, ``<kind>.json`` what
they mean (layer names, the cadence, the classes...). Both are written atomically, the
arrays first, so a reader never sees a JSON file without its arrays. Nothing is pickled.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load, save

from .._core._files import atomic_write_bytes, atomic_write_text

__all__ = ["FOLDER", "FORMAT", "read_kind", "write_kind"]

FOLDER = "diagnostics"
FORMAT = "nnrecipe.diagnostics/1"


def write_kind(run_dir: Path, kind: str, meta: Mapping[str, Any], arrays: Mapping[str, torch.Tensor]) -> Path:
    """Write one diagnostic's arrays and description; returns the JSON file's path."""
    folder = Path(run_dir) / FOLDER
    folder.mkdir(exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in arrays.items()}
    atomic_write_bytes(folder / f"{kind}.safetensors", save(tensors))
    path = folder / f"{kind}.json"
    atomic_write_text(path, json.dumps({"format": FORMAT, "kind": kind, **meta}, indent=1, allow_nan=True))
    return path


def read_kind(run_dir: Path, kind: str) -> tuple[dict[str, Any], dict[str, torch.Tensor]] | None:
    """One diagnostic's description and arrays, or ``None`` when the run did not record it.

    Raises:
        ValueError: A file is cut short, malformed, or from another format version (named).
    """
    folder = Path(run_dir) / FOLDER
    path, data = folder / f"{kind}.json", folder / f"{kind}.safetensors"
    if not path.is_file():
        return None
    try:
        meta = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"{path} is not valid JSON ({e}); it was cut while being written or edited by hand") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise ValueError(f"{path} is not a diagnostics file of this nnrecipe (format {found!r}, expected {FORMAT!r}); train the run again")
    try:
        arrays = load(data.read_bytes())
    except (OSError, SafetensorError, ValueError) as e:
        raise ValueError(f"{data} is missing or damaged ({e}); the run was cut while writing it") from None
    return meta, arrays
