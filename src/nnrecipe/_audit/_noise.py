"""The label-noise verdict: how many labels are wrong, and whether any baseline can tell.

Every baseline (``_votes``: the nearest-neighbour vote, ``_linear``: a linear model) predicts
each example's class out of sample. Its *confident disagreement* is the share of labels that
differ from its prediction among its most confident predictions (``_tally``). Wrong labels
disagree with a right prediction whatever the model, and a label flipped at random agrees
with a wrong prediction only by chance, so each baseline's confident disagreement is at
least the share of wrong labels: noisy labels cannot hide from it. What it adds is the
baseline's own errors where it is most confident, so the lowest over the baselines is the
estimate (``estimate``). When it is low the labels are clean whatever the baselines' skill.

A high value means wrong labels only if the baseline that measured it is right where it is
confident; otherwise the data is merely hard for it. A baseline *can tell* when
- its two votes, from models fitted on disjoint parts of train, agree beyond chance (Cohen's
  kappa at least ``_CONSISTENT``): it finds structure in the inputs, and
- for the linear model, the neighbour vote also predicts its class on at least
  ``_CORROBORATED`` of its confident region. A linear model fitted to classes it cannot
  separate is confidently and consistently wrong (its two votes agree, as two fits of the
  same wrong boundary do), so its consistency alone proves nothing; the neighbour vote's
  confidence is the observed purity of each neighbourhood's labels and needs no such check.
Neither test compares predictions with the labels, so wrong labels cannot pass them; they
only weaken the baselines (with half of the labels wrong, usually below what can tell).

The estimate is a ``label_noise`` error from ``_HEAVY`` (0.2) when some baseline can tell,
a warn from ``_MODERATE`` (0.1); when none can, the verdict is ``unknown`` (an info finding),
never an error. The baseline that can tell with the lowest confident disagreement ranks the
individual label errors.

Calibrated with ``benchmarks/label_noise.py`` (0 to 50% of labels changed to another class at
random) on sklearn's digits, iris, wine and breast cancer, the zoo's linear vectors, rings and
XOR blobs, MNIST-1D, and two clean but hard sets: overlapping class clusters and thirty
clusters of ten classes in 64 dimensions (``make_classification``). No clean set errs (the
hard ones end as an info, or with the overlapping clusters' estimate of 3%); from 30% wrong,
every set where a baseline can tell is an error, the estimate within 0.07 of the truth up to
40%. The neighbour vote's kappa is 0.31 on clean MNIST-1D and 0.09 on the thirty clusters, at
least 0.53 where it carries a verdict of heavy noise; the neighbours confirm at most 75% of
the linear model's confident predictions on the clean hard sets, at least 86% where it
carries one. Half of the labels wrong (or 40% in two classes) leaves too little structure
for either baseline on most sets: an info.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal

from ._sections import BaselineFigures
from ._votes import NeighbourVote

__all__ = ["NoiseJudgement", "doubt", "judge_noise"]

_CONSISTENT = 0.35
_CORROBORATED = 0.8
_MODERATE = 0.1
_HEAVY = 0.2

Level = Literal["clean", "moderate", "heavy", "unknown"]


@dataclasses.dataclass(frozen=True)
class NoiseJudgement:
    """The verdict on one split's labels.

    Attributes:
        level: ``"heavy"`` (an error), ``"moderate"`` (a warn), ``"clean"``, or ``"unknown"``
            when no baseline can tell wrong labels from hard examples.
        estimate: The estimated share of wrong labels (the lowest confident disagreement).
        judge: The baseline that ranks the label errors (``None`` when none can tell).
        baselines: The figures, ``can_tell`` filled in, the judge first.
    """

    level: Level
    estimate: float
    judge: str | None
    baselines: tuple[BaselineFigures, ...]


def doubt(f: BaselineFigures) -> str | None:
    """Why a baseline cannot tell wrong labels from hard examples, or ``None`` when it can."""
    if not f.self_consistency >= _CONSISTENT:
        return f"its votes from disjoint data barely agree (kappa {f.self_consistency:.2f})"
    if f.baseline != NeighbourVote.name and not (f.corroboration is not None and f.corroboration >= _CORROBORATED):
        share = "no" if f.corroboration is None else f"{f.corroboration:.0%}"
        return f"the neighbour vote confirms {share} of its confident predictions"
    return None


def judge_noise(figures: Sequence[BaselineFigures]) -> NoiseJudgement:
    """Judge the labels of one split from its baselines' figures.

    Example:
        >>> from nnrecipe._audit._sections import BaselineFigures
        >>> knn = BaselineFigures("neighbours", "vote", 900, 0.4, 0.2, 100, 0.3, 0.9)
        >>> linear = BaselineFigures("linear", "model", 900, 0.55, 0.6, 100, 0.25, 0.95)
        >>> j = judge_noise([knn, linear])
        >>> j.level, j.judge, j.estimate
        ('heavy', 'linear', 0.25)
    """
    judged = [dataclasses.replace(f, can_tell=doubt(f) is None) for f in figures if math.isfinite(f.confident_disagreement)]
    if not judged:
        return NoiseJudgement("unknown", float("nan"), None, tuple(figures))
    estimate = min(f.confident_disagreement for f in judged)
    able = sorted((f for f in judged if f.can_tell), key=lambda f: f.confident_disagreement)
    rest = sorted((f for f in judged if not f.can_tell), key=lambda f: f.confident_disagreement)
    level: Level = "unknown"
    if able:
        level = "heavy" if estimate >= _HEAVY else "moderate" if estimate >= _MODERATE else "clean"
    return NoiseJudgement(level, estimate, able[0].baseline if able else None, (*able, *rest))
