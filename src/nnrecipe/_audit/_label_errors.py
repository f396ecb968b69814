"""Likely label errors and the label-noise rate, per split: confident learning on out-of-sample
probabilities from the user's model, or from the label baselines.

Without ``pred_probs`` two baselines of different kinds vote on every labelled example during
the neighbour search: the nearest-neighbour vote (``_votes``) and a linear model
(``_linear``). ``_tally`` counts how their votes meet the labels, ``_noise`` turns that into
the verdict (how many labels are wrong, and whether any baseline can tell), and the
baseline it picks ranks the individual label errors (``_confident``). Findings:
- ``label_errors`` (warn): the examples confident learning ranks as mislabelled;
- ``label_noise``: an estimated noise rate of 20% or more is an error, 10% or more a warn;
- ``label_errors_skipped`` (info): no baseline can tell wrong labels from hard examples
  (MNIST-1D: neither its neighbours nor a linear model predict it well), so nothing is ranked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ._budget import Budget
from ._confident import Probs, ranked, user_probs
from ._finding import Finding, Severity
from ._join import Hits
from ._linear import LinearVote
from ._noise import NoiseJudgement, doubt, judge_noise
from ._reservoir import Reservoir
from ._sections import LabelErrorSummary, to_dict
from ._split import RowIndex
from ._spool import Spool
from ._tally import BaselineTally
from ._votes import Baseline, NeighbourVote

__all__ = ["VOTE_K", "LabelVotes", "judge_labels", "label_baselines"]

VOTE_K = 20  # neighbours per query, about half from each half of train
_MIN_LABELLED = 30


def label_baselines(
    train: np.ndarray, num_classes: int, sample: Reservoir, embed: Callable[[np.ndarray], np.ndarray], *, seed: int = 0
) -> list[Baseline]:
    """The neighbour vote, and the linear model fitted on the training sample (when it can be).

    Args:
        train: Class ids of train's usable rows (-1 for unusable labels).
        num_classes: The number of classes.
        sample: Finite training rows sampled uniformly.
        embed: The representation the neighbour search compares (rows to vectors).
        seed: Seed of halves, folds and subsamples.
    """
    out: list[Baseline] = [NeighbourVote(train, num_classes, VOTE_K, seed=seed)]
    if sample.X is not None and len(sample.rows):
        linear = LinearVote.fit(sample.X, train[sample.rows], sample.rows, num_classes, embed=embed, seed=seed)
        if linear is not None:
            out.append(linear)
    return out


class LabelVotes:
    """Collects every baseline's votes on every labelled query, split by split.

    Use it as the sink of a join's home hits (each query's ``k`` nearest training rows and
    its vector).

    Args:
        classes: Per split name, class ids of its rows (-1 for unusable labels).
        names: Split names by tag.
        num_classes: The number of classes.
        budget: Where the probabilities go when they outgrow memory.
        baselines: The label baselines (see :func:`label_baselines`).
    """

    def __init__(
        self, classes: Mapping[str, np.ndarray], names: Mapping[int, str], num_classes: int, budget: Budget, baselines: Sequence[Baseline]
    ) -> None:
        self.classes, self.names, self.num_classes, self.baselines = classes, names, num_classes, list(baselines)
        self.tallies: dict[str, dict[str, BaselineTally]] = {}
        self._rows: dict[str, Spool] = {}  # per split, the rows voted on, in the order of...
        self._probs: dict[tuple[str, str], Spool] = {}  # ...each baseline's probabilities
        self._budget = budget

    def __call__(self, hits: Hits) -> None:
        name = self.names[hits.tag]
        if not hits.home or name not in self.classes:
            return
        labels = self.classes[name][hits.rows]
        ok = labels >= 0
        vectors = None if hits.vectors is None else hits.vectors[ok]
        queries = Hits(hits.tag, hits.rows[ok], hits.ids[ok], hits.dist[ok], vectors=vectors)
        votes = {b.name: b.votes(queries) for b in self.baselines}
        # Corroboration: the neighbour vote's class where another baseline is confident.
        neighbours = votes[NeighbourVote.name].probs.argmax(1) if NeighbourVote.name in votes else None
        tallies = self.tallies.setdefault(name, {})
        self._spool(self._rows, name, name, np.int64, 0).append(queries.rows)
        for b, v in votes.items():
            other = None if b == NeighbourVote.name else neighbours
            tallies.setdefault(b, BaselineTally(self.num_classes)).add(v, labels[ok], other)
            self._spool(self._probs, (name, b), name, np.float32, self.num_classes).append(v.probs)

    def _spool(self, tables: dict[Any, Spool], key: Any, split: str, dtype: Any, width: int) -> Spool:
        if key not in tables:
            n = int((self.classes[split] >= 0).sum())
            share = self._budget.share(0.1 / (1 + len(self.baselines)))
            tables[key] = Spool(self._budget, dtype, width, limit=share, name=f"votes-{'-'.join(map(str, key))}", expected=n)
        return tables[key]

    def judge(self, split: str) -> NoiseJudgement:
        """The verdict on one split's labels from every baseline's figures."""
        described = {b.name: b.describe() for b in self.baselines}
        return judge_noise([t.figures(b, described[b]) for b, t in self.tallies[split].items()])

    def table(self, split: str, baseline: str) -> Probs:
        """One baseline's probabilities on one split."""
        rows_t, probs_t = self._rows[split], self._probs[(split, baseline)]

        def chunks() -> Iterator[tuple[np.ndarray, np.ndarray]]:
            for (_, r), (_, p) in zip(rows_t.chunks(1 << 16), probs_t.chunks(1 << 16)):
                yield r, p.astype(np.float64)

        return Probs(chunks, small=not probs_t.on_disk)

    def close(self) -> None:
        for sp in (*self._rows.values(), *self._probs.values()):
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
        votes: The baselines' votes (``None`` when no join ran).
        classes: Per split, class ids of the usable rows (-1 for unusable labels).
        index: Per split, positions as passed of the usable rows.
        num_classes: The number of classes.
        pred_probs: Out-of-sample probabilities from the user's model per split (rows as
            passed); they replace the baselines where given.

    Returns:
        Findings (``label_errors`` warn, ``label_noise`` error or warn,
        ``label_errors_skipped`` info) and the section.
    """
    pred_probs = pred_probs or {}
    out: dict[str, dict[str, Any]] = {k: {} for k in ("method", "agreement", "self_consistency", "noise_rate", "flagged", "baselines")}
    findings: list[Finding] = []
    verdicts: dict[str, NoiseJudgement] = {}
    for name, ids in classes.items():
        if int((ids >= 0).sum()) < _MIN_LABELLED:
            continue
        if name in pred_probs:
            probs = user_probs(pred_probs[name], name, num_classes, index[name], np.flatnonzero(ids >= 0))
            rows, suggested, out["agreement"][name] = ranked(probs, ids, num_classes)
            out["method"][name] = "user pred_probs"
        elif votes is not None and name in votes.tallies:
            verdicts[name] = j = votes.judge(name)
            lead = j.baselines[0]
            out["method"][name], out["agreement"][name], out["self_consistency"][name] = lead.method, lead.agreement, lead.self_consistency
            out["noise_rate"][name] = None if j.judge is None else j.estimate
            out["baselines"][name] = j.baselines
            if j.judge is None:
                continue
            rows, suggested, _ = ranked(votes.table(name, j.judge), ids, num_classes)
        else:
            continue
        out["flagged"][name] = len(rows)
        if len(rows):
            findings.append(
                Finding(
                    "label_errors", "warn",
                    f"{len(rows)} {name} examples look mislabelled: out-of-sample predictions confidently "
                    "disagree with the given label (confident learning); review them, most likely first.",
                    [(name, int(i)) for i in index[name][rows]],
                    {"suggested_label": suggested.tolist()},
                )
            )
    findings += _verdicts(verdicts)
    skipped = None if out["method"] else f"fewer than {_MIN_LABELLED} labelled examples per split"
    return findings, LabelErrorSummary(**out, skipped=skipped)


def _verdicts(verdicts: Mapping[str, NoiseJudgement]) -> list[Finding]:
    """One finding per level, naming the splits at that level with their estimates."""
    findings = []
    details = {n: {"estimate": j.estimate, "judged_by": j.judge, "baselines": to_dict(j.baselines)} for n, j in verdicts.items()}
    heavy = {n: j for n, j in verdicts.items() if j.level == "heavy"}
    moderate = {n: j for n, j in verdicts.items() if j.level == "moderate"}
    unknown = {n: j for n, j in verdicts.items() if j.level == "unknown"}
    levels: tuple[tuple[dict[str, NoiseJudgement], Severity, str, str], ...] = (
        (heavy, "error", "heavy label noise", "Fix the labelling before training: relabel, or review the `label_errors` examples first."),
        (moderate, "warn", "label noise", "Review the `label_errors` examples and relabel those that are wrong."),
    )
    for level, severity, opening, advice in levels:
        if level:
            rates = ", ".join(f"{n} about {j.estimate:.0%}" for n, j in level.items())
            judges = sorted({j.baselines[0].method for j in level.values()})
            findings.append(
                Finding(
                    "label_noise", severity,
                    f"{opening}: an estimated {rates} of labels are wrong. That share of labels differs from "
                    f"the most confident out-of-sample predictions of a baseline that recovers the classes on "
                    f"this data ({'; '.join(judges)}). {advice}",
                    details={n: details[n] for n in level},
                )
            )
    if unknown:
        first, judged = next(iter(unknown.items()))
        reasons = "; ".join(f"the {f.method}: {doubt(f)}" for f in judged.baselines)
        shares = ", ".join(f"{j.estimate:.0%} on {n}" for n, j in unknown.items() if np.isfinite(j.estimate))
        findings.append(
            Finding(
                "label_errors_skipped", "info",
                f"no baseline can tell wrong labels from hard examples on {', '.join(unknown)} ({first}: {reasons}). "
                f"Labels differ from the best baseline's most confident predictions ({shares or 'none made'}), which "
                "hard data explains as well as wrong labels. Pass pred_probs from a trained model (out-of-sample) "
                "to rank label errors.",
                details={n: details[n] for n in unknown},
            )
        )
    return findings
