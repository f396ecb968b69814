"""Scoring every candidate ensemble of a greedy step at once, as sort keys.

A candidate is the ensemble so far plus one member: ``(total + member) / size``, where
``total`` is the sum of the members already in. Its key is ``(metric, tiebreak)``, lower
is better (accuracy is negated; its tiebreak is the log loss, 0 for the other metrics).

For class probabilities the log loss needs only each example's probability of its true
class: gathered once per member, a candidate's log loss costs one add per example instead
of one per class. Accuracy needs every class (an argmax), but only where the member can change it: one
member moves the gap between two classes of the sum by at most 1 (probabilities lie in
[0, 1]), so an example whose top class leads the sum by more than 1 is decided whatever is
added. Once an ensemble holds a few members most examples are decided, and each step
scores only the rest. Both match
:func:`~._scores.per_example` (the tests hold them to a plain loop over it).
"""

from __future__ import annotations

import torch

from .._core._task import TaskKind
from ._scores import EPS, MetricName, higher_is_better, per_example

__all__ = ["CandidateScorer"]

_CHUNK = 1 << 23  # numbers scored at once: candidates are scored in chunks of this size
_CLASS_TASKS = ("classification", "autoregressive")


class CandidateScorer:
    """Keys of candidate ensembles drawn from the members' validation predictions.

    Args:
        preds: ``(members, N, ...)`` predictions.
        y: ``(N, ...)`` targets.
        metric: The selection metric.
        task: The task kind.
    """

    def __init__(self, preds: torch.Tensor, y: torch.Tensor, metric: MetricName, task: TaskKind) -> None:
        self.preds, self.y, self.metric, self.task = preds, y, metric, task
        self.classes = task in _CLASS_TASKS
        if self.classes:
            self.index = y.long().unsqueeze(-1)
            # Each member's probability of each example's true class: (members, N, ...).
            self.true = preds.gather(-1, self.index.expand(len(preds), *self.index.shape)).squeeze(-1).double()
            self.flat = preds.reshape(len(preds), -1, preds.shape[-1])  # (members, elements, classes)
            self.flat_y = y.reshape(-1)

    def keys(self, total: torch.Tensor, members: torch.Tensor, size: int) -> torch.Tensor:
        """``(len(members), 2)`` keys of ``(total + preds[m]) / size`` for each ``m`` in ``members``."""
        per = max(1, _CHUNK // max(1, total.numel()))
        return torch.cat([self._keys(total, members[i : i + per], size) for i in range(0, len(members), per)])

    def _keys(self, total: torch.Tensor, members: torch.Tensor, size: int) -> torch.Tensor:
        if self.classes:
            true = (total.gather(-1, self.index).squeeze(-1)[None] + self.true[members]) / size
            nll = -true.clamp_min(EPS).log().flatten(1).mean(1)
            if self.metric == "nll":
                return torch.stack([nll, torch.zeros_like(nll)], -1)
            return torch.stack([-self._accuracy(total, members), nll], -1)
        candidates = (total[None] + self.preds[members].double()) / size
        primary = per_example(self.metric, candidates, self.y, self.task).mean(-1)
        primary = -primary if higher_is_better(self.metric) else primary
        tiebreak = per_example("nll", candidates, self.y, self.task).mean(-1) if self.metric == "accuracy" else torch.zeros_like(primary)
        return torch.stack([primary, tiebreak], -1)

    def _accuracy(self, total: torch.Tensor, members: torch.Tensor) -> torch.Tensor:
        total = total.reshape(-1, total.shape[-1])  # (elements, classes)
        top2 = total.topk(min(2, total.shape[-1]), -1)
        margin = top2.values[:, 0] - top2.values[:, -1] if total.shape[-1] > 1 else torch.full((len(total),), torch.inf, dtype=total.dtype)
        open_ = torch.nonzero(margin <= 1).flatten()  # examples a member can still change
        decided = ((top2.indices[:, 0] == self.flat_y) & (margin > 1)).sum()
        candidates = total[open_][None] + self.flat[members[:, None], open_[None, :]]  # the division changes no argmax
        correct = (candidates.argmax(-1) == self.flat_y[open_]).sum(1)
        return (decided + correct).double() / len(total)
