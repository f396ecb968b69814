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

import dataclasses
import logging
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ._budget import Budget
from ._finding import Finding
from ._join import Hits
from ._reservoir import row_keys
from ._sections import LabelErrorSummary
from ._split import RowIndex
from ._spool import Spool
from ._votes import VoteTally, knn_votes

__all__ = ["VOTE_K", "LabelVotes", "judge_labels"]

log = logging.getLogger(__name__)

VOTE_K = 20  # neighbours per query, about half from each half of train
_TRUSTED = 0.6
_HIGH_NOISE = 0.15
_MIN_LABELLED = 30


def _user_probs(given: Any, name: str, C: int, index: RowIndex, rows: np.ndarray, chunk: int = 1 << 16) -> Probs:
    """The user's probabilities for these usable rows, checked and read in chunks.

    Raises:
        DataError: Not one row of ``C`` probabilities per example.
    """
    from .._core._errors import DataError

    probs = given if isinstance(given, np.ndarray) else np.asarray(given)
    if probs.ndim != 2 or probs.shape[1] != C or len(probs) < index.n_total:
        raise DataError(
            f"pred_probs[{name!r}] has shape {probs.shape}; expected (examples in {name}, {C}): one "
            "row of class probabilities per example, in the split's order"
        )

    def chunks() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for lo in range(0, len(rows), chunk):
            r = rows[lo : lo + chunk]
            p = np.asarray(probs[index[r]], dtype=np.float64)
            if not np.allclose(p.sum(1), 1.0, atol=1e-3) or (p < 0).any():
                raise DataError(
                    f"pred_probs[{name!r}] rows must be probabilities (non-negative, summing to 1); "
                    "apply softmax to logits: `torch.softmax(logits, dim=1)`"
                )
            yield r, p

    return Probs(chunks, small=len(rows) * C * 8 <= 1 << 28)


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


class LabelVotes:
    """Collects the nearest-neighbour votes of every labelled query, split by split.

    Use it as the sink of a join's home hits (each query's ``k`` nearest training rows). The
    training rows are cut into two halves by a hash of their row number and the seed.

    Args:
        classes: Per split name, class ids of its rows (-1 for unusable labels).
        names: Split names by tag.
        num_classes: The number of classes.
        budget: Where the probabilities go when they outgrow memory.
        seed: Seed of the halves and of tie-breaking.
    """

    def __init__(self, classes: Mapping[str, np.ndarray], names: Mapping[int, str], num_classes: int, budget: Budget, *, seed: int = 0) -> None:
        self.classes, self.names, self.num_classes, self.seed = classes, names, num_classes, seed
        train = classes["train"]
        usable = train[train >= 0]
        self.prior = np.bincount(usable, minlength=num_classes) / max(len(usable), 1)
        self.tallies: dict[str, VoteTally] = {}
        self.probs: dict[str, tuple[Spool, Spool]] = {}
        self._budget = budget
        self._rng = np.random.default_rng(seed)

    def __call__(self, hits: Hits) -> None:
        name = self.names[hits.tag]
        if not hits.home or name not in self.classes:
            return
        labels = self.classes[name][hits.rows]
        ok = labels >= 0
        ids = hits.ids[ok]
        train = self.classes["train"]
        neighbour = np.where(ids >= 0, train[np.maximum(ids, 0)], -1)
        half = (row_keys(np.maximum(ids, 0), self.seed + 1) & np.uint64(1)).astype(bool)
        votes = knn_votes(neighbour, half, self.prior, self._rng)
        self.tallies.setdefault(name, VoteTally(self.num_classes)).add(votes, labels[ok])
        if name not in self.probs:
            share = self._budget.share(0.1)
            n = int((self.classes[name] >= 0).sum())
            self.probs[name] = (
                Spool(self._budget, np.int64, 0, limit=share, name=f"vote-rows-{name}", expected=n),
                Spool(self._budget, np.float32, self.num_classes, limit=share, name=f"vote-probs-{name}", expected=n),
            )
        self.probs[name][0].append(hits.rows[ok])
        self.probs[name][1].append(votes.probs)

    def table(self, name: str) -> Probs:
        """The votes' probabilities of one split."""
        rows_t, probs_t = self.probs[name]

        def chunks() -> Iterator[tuple[np.ndarray, np.ndarray]]:
            for (_, r), (_, p) in zip(rows_t.chunks(1 << 16), probs_t.chunks(1 << 16)):
                yield r, p.astype(np.float64)

        return Probs(chunks, small=not probs_t.on_disk)

    def close(self) -> None:
        for spools in self.probs.values():
            for sp in spools:
                sp.close()


def judge_labels(
    votes: LabelVotes | None,
    classes: Mapping[str, np.ndarray],
    index: Mapping[str, RowIndex],
    num_classes: int,
    *,
    pred_probs: Mapping[str, Any] | None = None,
) -> tuple[list[Finding], LabelErrorSummary]:
    """Rank likely label errors per split and estimate the label-noise rate.

    Args:
        votes: The baseline's votes (``None`` when no join ran).
        classes: Per split, class ids of the usable rows (-1 for unusable labels).
        index: Per split, positions as passed of the usable rows.
        num_classes: The number of classes.
        pred_probs: Out-of-sample probabilities from the user's model per split (rows as
            passed); they replace the baseline where given.

    Returns:
        Findings (``label_errors`` warn, ``label_noise`` error, or ``label_errors_skipped``
        info) and the section.
    """
    pred_probs = pred_probs or {}
    out: dict[str, dict[str, Any]] = {k: {} for k in ("method", "agreement", "self_consistency", "noise_rate", "flagged")}
    findings: list[Finding] = []
    weak: list[str] = []
    noisy: list[str] = []
    for name, ids in classes.items():
        labelled = int((ids >= 0).sum())
        if labelled < _MIN_LABELLED:
            continue
        if name in pred_probs:
            probs = _user_probs(pred_probs[name], name, num_classes, index[name], np.flatnonzero(ids >= 0))
            ranked, suggested, out["agreement"][name] = _ranked(probs, ids, num_classes)
            out["method"][name] = "user pred_probs"
        elif votes is not None and name in votes.tallies:
            tally = votes.tallies[name]
            out["method"][name] = f"{VOTE_K}-nearest-neighbour vote on train"
            out["agreement"][name] = tally.agreement
            out["self_consistency"][name] = tally.self_consistency
            if tally.self_consistency < _TRUSTED:
                out["noise_rate"][name] = None
                weak.append(f"{name} (kappa {tally.self_consistency:.2f})")
                continue
            out["noise_rate"][name] = tally.noise_rate
            if tally.noise_rate >= _HIGH_NOISE:
                noisy.append(name)
            ranked, suggested, _ = _ranked(votes.table(name), ids, num_classes)
        else:
            continue
        out["flagged"][name] = len(ranked)
        if len(ranked):
            findings.append(
                Finding(
                    "label_errors", "warn",
                    f"{len(ranked)} {name} examples look mislabelled: out-of-sample predictions confidently "
                    "disagree with the given label (confident learning); review them, most likely first.",
                    [(name, int(i)) for i in index[name][ranked]],
                    {"suggested_label": suggested.tolist()},
                )
            )
    findings += _verdicts(out, noisy, weak)
    skipped = None if out["method"] else f"fewer than {_MIN_LABELLED} labelled examples per split"
    return findings, LabelErrorSummary(**out, skipped=skipped)


@dataclasses.dataclass(frozen=True)
class Probs:
    """Out-of-sample probabilities of the labelled rows of a split, read in chunks.

    Attributes:
        chunks: Called once per pass; yields ``(rows, probabilities)``.
        small: They fit in memory at once (cleanlab's filter), else they are streamed
            (cleanlab's batched ``LabelInspector``).
    """

    chunks: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]]
    small: bool


def _ranked(probs: Probs, ids: np.ndarray, C: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Rows ranked as label issues, their suggested classes, and the share of rows whose
    most probable class is the given label."""
    if probs.small:
        parts = list(probs.chunks())
        rows = np.concatenate([r for r, _ in parts])
        p = np.concatenate([q for _, q in parts]).astype(np.float64)
        order = np.argsort(rows, kind="stable")
        rows, p = rows[order], p[order]
        ranked = _issues(ids[rows], p)
        return rows[ranked], p[ranked].argmax(1), float((p.argmax(1) == ids[rows]).mean())
    from cleanlab.experimental.label_issues_batched import LabelInspector

    inspector = LabelInspector(num_class=C, store_results=True, verbose=False, n_jobs=1)
    for r, p in probs.chunks():
        inspector.update_confident_thresholds(ids[r], p)
    seen: list[np.ndarray] = []
    best: list[np.ndarray] = []
    for r, p in probs.chunks():
        inspector.score_label_quality(ids[r], p)
        seen.append(r)
        best.append(p.argmax(1).astype(np.int32))
    rows, suggested = np.concatenate(seen), np.concatenate(best)
    ranked = np.asarray(inspector.get_label_issues(), dtype=np.int64)
    return rows[ranked], suggested[ranked], float((suggested == ids[rows]).mean())


def _verdicts(out: Mapping[str, Mapping[str, Any]], noisy: list[str], weak: list[str]) -> list[Finding]:
    findings = []
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
    return findings
