"""Likely label errors and the label-noise rate: confident learning (cleanlab) on out-of-sample
probabilities from the user's model, or from the nearest-neighbour vote of ``_votes``.

Verdicts, calibrated on sklearn digits and MNIST-1D with 0-50% of labels flipped at random
(seeded, whole training sets) and on the clean iris, wine and breast-cancer sets:
- the two half-votes agree beyond chance (Cohen's kappa) less than ``_TRUSTED``: the baseline
  cannot judge labels on this data, an ``info`` says so (MNIST-1D: kappa 0.30 clean, 0.13 to
  0.28 with 5-50% flipped, where a vote is right about half the time);
- otherwise the examples confident learning ranks as mislabelled are a ``warn``, and an
  estimated noise rate of ``_HIGH_NOISE`` or more is an ``error``. Digits: kappa 0.96 clean and
  0.73 with half the labels flipped; estimated rate 0.01 clean, then 0.06 / 0.10 / 0.19 / 0.29 /
  0.38 / 0.43 at 5 / 10 / 20 / 30 / 40 / 50% flipped; iris, wine, breast cancer: 0.01 to 0.03.
  Classes that overlap (an honest ambiguity) do not raise the estimate much: there the two
  votes disagree with each other about as often as with the label.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._finding import Finding
from ._index import NeighborIndex
from ._sections import LabelErrorSummary
from ._votes import VoteTally, knn_votes

__all__ = ["find_label_errors"]

log = logging.getLogger(__name__)

_K = 20  # neighbours per query, about half from each half of train
_TRUSTED = 0.6
_HIGH_NOISE = 0.15
_MIN_LABELLED = 30


def _checked_probs(given: Any, name: str, C: int, n: int) -> np.ndarray:
    from .._core._errors import DataError

    probs = np.asarray(given, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] != C or len(probs) < n:
        raise DataError(
            f"pred_probs[{name!r}] has shape {probs.shape}; expected (examples in {name}, {C}): one "
            "row of class probabilities per example, in the split's order"
        )
    if not np.allclose(probs.sum(1), 1.0, atol=1e-3) or (probs < 0).any():
        raise DataError(
            f"pred_probs[{name!r}] rows must be probabilities (non-negative, summing to 1); "
            "apply softmax to logits: `torch.softmax(logits, dim=1)`"
        )
    return probs


def _issues(labels: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Confident learning's ranked label issues (positions into ``labels``)."""
    from cleanlab.filter import find_label_issues

    present = np.unique(labels)
    if len(present) < 2 or np.bincount(labels).max(initial=0) == len(labels):
        return np.zeros(0, dtype=np.int64)
    remap = np.full(probs.shape[1], -1)
    remap[present] = np.arange(len(present))
    p = probs[:, present] + 1e-12  # cleanlab wants every column to be a class that occurs
    p /= p.sum(1, keepdims=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ranked = find_label_issues(remap[labels], p, return_indices_ranked_by="self_confidence")
    for w in caught:
        log.debug("cleanlab: %s", w.message)
    return np.asarray(ranked, dtype=np.int64)


def find_label_errors(
    index: NeighborIndex,
    Z: Mapping[str, np.ndarray],
    classes: Mapping[str, np.ndarray],
    rows: Mapping[str, np.ndarray],
    num_classes: int,
    *,
    pred_probs: Mapping[str, Any] | None = None,
    seed: int = 0,
) -> tuple[list[Finding], LabelErrorSummary]:
    """Rank likely label errors per split and estimate the label-noise rate.

    Args:
        index: The neighbour index over ``Z["train"]``.
        Z: Per split, the representation of the usable rows.
        classes: Per split, class ids aligned with those rows (-1 for unusable labels).
        rows: Per split, each row's index in the split as passed.
        num_classes: The number of classes.
        pred_probs: Out-of-sample probabilities from the user's model per split (rows as
            passed); they replace the baseline where given.
        seed: Seed of the halves and tie-breaking.

    Returns:
        Findings (``label_errors`` warn, ``label_noise`` error, or ``label_errors_skipped``
        info) and the section.
    """
    pred_probs = pred_probs or {}
    rng = np.random.default_rng(seed)
    train = classes["train"]
    half = rng.random(len(train)) < 0.5
    usable = train[train >= 0]
    prior = np.bincount(usable, minlength=num_classes) / max(len(usable), 1)
    out: dict[str, dict[str, Any]] = {k: {} for k in ("method", "agreement", "self_consistency", "noise_rate", "flagged")}
    findings: list[Finding] = []
    weak: list[str] = []
    noisy: list[str] = []
    for name, ids in classes.items():
        ok = np.flatnonzero(ids >= 0)
        if len(ok) < _MIN_LABELLED:
            continue
        labels = ids[ok]
        if name in pred_probs:
            probs = _checked_probs(pred_probs[name], name, num_classes, int(rows[name].max()) + 1)[rows[name][ok]]
            out["method"][name] = "user pred_probs"
            out["agreement"][name] = float((probs.argmax(1) == labels).mean())
        else:
            probs, tally = _baseline(index, Z[name][ok], ok if name == "train" else None, train, half, prior, labels, rng)
            out["method"][name] = f"{_K}-nearest-neighbour vote on train"
            out["agreement"][name] = tally.agreement
            out["self_consistency"][name] = tally.self_consistency
            if tally.self_consistency < _TRUSTED:
                out["noise_rate"][name] = None
                weak.append(f"{name} (kappa {tally.self_consistency:.2f})")
                continue
            out["noise_rate"][name] = tally.noise_rate
            if tally.noise_rate >= _HIGH_NOISE:
                noisy.append(name)
        ranked = _issues(labels, probs)
        out["flagged"][name] = len(ranked)
        if len(ranked):
            findings.append(
                Finding(
                    "label_errors", "warn",
                    f"{len(ranked)} {name} examples look mislabelled: out-of-sample predictions confidently "
                    "disagree with the given label (confident learning); review them, most likely first.",
                    [(name, int(rows[name][ok[r]])) for r in ranked],
                    {"suggested_label": probs[ranked].argmax(1).tolist()},
                )
            )
    if noisy:
        rates = ", ".join(f"{n} about {out['noise_rate'][n]:.0%}" for n in noisy)
        findings.append(
            Finding(
                "label_noise", "error",
                f"heavy label noise: an estimated {rates} of labels are wrong (labels agree with a "
                "nearest-neighbour vote far less often than two independent votes agree with each other; "
                "the estimate errs low). Fix the labelling before training: relabel, or review the "
                "`label_errors` examples first.",
                details={n: {k: out[k][n] for k in ("agreement", "self_consistency", "noise_rate")} for n in noisy},
            )
        )
    if weak:
        findings.append(
            Finding(
                "label_errors_skipped", "info",
                f"the nearest-neighbour baseline is too weak on this data to judge labels on {', '.join(weak)}: "
                "votes from two halves of train barely agree beyond chance, so disagreement with a label says "
                "little about the label. Pass pred_probs from a trained model (out-of-sample) to rank label errors.",
            )
        )
    skipped = None if out["method"] else f"fewer than {_MIN_LABELLED} labelled examples per split"
    return findings, LabelErrorSummary(**out, skipped=skipped)


def _baseline(
    index: NeighborIndex,
    Q: np.ndarray,
    own: np.ndarray | None,
    train: np.ndarray,
    half: np.ndarray,
    prior: np.ndarray,
    labels: np.ndarray,
    rng: np.random.Generator,
    *,
    batch: int = 65536,
) -> tuple[np.ndarray, VoteTally]:
    """Vote probabilities and agreement counts, in batches of queries."""
    k = min(_K, index.size - (1 if own is not None else 0))
    tally = VoteTally(len(prior))
    probs = np.empty((len(Q), len(prior)))
    for lo in range(0, len(Q), batch):
        sl = slice(lo, lo + batch)
        ids, _ = index.search(Q[sl], k, exclude=None if own is None else own[sl])
        neighbour = np.where(ids >= 0, train[np.maximum(ids, 0)], -1)
        votes = knn_votes(neighbour, half[np.maximum(ids, 0)], prior, rng)
        tally.add(votes, labels[sl])
        probs[sl] = votes.probs
    return probs, tally
