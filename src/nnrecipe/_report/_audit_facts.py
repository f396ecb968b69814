"""What the audit measured, as facts and tables read from its typed summary by attribute:
the labels or targets, the input scale, leakage, the near-duplicate threshold, the label-error
judgement, the extremes of each statistic, and where the time went."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .._audit._sections import (
    ClassLabels,
    LabelErrorSummary,
    RegressionTargets,
    SequenceTargets,
    StatisticSummary,
)
from .._audit._summary import AuditSummary
from ._table import Table

__all__ = ["MAX_CLASS_ROWS", "class_table", "extremes_table", "facts", "label_error_table", "splits_table", "targets_table", "timings_table"]

MAX_CLASS_ROWS = 60  # classes listed in the table, and as many absent ones; audit.json has them all
MAX_OUTPUTS = 6  # per-output values shown for a regression target; the rest are counted
MAX_LISTED = 20  # constant features or absent classes named in one fact


def num(v: float | None) -> str:
    """A measured number in three significant digits; ``"n/a"`` for none or a non-finite one.

    Example:
        >>> num(0.012345), num(float("nan")), num(None), num(12345.0)
        ('0.0123', 'n/a', 'n/a', '1.23e+04')
    """
    return f"{v:.3g}" if v is not None and math.isfinite(v) else "n/a"


def _values(vs: Sequence[float]) -> str:
    shown = ", ".join(num(v) for v in vs[:MAX_OUTPUTS])
    return shown + (f", … ({len(vs) - MAX_OUTPUTS} more)" if len(vs) > MAX_OUTPUTS else "")


def _name(labels: ClassLabels, c: int) -> str:
    names = labels.class_names or ()
    return names[c] if c < len(names) else str(c)


def facts(s: AuditSummary) -> list[tuple[str, str]]:
    """``(what, value)`` rows: labels or targets, input scale, leakage, neighbours, label errors,
    the audit's time, and where an interrupted audit stopped."""
    out: list[tuple[str, str]] = []
    if s.stopped is not None:
        out.append(("interrupted", f"the audit stopped in phase {s.stopped!r}: what follows is partial"))
    out += _label_facts(s.labels)
    if s.scale is not None:
        sc = s.scale
        out.append(("input scale", f"mean {num(sc.mean)}, std {num(sc.std)}, range [{num(sc.min)}, {num(sc.max)}]"))
        constant = ", ".join(map(str, sc.constant_features[:MAX_LISTED])) + (" …" if len(sc.constant_features) > MAX_LISTED else "")
        out.append(("constant features", f"{len(sc.constant_features)}: {constant}" if constant else "none"))
        out.append(("feature spread", f"largest / smallest feature std {num(sc.feature_std_ratio)}x"))
    if s.target_leakage is not None:
        lk = s.target_leakage
        best = f"feature {lk.best_single_feature} scores {num(lk.best_single_feature_score)} on held-out rows"
        out.append(("best single feature", f"{best} (majority baseline {num(lk.majority_baseline)}; {lk.features_checked} features checked)"))
    if s.neighbors is not None:
        nb = s.neighbors
        threshold = f"distance {num(nb.threshold)}" if nb.threshold is not None else "none (too few examples to calibrate)"
        index = f"{nb.representation_dim} dimensions, {nb.index}"
        out.append(("near-duplicate threshold", f"{threshold}; median nearest distance {num(nb.median_nearest)} ({index})"))
    if s.label_errors is not None:
        le = s.label_errors
        out.append(("label errors", f"not judged: {le.skipped}" if le.skipped else f"judged by {', '.join(sorted(set(le.method.values())))}"))
    if s.timings:
        out.append(("audit time", f"{sum(s.timings.values()):.1f} s"))
    return out


def _label_facts(labels: ClassLabels | RegressionTargets | SequenceTargets | None) -> list[tuple[str, str]]:
    if isinstance(labels, ClassLabels):
        out = [("task", "classification"),
               ("classes", f"{labels.num_classes}; largest / smallest train class {num(labels.imbalance)}x")]
        if labels.absent_classes:
            absent = labels.absent_classes
            names = ", ".join(_name(labels, c) for c in absent[:MAX_LISTED]) + (f" … ({len(absent) - MAX_LISTED} more)" if len(absent) > MAX_LISTED else "")
            out.append(("absent from train", f"{names}: a model cannot learn a class it never sees in training"))
        uniform = f"; uniform logits give ln {labels.num_classes} = {num(math.log(labels.num_classes))}" if labels.num_classes > 1 else ""
        why = f"the entropy of the train classes: the loss with the output bias at log p(c){uniform}"
        out.append(("expected initial loss", f"{num(labels.expected_init_loss)} ({why})"))
        if labels.bias_init_sigmoid is not None:
            out.append(("bias init (one sigmoid output)", num(labels.bias_init_sigmoid)))
        return out
    if isinstance(labels, RegressionTargets):
        out = [("task", "regression")]
        if labels.bias_init is not None:
            out.append(("bias init (train mean)", _values(labels.bias_init)))
        out.append(("expected initial loss", f"{num(labels.expected_init_loss)} (mean squared error with the output at the train mean)"))
        return out
    if isinstance(labels, SequenceTargets):
        what = "autoregressive: next-token targets" if labels.task == "autoregressive" else "one target per position"
        shift = f"y[t] = x[t + {labels.shift}]" if labels.shift is not None else "none: the targets are not the inputs shifted"
        out = [("task", what), ("inferred shift", shift)]
        if labels.vocabulary:
            out.append(("vocabulary", f"{labels.vocabulary:,} distinct target values in train"))
        if labels.expected_init_loss is not None:
            out.append(("expected initial loss", f"{num(labels.expected_init_loss)} (the entropy of the train target values)"))
        return out
    return []


def splits_table(s: AuditSummary) -> Table:
    rows = tuple((name, f"{sp.examples:,}", f"{sp.usable:,}", str(sp.shape), sp.dtype) for name, sp in s.splits.items())
    return Table("splits", ("split", "examples", "usable", "shape", "dtype"), rows)


def class_table(labels: ClassLabels) -> Table:
    """Per class: its count and share in each split and its output bias; absent classes marked."""
    splits = list(labels.counts)
    absent = set(labels.absent_classes)
    shown = sorted({*range(min(MAX_CLASS_ROWS, labels.num_classes)), *sorted(absent)[:MAX_CLASS_ROWS]})
    totals = {sp: sum(labels.counts[sp]) or 1 for sp in splits}

    def cell(sp: str, c: int) -> str:
        counts = labels.counts[sp]
        n = counts[c] if c < len(counts) else 0
        text = f"{n:,} ({n / totals[sp]:.1%})"
        return text + (": absent from train" if sp == "train" and c in absent else "")

    rows = tuple((_name(labels, c), *(cell(sp, c) for sp in splits), num(labels.bias_init[c]) if c < len(labels.bias_init) else "n/a")
                 for c in shown)
    left = labels.num_classes - len(shown)
    return Table("classes: count (share) per split, and the output bias to start from (log p(c))",
                 ("class", *splits, "bias init"), rows, note=f"{left:,} more classes in audit.json" if left else "")


def targets_table(labels: RegressionTargets | SequenceTargets) -> Table | None:
    """Regression: mean and std per split. Sequences: agreement of ``y[t]`` with ``x[t + s]`` per shift."""
    if isinstance(labels, RegressionTargets):
        rows = tuple((sp, _values(m), _values(labels.std.get(sp, ()))) for sp, m in labels.mean.items())
        return Table("targets per split (per output)", ("split", "mean", "std"), rows) if rows else None
    shifts = tuple((f"{s:+d}", num(a)) for s, a in sorted(labels.agreement.items()))
    if not shifts:
        return None
    return Table("agreement of y[t] with x[t + s] per shift s (chance-corrected)", ("shift s", "agreement"), shifts)


def label_error_table(le: LabelErrorSummary) -> Table | None:
    """Per split and baseline: how labels were judged, how far to trust it, the estimated noise
    and what was flagged (one row per baseline, the one that judged first)."""
    rows: list[tuple[str, ...]] = []
    for sp, method in le.method.items():
        rate = le.noise_rate.get(sp)
        estimate = f"{rate:.1%}" if rate is not None and math.isfinite(rate) else "no baseline can tell"
        flagged = f"{le.flagged.get(sp, 0):,}"
        baselines = le.baselines.get(sp, ())
        if not baselines:
            rows.append((sp, method, num(le.agreement.get(sp)), num(le.self_consistency.get(sp)), "n/a", estimate, flagged))
        for i, f in enumerate(baselines):
            rows.append((sp, f.method if f.can_tell else f"{f.method} (cannot tell)", num(f.agreement), num(f.self_consistency),
                         f"{f.confident_disagreement:.1%}" if math.isfinite(f.confident_disagreement) else "n/a",
                         estimate if i == 0 else "", flagged if i == 0 else ""))
    if not rows:
        return None
    header = ("split", "labels judged by", "agreement with the labels", "self-consistency (kappa)",
              "labels differing from its most confident predictions", "estimated noise rate", "flagged")
    return Table("label errors per split and baseline", header, tuple(rows))


def extremes_table(statistics: Mapping[str, Mapping[str, StatisticSummary]]) -> Table | None:
    def ends(pairs: Sequence[tuple[int, float]]) -> str:
        return ", ".join(f"{i}: {num(v)}" for i, v in pairs)

    rows = tuple((sp, name, ends(st.lowest), ends(st.highest)) for sp, stats in statistics.items() for name, st in stats.items())
    return Table("lowest and highest examples of each statistic (index: value)", ("split", "statistic", "lowest", "highest"), rows) if rows else None


def timings_table(timings: Mapping[str, float]) -> Table | None:
    rows = tuple((phase, f"{seconds:.2f}") for phase, seconds in timings.items())
    return Table("time per phase", ("phase", "seconds"), rows) if rows else None
