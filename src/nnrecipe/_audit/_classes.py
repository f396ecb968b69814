"""Class counts: the prior and output bias, imbalance, a single class, and classes that the
training split lacks although validation or test has them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ._finding import Finding, Severity
from ._sections import ClassLabels
from ._split import RowIndex

__all__ = ["class_findings", "class_summary"]

_IMBALANCE_WARN = 10.0
# A class is nearly absent from train when its train share is below this fraction of its
# share in another split, and the shortfall is far beyond sampling chance (binomial tail).
_SHARE_RATIO = 0.1
_TAIL = 1e-4


def class_summary(counts: Mapping[str, np.ndarray], names: Sequence[str] | None) -> ClassLabels:
    """The class section from per-split counts (``counts["train"]`` has one entry per class)."""
    train = counts["train"].astype(np.float64)
    C = len(train)
    prior = train / max(train.sum(), 1.0)
    present = train[train > 0]
    logp = np.log(np.maximum(prior, 1e-12))
    return ClassLabels(
        task="classification",
        num_classes=C,
        class_names=tuple(names) if names else None,
        counts={s: tuple(int(v) for v in c) for s, c in counts.items()},
        prior=tuple(prior.tolist()),
        imbalance=float(present.max() / present.min()) if len(present) else 1.0,
        absent_classes=tuple(np.flatnonzero(train == 0).tolist()),
        # Softmax logits start at log p(c) so the initial loss equals the label entropy.
        bias_init=tuple(logp.tolist()),
        expected_init_loss=float(-(prior[prior > 0] * np.log(prior[prior > 0])).sum()),
        bias_init_sigmoid=float(logp[1] - logp[0]) if C == 2 else None,
    )


def class_findings(summary: ClassLabels, classes: Mapping[str, np.ndarray], index: Mapping[str, RowIndex]) -> list[Finding]:
    """Single-class splits, imbalance, absent classes, and classes missing from train.

    Args:
        summary: The class section.
        classes: Per split, class ids of the rows (-1 for unusable labels).
        index: Per split, each row's index as passed.
    """
    findings: list[Finding] = []
    counts = {s: np.asarray(c) for s, c in summary.counts.items()}
    for split, c in counts.items():
        if np.count_nonzero(c) == 1 and c.sum() > 1:
            only = int(np.argmax(c))
            severity: Severity = "error" if split == "train" else "warn"
            why = (
                "a classifier trained on it learns nothing but that class"
                if split == "train"
                else "its accuracy says nothing about telling classes apart"
            )
            findings.append(
                Finding(
                    "single_class", severity,
                    f"every labelled {split} example has class {only}: {why}; check the label "
                    "column and how the split was drawn (stratify by class).",
                    details={"split": split, "class": only},
                )
            )
    train = counts["train"]
    present = train > 0
    if summary.imbalance >= _IMBALANCE_WARN and present.sum() > 1:
        findings.append(
            Finding(
                "class_imbalance", "warn",
                f"the largest train class has {summary.imbalance:.0f}x the examples of the "
                "smallest; initialise the output bias to the log prior (summary "
                "`bias_init`), and prefer per-class metrics to accuracy.",
                details={"counts": list(summary.counts["train"])},
            )
        )
    held_out = {s: c for s, c in counts.items() if s != "train"}
    lacking = _lacking_in_train(train, held_out)
    if lacking:
        examples = [
            (s, int(i)) for s in held_out for c in lacking for i in index[s][np.flatnonzero(classes[s] == c)]
        ]
        described = "; ".join(
            f"class {c}: {train[c]} train vs " + ", ".join(f"{held_out[s][c]} {s}" for s in held_out if held_out[s][c])
            for c in lacking[:10]
        )
        findings.append(
            Finding(
                "class_missing_from_train", "error",
                f"{len(lacking)} class(es) occur in validation/test but are missing or nearly absent "
                f"from train ({described}): the model cannot learn them and held-out scores "
                "punish it for that; re-split stratified by class, or drop the class everywhere.",
                examples,
                {"classes": lacking, "train_counts": [int(train[c]) for c in lacking]},
            )
        )
    absent = [c for c in summary.absent_classes if c not in lacking]
    if absent:
        findings.append(
            Finding("absent_classes", "warn", f"classes {absent[:20]} have no train example.", details={"classes": absent})
        )
    return findings


def _lower_tail_bound(t: int, n: int, p: float) -> float:
    """Chernoff bound on ``P(X <= t)`` for ``X ~ Binomial(n, p)``, ``t < n p``: exp(-n KL(t/n || p)).

    An upper bound on the tail, so a tiny value means the shortfall is certainly not chance.
    """
    a = t / n
    kl = (a * math.log(a / p) if a > 0 else 0.0) + (1 - a) * math.log((1 - a) / (1 - p))
    return math.exp(-n * kl)


def _lacking_in_train(train: np.ndarray, held_out: Mapping[str, np.ndarray]) -> list[int]:
    """Classes with no train example but some held-out ones, or far fewer than the split sizes
    predict: train's share below a tenth of the held-out share, beyond binomial chance."""
    lacking: set[int] = set()
    n_train = int(train.sum())
    for other in held_out.values():
        n_other = int(other.sum())
        if n_other == 0 or n_train == 0:
            continue
        p_train = n_train / (n_train + n_other)  # a class's train share of its examples, if drawn alike
        for c in np.flatnonzero(other > 0):
            t, o = int(train[c]), int(other[c])
            if t == 0 or t / n_train < _SHARE_RATIO * o / n_other and _lower_tail_bound(t, t + o, p_train) < _TAIL:
                lacking.add(int(c))
    return sorted(lacking)
