"""The library an ensemble is selected from: every candidate's stored predictions, checked
to be comparable (same task, same output shape, the same validation and test examples in the
same order), stacked into one tensor per split.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import torch

from .._core._errors import ConfigError
from ._predictions import Predictions, SplitPredictions, has_predictions, read_predictions
from ._result import Excluded
from ._sources import Candidate
from ._store import read_result, store_predictions

__all__ = ["Library", "load_library"]

MIN_MEMBERS = 2


@dataclasses.dataclass(frozen=True, eq=False)
class Library:
    """Comparable members: their labels, stored predictions, and each split stacked ``(members, N, ...)``."""

    labels: tuple[str, ...]
    predictions: tuple[Predictions, ...]
    val: torch.Tensor
    val_targets: torch.Tensor
    test: torch.Tensor | None
    test_targets: torch.Tensor | None


def load_library(candidates: Sequence[Candidate], excluded: list[Excluded], *, store_missing: bool = False) -> Library:
    """Read the candidates' predictions (storing missing ones when asked) and check they are comparable.

    Diverged runs are added to ``excluded``.

    Raises:
        ConfigError: Runs without stored predictions (named, with how to store them), fewer
            than 2 usable members, or members that predict different things.
    """
    usable: list[tuple[str, Predictions]] = []
    missing: list[Candidate] = []
    for c in candidates:
        if has_predictions(c.run_dir):
            usable.append((c.label, read_predictions(c.run_dir)))
        elif read_result(c.run_dir).get("diverged"):
            excluded.append(Excluded(c.label, "diverged: a run with a non-finite loss is no model worth an ensemble"))
        else:
            missing.append(c)
    if missing and not store_missing:
        names = ", ".join(f"{c.label} ({c.run_dir})" if c.label != c.run_dir.name else str(c.run_dir) for c in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise ConfigError(
            f"{len(missing)} run(s) have no stored predictions: {names}{more}. They were trained before nnrecipe stored "
            f"predictions, stopped before their end, or failed to store them. Store them from each run's best weights "
            f"with `nnrecipe ensemble --store-missing ...` (Python: nnrecipe.ensembling.store_predictions(run)), "
            f"or leave these runs out"
        )
    for c in missing:
        usable.append((c.label, store_predictions(c.run_dir)))
    if len(usable) < MIN_MEMBERS:
        left = "; ".join(f"{e.run}: {e.reason}" for e in excluded[:5])
        raise ConfigError(
            f"an ensemble needs at least {MIN_MEMBERS} models with stored predictions; found {len(usable)}"
            + (f" ({usable[0][0]})" if usable else "") + (f"; left out: {left}" if left else "")
            + ". Pass more runs, or run more trials"
        )
    _check_comparable(usable)
    preds = tuple(p for _, p in usable)
    first = preds[0]
    return Library(
        labels=tuple(label for label, _ in usable), predictions=preds,
        val=torch.stack([p.val.predictions for p in preds]), val_targets=first.val.targets,
        test=None if first.test is None else torch.stack([_test(p).predictions for p in preds]),
        test_targets=None if first.test is None else first.test.targets,
    )


def _test(p: Predictions) -> SplitPredictions:
    if p.test is None:  # checked by _check_comparable: every member has a test split or none does
        raise ConfigError(f"{p.run_dir} stored no test predictions")
    return p.test


def _check_comparable(usable: list[tuple[str, Predictions]]) -> None:
    (label0, first), fix = usable[0], "ensemble runs of the same experiment data"
    for label, p in usable[1:]:
        if p.rule.task != first.rule.task:
            raise ConfigError(f"{label0} is a {first.rule.task} model but {label} a {p.rule.task} one; ensemble models of one task")
        if p.rule.example_shape != first.rule.example_shape:
            raise ConfigError(
                f"members predict different output shapes: {label0} {tuple(first.val.predictions.shape)} but {label} "
                f"{tuple(p.val.predictions.shape)} (examples x outputs); ensemble models with the same outputs (same classes)"
            )
        for split, a, b in (("validation", first.val, p.val), ("test", first.test, p.test)):
            if (a is None) != (b is None):
                raise ConfigError(f"{label0 if a is not None else label} has a {split} split and {label if a is not None else label0} none; {fix}")
            if a is not None and b is not None and a.targets_sha256 != b.targets_sha256:
                raise ConfigError(
                    f"{label0} and {label} have different {split} targets ({a.size} and {b.size} examples, different "
                    f"fingerprints): they were not evaluated on the same examples in the same order; {fix}"
                )
