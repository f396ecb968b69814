"""The training-curves section of one run folder: train and validation curves, the learning
rate, the run's settings and what changed from its parent, and what the curves say."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._train._runs import read_metrics, read_run_config
from ._chart import Chart, Line, Mark, pick_scale
from ._downsample import MAX_LINE_POINTS, envelope
from ._section import Headline, Section

__all__ = ["TrainingSection", "training_section"]

OVERFIT_RISE = 0.05  # validation loss this far above its minimum at the end, training loss still falling
_NOT_CURVES = frozenset({"step", "epoch", "time"})


@dataclasses.dataclass(frozen=True)
class TrainingSection(Section):
    """One run's curves and facts.

    Attributes:
        title: ``"Training: <run folder name>"``.
        folder: The run folder.
        facts: ``(what, value)`` rows: status, steps, time, best and final validation values.
        hparams: ``(name, value)`` of every hyperparameter the run trained with.
        changed: ``(name, parent's value, this run's value)`` for what changed from its parent.
        charts: Loss (train and validation), each other metric, the learning rate.
        notes: What was downsampled or could not be read.
        problems: What the curves say is wrong, for the summary.
    """

    title: str
    folder: str
    facts: tuple[tuple[str, str], ...]
    hparams: tuple[tuple[str, str], ...]
    changed: tuple[tuple[str, str, str], ...]
    charts: tuple[Chart, ...]
    notes: tuple[str, ...]
    problems: tuple[Headline, ...]

    def headlines(self) -> list[Headline]:
        return list(self.problems)


def training_section(run_dir: Path) -> TrainingSection:
    """Read ``config.json``, ``metrics.jsonl`` and (if the run finished) ``result.json``.

    Raises:
        CheckpointError: ``run_dir`` has no ``config.json`` (not a run folder).
        ValueError: ``config.json`` or ``result.json`` is not valid JSON.

    Example:
        >>> training_section(Path("runs/mnist1d-cnn-20261201-142938")).charts[0].title  # doctest: +SKIP
        'loss'
    """
    run_dir = Path(run_dir)
    config = read_run_config(run_dir)
    rows = read_metrics(run_dir)
    result = _read_result(run_dir)
    name = run_dir.name
    train = [r for r in rows if "loss" in r]
    val = [r for r in rows if any(k.startswith("val_") for k in r)]
    notes: list[str] = []
    lines = (run_dir / "metrics.jsonl").read_text().count("\n") if (run_dir / "metrics.jsonl").is_file() else 0
    if lines > len(rows) + 1:
        notes.append(f"metrics.jsonl is damaged after row {len(rows)}: {lines - len(rows)} later rows could not be read")
    charts = _charts(train, val, result, notes)
    if max((len(train), len(val)), default=0) > MAX_LINE_POINTS:
        notes.append(f"{len(train):,} training and {len(val):,} validation rows drawn as the lowest and highest value "
                     f"of each of {MAX_LINE_POINTS // 2} buckets, so spikes stay visible")
    problems = _problems(name, train, val, result)
    hparams: Mapping[str, Any] = config["hparams"] if isinstance(config.get("hparams"), Mapping) else {}
    diff: Mapping[str, Any] = config["diff_from_parent"] if isinstance(config.get("diff_from_parent"), Mapping) else {}
    parent = config.get("parent")
    changed = tuple((str(k), _fmt(v[0]), _fmt(v[1])) for k, v in diff.items() if isinstance(v, Sequence) and len(v) == 2)
    if parent and len(changed) > 1:
        problems.append(Headline("warn", f"run {name} changes {len(changed)} settings at once from its parent "
                                         f"{Path(str(parent)).name} ({', '.join(c[0] for c in changed)}): the effect of each cannot be told apart"))
    return TrainingSection(
        title=f"Training: {name}",
        folder=str(run_dir),
        facts=tuple(_facts(config, train, val, result)),
        hparams=tuple((str(k), _fmt(v)) for k, v in sorted(hparams.items())),
        changed=changed,
        charts=tuple(charts),
        notes=tuple(notes),
        problems=tuple(problems),
    )


def _read_result(run_dir: Path) -> dict[str, Any] | None:
    path = run_dir / "result.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
    except ValueError as e:
        raise ValueError(f"{path} is not valid JSON ({e}); the run was cut while writing it") from None
    return data if isinstance(data, dict) else None


def _series(rows: Sequence[Mapping[str, Any]], key: str) -> tuple[np.ndarray, np.ndarray]:
    pairs = [(r.get("step"), r.get(key)) for r in rows if isinstance(r.get(key), (int, float)) and isinstance(r.get("step"), (int, float))]
    arr = np.array(pairs, dtype=float).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _line(label: str, rows: Sequence[Mapping[str, Any]], key: str, dashed: bool = False) -> Line | None:
    x, y = _series(rows, key)
    if not len(x):
        return None
    xs, ys = envelope(x, y)
    return Line(label, tuple(xs), tuple(ys), dashed=dashed)


def _charts(train: list[dict[str, Any]], val: list[dict[str, Any]], result: Mapping[str, Any] | None, notes: list[str]) -> list[Chart]:
    best_step = result.get("best_step") if result else None
    monitor = result.get("monitor") if result else None
    marks = (Mark(float(best_step), f"best {str(monitor).removeprefix('val_')}, step {best_step}"),) if isinstance(best_step, (int, float)) else ()
    charts = []
    loss_lines = [ln for ln in (_line("train loss", train, "loss"), _line("validation loss", val, "val_loss")) if ln]
    if loss_lines:
        scale = pick_scale(v for ln in loss_lines for v in ln.y)
        charts.append(Chart("loss", "step", "loss", lines=tuple(loss_lines), y_scale=scale, x_marks=marks))
    val_keys = sorted({k for r in val for k in r if k.startswith("val_") and k != "val_loss"})
    for key in val_keys:
        metric = key.removeprefix("val_")
        lines = [ln for ln in (_line(f"train {metric}", train, metric), _line(f"validation {metric}", val, key)) if ln]
        if lines:
            charts.append(Chart(metric, "step", metric, lines=tuple(lines), x_marks=marks if key == monitor else ()))
    lr_x, lr_y = _series(train, "lr")
    finite_lr = lr_y[np.isfinite(lr_y)]
    if len(finite_lr) and np.ptp(finite_lr) > 0:
        xs, ys = envelope(lr_x, lr_y)
        charts.append(Chart("learning rate", "step", "learning rate", lines=(Line("learning rate", tuple(xs), tuple(ys)),), y_scale=pick_scale(ys)))
    elif len(finite_lr):
        notes.append(f"learning rate constant at {finite_lr[0]:.3g} for the whole run")
    skip = _NOT_CURVES | {"loss", "lr"} | {k.removeprefix("val_") for k in val_keys}
    others = sorted({k for r in train for k, v in r.items() if k not in skip and isinstance(v, (int, float))})
    for key in others:
        if ln := _line(key, train, key):
            charts.append(Chart(key, "step", key, lines=(ln,), y_scale=pick_scale(ln.y)))
    return charts


def _problems(name: str, train: list[dict[str, Any]], val: list[dict[str, Any]], result: Mapping[str, Any] | None) -> list[Headline]:
    out: list[Headline] = []
    bad = [r.get("step") for r in train if isinstance(r.get("loss"), float) and not math.isfinite(r["loss"])]
    if (result and result.get("diverged")) or bad:
        where = f" at step {bad[0]}" if bad else ""
        out.append(Headline("error", f"run {name} diverged{where} (non-finite training loss): lower the learning rate, add warmup or gradient clipping"))
    if result is None:
        out.append(Headline("warn", f"run {name} has no result.json: it stopped before it finished (crashed, interrupted or still running); "
                                    f"its curves show the {len(train)} training rows written so far"))
    if not val:
        out.append(Headline("warn", f"run {name} has no validation rows: give validation data, or the curves cannot show overfitting"))
        return out
    vs, vl = _series(val, "val_loss")
    ok = np.isfinite(vl)
    vs, vl = vs[ok], vl[ok]
    if len(vl) >= 3:
        i = int(np.argmin(vl))
        rise = (vl[-1] - vl[i]) / max(abs(vl[i]), 1e-12)
        ts, tl = _series(train, "loss")
        near = lambda s: float(np.mean(tl[np.argsort(np.abs(ts - s))[:3]])) if len(tl) else math.nan
        if rise > OVERFIT_RISE and i < len(vl) - 1 and near(vs[-1]) < near(vs[i]):
            out.append(Headline("warn", f"run {name} overfits: validation loss rose {rise:.0%} after step {int(vs[i])} while training "
                                        f"loss kept falling; keep the best checkpoint, or regularise (weight decay, dropout, augmentation)"))
    if result and result.get("stopped_early"):
        out.append(Headline("info", f"run {name} stopped early at step {result.get('steps')}"))
    return out


def _facts(config: Mapping[str, Any], train: list[dict[str, Any]], val: list[dict[str, Any]], result: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    facts = [("status", _status(result))]
    if result:
        facts.append(("steps", f"{result.get('steps')} steps, {result.get('epochs')} epochs in {_fmt(result.get('seconds'))} s"))
        best = result.get("best") or {}
        monitor = result.get("monitor")
        if monitor in best:
            facts.append((f"best {monitor}", f"{_fmt(best[monitor])} at step {result.get('best_step')}"))
        final = {k: v for k, v in (result.get("final") or {}).items() if str(k).startswith("val_")}
        if final:
            facts.append(("final", ", ".join(f"{k} {_fmt(v)}" for k, v in final.items())))
    elif train:
        facts.append(("steps", f"{train[-1].get('step')} steps logged"))
    facts.append(("rows", f"{len(train)} training, {len(val)} validation"))
    for key in ("loss", "experiment", "created", "parent"):
        if config.get(key):
            facts.append((key, str(config[key])))
    return facts


def _status(result: Mapping[str, Any] | None) -> str:
    if result is None:
        return "did not finish (no result.json)"
    if result.get("diverged"):
        return "diverged"
    return "stopped early" if result.get("stopped_early") else "finished"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return "none" if v is None else str(v)
