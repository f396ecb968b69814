"""Run folders: one per run, with its resolved config, its parent and the change from it.

The recipe adds one complexity at a time; recording the parent run and the exact config
difference makes each run's single change visible and checkable.
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from .._core._errors import CheckpointError
from .._core._files import atomic_write_text, create_run_dir, safe_name, utc_iso

__all__ = ["config_diff", "create_run_dir", "find_parent", "read_metrics", "read_run_config", "write_run_config"]

log = logging.getLogger(__name__)

CONFIG = "config.json"
METRICS = "metrics.jsonl"


def read_run_config(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / CONFIG
    if not path.is_file():
        raise CheckpointError(
            f"{run_dir} is not an nnrecipe run folder (no {CONFIG}); pass a folder under runs/ "
            "printed by `nnrecipe fit`"
        )
    try:
        config = json.loads(path.read_text())
    except (ValueError, RecursionError) as e:
        raise CheckpointError(f"{path} is malformed ({type(e).__name__}: {str(e)[:200]}); it was not written by nnrecipe") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{path} does not hold a run's config (found {type(config).__name__})")
    return config


def find_parent(runs_dir: Path, name: str, exclude: Path) -> Path | None:
    """The most recent other run with exactly this name in ``runs_dir``, the default parent.

    Run folders are ``<safe name>-<UTC time>[-n]``; ``tiny`` never adopts ``tiny-wide``.
    """
    folder = re.compile(re.escape(safe_name(name, what="run name")) + r"-\d{8}-\d{6}(-\d+)?")
    candidates = [
        p for p in runs_dir.iterdir() if p != exclude and folder.fullmatch(p.name) and (p / CONFIG).is_file()
    ]
    return max(candidates, key=lambda p: ((p / CONFIG).stat().st_mtime, p.name), default=None)


def config_diff(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{key: [parent value, child value]}`` for every flat hyperparameter that changed."""
    keys = sorted(set(parent) | set(child))
    return {k: [parent.get(k), child.get(k)] for k in keys if parent.get(k) != child.get(k)}


def write_run_config(
    run_dir: Path, hparams: Mapping[str, Any], info: Mapping[str, Any], parent: Path | None
) -> dict[str, Any]:
    """Write ``config.json``: flat hyperparameters, run info, parent and the diff from it."""
    diff: dict[str, list[Any]] | None = None
    if parent is not None:
        diff = config_diff(read_run_config(parent)["hparams"], hparams)
        if len(diff) > 1:
            log.warning(
                "run %s changes %d settings at once from its parent %s (%s); the recipe adds one "
                "complexity at a time so that each change's effect can be seen",
                run_dir.name, len(diff), parent.name, ", ".join(diff),
            )
    config = {
        "hparams": dict(hparams),
        **info,
        "parent": str(parent) if parent else None,
        "diff_from_parent": diff,
        "created": utc_iso(),
        "versions": {"python": platform.python_version(), "torch": torch.__version__},
        "pid": os.getpid(),
    }
    atomic_write_text(run_dir / CONFIG, json.dumps(config, indent=2, default=str))
    return config


def read_metrics(run_dir: Path) -> list[dict[str, Any]]:
    """Every row of ``metrics.jsonl`` (train and validation rows), skipping a torn last line."""
    rows: list[dict[str, Any]] = []
    path = Path(run_dir) / METRICS
    if not path.exists():
        return rows
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            break  # a line cut by a crash: everything before it is intact
    return rows


def reference_of(config: Mapping[str, Any]) -> dict[str, float]:
    """The reference metric the experiment declared (``config.json``'s ``reference``), or ``{}``."""
    ref = config.get("reference")
    if not isinstance(ref, Mapping):
        return {}
    return {str(k): float(v) for k, v in ref.items() if isinstance(v, (int, float)) and math.isfinite(v)}
