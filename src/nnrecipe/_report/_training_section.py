"""The training-curves section of one run folder: train and validation curves, the learning
rate, the run's settings and what changed from its parent, and what the curves say."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._train._runs import CONFIG, read_run_config
from ._chart import Chart, Line, Mark, pick_scale
from ._downsample import MAX_LINE_POINTS, envelope
from ._run_diagnostics import reference_of
from ._run_metrics import Columns, columns, read_rows, series
from ._section import Headline, Section

__all__ = ["TrainingSection", "training_section"]

OVERFIT_RISE = 0.05  # validation loss this far above its minimum at the end, training loss still falling


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
        CheckpointError: ``run_dir`` has neither ``config.json`` nor ``metrics.jsonl`` (not a run folder).
        ValueError: ``config.json`` or ``result.json`` is not valid JSON.

    Example:
        >>> training_section(Path("runs/mnist1d-cnn-20261201-142938")).charts[0].title  # doctest: +SKIP
        'loss'
    """
    run_dir = Path(run_dir)
    older = not (run_dir / CONFIG).is_file() and (run_dir / "metrics.jsonl").is_file()
    config = {} if older else read_run_config(run_dir)
    rows, lines = read_rows(run_dir)
    result = _read_result(run_dir)
    name = run_dir.name
    train, val, counts = columns(rows)
    notes = ["no config.json (a run from an older nnrecipe, or cut before it was written): its settings are unknown"] if older else []
    if lines > len(rows) + 1:
        notes.append(f"metrics.jsonl is damaged after row {len(rows)}: {lines - len(rows)} later rows could not be read")
    charts = _charts(train, val, result, notes)
    if max(counts) > MAX_LINE_POINTS:
        notes.append(f"{counts[0]:,} training and {counts[1]:,} validation rows drawn as the lowest and highest value "
                     f"of each of {MAX_LINE_POINTS // 2} buckets, so spikes stay visible")
    problems = _problems(name, train, val, result, counts[0])
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
        facts=tuple(_facts(config, train, counts, result)),
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


def _line(label: str, cols: Columns, key: str) -> Line | None:
    x, y = series(cols, key)
    if not len(x):
        return None
    xs, ys = envelope(x, y)
    return Line(label, tuple(xs), tuple(ys)) if len(xs) else None


def _charts(train: Columns, val: Columns, result: Mapping[str, Any] | None, notes: list[str]) -> list[Chart]:
    best_step = result.get("best_step") if result else None
    monitor = result.get("monitor") if result else None
    marks = (Mark(float(best_step), f"best {str(monitor).removeprefix('val_')}, step {best_step}"),) if isinstance(best_step, (int, float)) else ()
    charts = []
    loss_lines = [ln for ln in (_line("train loss", train, "loss"), _line("validation loss", val, "val_loss")) if ln]
    if loss_lines:
        scale = pick_scale(v for ln in loss_lines for v in ln.y)
        charts.append(Chart("loss", "step", "loss", lines=tuple(loss_lines), y_scale=scale, x_marks=marks))
    val_keys = sorted(k for k in val if k.startswith("val_") and k != "val_loss")
    for key in val_keys:
        metric = key.removeprefix("val_")
        lines = [ln for ln in (_line(f"train {metric}", train, metric), _line(f"validation {metric}", val, key)) if ln]
        if lines:
            charts.append(Chart(metric, "step", metric, lines=tuple(lines), x_marks=marks if key == monitor else ()))
    lr_x, lr_y = series(train, "lr")
    finite_lr = lr_y[np.isfinite(lr_y)]
    if len(finite_lr) and np.ptp(finite_lr) > 0:
        xs, ys = envelope(lr_x, lr_y)
        charts.append(Chart("learning rate", "step", "learning rate", lines=(Line("learning rate", tuple(xs), tuple(ys)),), y_scale=pick_scale(ys)))
    elif len(finite_lr):
        notes.append(f"learning rate constant at {finite_lr[0]:.3g} for the whole run")
    shown = {"loss", "lr"} | {k.removeprefix("val_") for k in val_keys}
    for key in sorted(k for k in train if k not in shown):
        if ln := _line(key, train, key):
            charts.append(Chart(key, "step", key, lines=(ln,), y_scale=pick_scale(ln.y)))
    return charts


def _problems(name: str, train: Columns, val: Columns, result: Mapping[str, Any] | None, train_rows: int) -> list[Headline]:
    out: list[Headline] = []
    ts, tl = series(train, "loss")
    bad = ts[~np.isfinite(tl)]
    if (result and result.get("diverged")) or len(bad):
        where = f" at step {int(bad[0])}" if len(bad) else ""
        out.append(Headline("error", f"run {name} diverged{where} (non-finite training loss): lower the learning rate, add warmup or gradient clipping"))
    if result is None:
        out.append(Headline("warn", f"run {name} has no result.json: it stopped before it finished (crashed, interrupted or still running); "
                                    f"its curves show the {train_rows} training rows written so far"))
    if not val:
        out.append(Headline("warn", f"run {name} has no validation rows: give validation data, or the curves cannot show overfitting"))
        return out
    vs, vl = series(val, "val_loss")
    ok = np.isfinite(vl)
    vs, vl = vs[ok], vl[ok]
    fine = np.isfinite(tl)
    ts, tl = ts[fine], tl[fine]
    if len(vl) >= 3 and len(tl):
        i = int(np.argmin(vl))
        rise = (vl[-1] - vl[i]) / max(abs(vl[i]), 1e-12)
        if rise > OVERFIT_RISE and i < len(vl) - 1 and _near(ts, tl, vs[-1]) < _near(ts, tl, vs[i]):
            out.append(Headline("warn", f"run {name} overfits: validation loss rose {rise:.0%} after step {int(vs[i])} while training "
                                        f"loss kept falling; keep the best checkpoint, or regularise (weight decay, dropout, augmentation)"))
    if result and result.get("stopped_early"):
        out.append(Headline("info", f"run {name} stopped early at step {result.get('steps')}"))
    return out


def _near(steps: np.ndarray, values: np.ndarray, step: float) -> float:
    """Mean of the 3 rows closest to ``step``: one training row is too noisy to compare."""
    return float(np.mean(values[np.argsort(np.abs(steps - step))[:3]]))


def _facts(config: Mapping[str, Any], train: Columns, counts: tuple[int, int], result: Mapping[str, Any] | None) -> list[tuple[str, str]]:
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
        for key, value in reference_of(config).items():  # the experiment's yardstick, next to the model's
            model = [f"{label} {_fmt(row[key])}" for label, row in (("best", best), ("final", final)) if key in row]
            facts.append((f"reference {key}", f"{_fmt(value)} (declared by the experiment); model: {', '.join(model) or 'not logged'}"))
    elif len(series(train, "loss")[0]):
        facts.append(("steps", f"{int(series(train, 'loss')[0][-1])} steps logged"))
    facts.append(("rows", f"{counts[0]} training, {counts[1]} validation"))
    for key in ("name", "loss", "experiment", "created", "parent"):
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
