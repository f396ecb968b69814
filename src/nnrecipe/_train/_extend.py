"""Training longer: a child run that continues a finished run from its final checkpoint.

The child is a new run folder (parent = the run extended, the config diff recorded) that
starts as a copy of the parent's final state: its last resume point, metric history,
TensorBoard events, kept weights and diagnostics, so that every curve continues from the
parent's. Only the run's length may change (``epochs`` or ``max_steps``).

The learning rate stays continuous: the schedule keeps the shape it had over the parent's
steps, and after them holds the value of the parent's last step. A constant schedule stays
constant, so extending a run from 10 to 20 epochs trains exactly as a 20-epoch run would;
a decayed one (cosine, linear, step, onecycle) goes on at the rate it had decayed to,
rather than jumping back up (re-stretching the decay over the new total would restart it
from a higher rate: a discontinuity, and a different run from the one whose curves you saw).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._core._errors import CheckpointError, ConfigError
from ._resume import FOLDER
from ._runs import read_run_config

__all__ = ["EXTENDS", "LENGTH_FIELDS", "check_extension", "copy_state", "finished_steps", "schedule_horizon"]

EXTENDS = "extends"  # config.json: {"run": parent folder, "step": the parent's last step}
LENGTH_FIELDS = ("epochs", "max_steps")  # what an extension may change
_COPIED_FOLDERS = ("weights", "tensorboard", "diagnostics")
_COPIED_FILES = ("metrics.jsonl", "metrics.csv")


def finished_steps(run_dir: Path) -> int:
    """The steps a finished run took (its ``result.json``).

    Raises:
        CheckpointError: Not a finished run (no or unreadable ``result.json``), or one that diverged.
    """
    path = Path(run_dir) / "result.json"
    try:
        result = json.loads(path.read_text())
        steps = int(result["steps"])
    except (OSError, ValueError, KeyError, TypeError):
        raise CheckpointError(f"{run_dir} is not a finished run (no readable result.json); extend a run that finished, "
                              f"or continue this one with --resume {run_dir}") from None
    if result.get("diverged"):
        raise CheckpointError(f"{run_dir} diverged at step {result.get('diverged_at')}; extending it would continue from "
                              "its last finite weights into the same divergence: lower the learning rate and train again")
    return steps


def check_extension(parent_hparams: Mapping[str, Any], hparams: Mapping[str, Any], steps: int, total: int) -> None:
    """Only the length may change, and the child must be longer.

    Raises:
        ConfigError: Another setting changed, or ``total`` is not beyond the parent's ``steps``.
    """
    changed = sorted(k for k in set(parent_hparams) | set(hparams) if k not in LENGTH_FIELDS and parent_hparams.get(k) != hparams.get(k))
    if changed:
        raise ConfigError(f"an extension continues the same run longer; it cannot change {', '.join(changed)}. "
                          "Start a new run with --parent to change a setting")
    if total <= steps:
        raise ConfigError(f"the extended run must be longer than its parent's {steps} steps; got a total of {total} steps: "
                          f"pass --steps N (N more steps)")


def copy_state(parent: Path, child: Path) -> None:
    """The parent's final resume point, history, events, weights and diagnostics, into ``child``."""
    ckpts = parent / FOLDER
    latest = sorted(p for p in ckpts.glob("step-*") if p.is_dir())
    if not latest:
        raise CheckpointError(f"{parent} has no checkpoint to continue from; train it again with checkpoints on")
    (child / FOLDER).mkdir()
    shutil.copytree(latest[-1], child / FOLDER / latest[-1].name)
    for name in _COPIED_FOLDERS:
        if (parent / name).is_dir():
            shutil.copytree(parent / name, child / name, dirs_exist_ok=True)
    for name in _COPIED_FILES:
        if (parent / name).is_file():
            shutil.copy2(parent / name, child / name)


def schedule_horizon(run_dir: Path | None) -> int | None:
    """The step after which the learning rate is held (an extension's parent's last step), or ``None``."""
    if run_dir is None:
        return None
    ext = read_run_config(run_dir).get(EXTENDS)
    return int(ext["step"]) if isinstance(ext, Mapping) and "step" in ext else None
