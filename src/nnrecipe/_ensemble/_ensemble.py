"""``ensemble``: the best combination of finished runs, from their stored predictions alone.

No model is retrained or even rebuilt: every run stored its validation and test predictions
(see ``_store``). Selection (ranking, averaging, greedy) reads validation predictions only;
test predictions are scored once, afterwards, for the best single model, the average and the
greedy ensemble, with the gain's paired bootstrap interval.
"""

from __future__ import annotations

import dataclasses
import os
import time

import torch

from .._core._files import utc_iso
from .._core._task import TaskKind
from .._tune._study import Study
from ._bootstrap import paired_bootstrap
from ._library import Library, load_library
from ._options import EnsembleOptions
from ._rebuild import cpu_threads
from ._result import EnsembleResult, Member, Method, MethodResult
from ._scores import (
    MetricName,
    default_metric,
    higher_is_better,
    metric_for,
    per_example,
    score,
    task_metrics,
)
from ._selection import average_weights, combine, greedy_selection, rank
from ._sources import Source, collect_runs

__all__ = ["ensemble"]

# Below this many validation numbers in the library, selection runs on one thread: measured
# on the 2-core machine under load, 16 members x 500 examples x 10 classes took 2.3 s on two
# threads and 0.06 s on one (threads spinning against other processes on tiny tensors).
ONE_THREAD_BELOW = 1 << 26


def ensemble(
    *sources: Source,
    options: EnsembleOptions | None = None,
    storage: str | None = None,
    study_name: str | None = None,
    store_missing: bool = False,
) -> EnsembleResult:
    """Select an ensemble of finished runs from their stored predictions, without retraining.

    Args:
        sources: Study files, :class:`~nnrecipe.Study` objects, storage URLs or ``.journal`` /
            ``.db`` files (a study's finished trials), folders of runs, or run folders.
        options: Selection and bootstrap choices (:class:`~nnrecipe.ensembling.EnsembleOptions`).
        storage: Storage URL that overrides a study file's.
        study_name: Which study of a storage that holds several.
        store_missing: Store the predictions of runs that have none (from their best weights,
            rebuilding each model from the experiment file it recorded) instead of refusing.

    Returns:
        An :class:`EnsembleResult`; ``result.save(path)`` writes it, and
        :meth:`Ensemble.load <nnrecipe.Ensemble.load>` rebuilds it for prediction.

    Raises:
        ConfigError: Nothing usable in ``sources``; runs without stored predictions; fewer
            than 2 usable members; members that predict different shapes or were evaluated
            on different examples; a metric that does not fit the task.

    Example:
        >>> result = nnrecipe.ensemble("examples/mnist1d_study.yaml")  # doctest: +SKIP
        >>> print(nnrecipe.ensembling.render_text(result))  # doctest: +SKIP
    """
    options = options or EnsembleOptions()
    if not sources:
        raise TypeError("ensemble() needs at least one source: a study file, a folder of runs or run folders")
    candidates, excluded = collect_runs(sources, storage=storage, study_name=study_name)
    library = load_library(candidates, excluded, store_missing=store_missing)
    first = library.predictions[0]
    task = first.rule.task
    metric = metric_for(options.metric or default_metric(task, first.monitor, first.loss), task)

    with cpu_threads(1 if library.val.numel() < ONE_THREAD_BELOW else None):
        start = time.perf_counter()
        order = rank(library.val, library.val_targets, metric, task)
        greedy = greedy_selection(library.val, library.val_targets, metric, task, init=options.init, steps=options.steps)
        weights: dict[Method, tuple[float, ...]] = {
            "single": average_weights(order, 1, len(order)),
            "average": average_weights(order, options.average, len(order)),
            "greedy": greedy.weights,
        }
        seconds = time.perf_counter() - start
        methods = {name: _method(name, w, library, metric, None if name == "single" else weights["single"], options) for name, w in weights.items()}
        members = tuple(_member(library, i) for i in range(len(library.labels)))
    return EnsembleResult(
        metric=metric, task=task, classes=first.rule.classes, members=members, excluded=tuple(excluded),
        single=methods["single"], average=methods["average"], greedy=methods["greedy"],
        trajectory=greedy.trajectory, best_size=greedy.best_size,
        val_size=len(library.val_targets), test_size=None if library.test_targets is None else len(library.test_targets),
        targets_sha256={"val": first.val.targets_sha256, **({"test": first.test.targets_sha256} if first.test else {})},
        options=dataclasses.replace(options, metric=metric), seconds=seconds,
        sources=tuple(f"study {s.name}" if isinstance(s, Study) else os.fspath(s) for s in sources), created=utc_iso(),
    )


def _metrics(pred: torch.Tensor, y: torch.Tensor, task: TaskKind) -> dict[str, float]:
    return {m: score(m, pred, y, task) for m in task_metrics(task)}


def _member(library: Library, i: int) -> Member:
    p = library.predictions[i]
    return Member(
        run_dir=p.run_dir.resolve(), label=library.labels[i], weights=p.weights, weights_sha256=p.weights_sha256,
        step=p.step, monitor=p.monitor, experiment=p.experiment, rule=p.rule,
        val=_metrics(library.val[i], library.val_targets, p.rule.task),
    )


def _method(
    method: Method, weights: tuple[float, ...], library: Library, metric: MetricName,
    baseline: tuple[float, ...] | None, options: EnsembleOptions,
) -> MethodResult:
    task = library.predictions[0].rule.task
    val = _metrics(combine(library.val, weights), library.val_targets, task)
    if library.test is None or library.test_targets is None:
        return MethodResult(method, weights, val, None, None, None)
    pred = combine(library.test, weights)
    test = _metrics(pred, library.test_targets, task)
    if baseline is None:
        return MethodResult(method, weights, val, test, None, None)
    ours = per_example(metric, pred, library.test_targets, task)
    theirs = per_example(metric, combine(library.test, baseline), library.test_targets, task)
    diff = ours - theirs if higher_is_better(metric) else theirs - ours
    interval = paired_bootstrap(diff, resamples=options.resamples, confidence=options.confidence, seed=options.seed)
    return MethodResult(method, weights, val, test, float(diff.mean()), interval)
