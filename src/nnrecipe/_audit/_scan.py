"""The first pass over a split: everything the audit needs from the raw values, chunk by chunk.

Per example it keeps a finite flag and a label value in memory, and its statistics in a
table that moves to disk when large; content hashes go to the shared hash table. Per
split it keeps per-feature moments, value counts of the targets, and bounded samples:
rows for the representation, the target-leakage check and the sequence relation, the
statistics' values for robust scales and histogram axes, a few rows per class and the
extreme rows of each statistic for the pictures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ._budget import Budget
from ._hashes import HashTable
from ._reservoir import Extremes, Reservoir, row_keys
from ._source import Source
from ._split import RowIndex
from ._spool import Spool
from ._stats import STAT_NAMES, FeatureMoments, _hash_keys, chunk_stats
from ._targets import TargetScan

__all__ = ["Scan", "scan"]

_SAMPLE_MAX = 200_000  # rows sampled for the representation and the cells' k-means
_STAT_SAMPLE = 200_000  # statistic values sampled for robust scales and histogram axes
_LEAK_FEATURES = 4096
_LEAK_ROWS = 20_000
_PER_CLASS = 8
_GALLERY_CLASSES = 20
_EXTREMES = 5


@dataclasses.dataclass
class Scan:
    """What the first pass kept of one split.

    Attributes:
        name: The split's name.
        tag: Its number (0 for train), used in hash records and neighbour joins.
        source: Its reader (read again for the representation).
        index: Positions as passed of its usable rows.
        finite: ``(m,)`` the usable row has no NaN or Inf.
        stats: ``(m, len(STAT_NAMES))`` per-example statistics.
        moments: Per-feature moments of the finite rows.
        targets: Its targets, ``None`` when it has none.
        sample: Finite rows sampled uniformly (with their targets).
        stat_sample: Statistic values of rows sampled uniformly.
        leak_sample: Finite rows restricted to ``leak_features`` (train only).
        leak_features: The features the target-leakage check looks at.
        per_class: A few finite rows per label value (train only).
        extremes: Per statistic, the lowest and highest examples.
    """

    name: str
    tag: int
    source: Source
    index: RowIndex
    finite: np.ndarray
    stats: Spool
    moments: FeatureMoments
    targets: TargetScan | None
    sample: Reservoir
    stat_sample: Reservoir
    leak_sample: Reservoir | None
    leak_features: np.ndarray
    per_class: dict[float, Reservoir]
    extremes: dict[str, Extremes]

    @property
    def rows(self) -> int:
        return len(self.finite)


def scan(
    source: Source,
    tag: int,
    budget: Budget,
    hashes: HashTable,
    *,
    seed: int = 0,
    train: bool = False,
    advance: Callable[[int], None] = lambda n: None,
) -> Scan:
    """Read ``source`` once and keep what the audit needs.

    Args:
        source: The split.
        tag: Its number.
        budget: Chunk sizes and where large tables go.
        hashes: Where content hashes of finite rows are added.
        seed: Seed of every sample.
        train: Keep the training split's extra samples (leakage rows, rows per class, the
            extreme rows themselves).
        advance: Called with the number of examples read after each chunk.
    """
    d = source.width
    keys = _hash_keys(d)
    rng = np.random.default_rng(seed)
    leak_features = np.sort(rng.permutation(d)[:_LEAK_FEATURES]) if d > _LEAK_FEATURES else np.arange(d)
    rows_fit = max(2000, budget.share(0.05) // max(4 * d, 1))
    stats = Spool(budget, np.float32, len(STAT_NAMES), limit=budget.share(0.05), name=f"stats-{source.name}", expected=source.n_total)
    out = Scan(
        name=source.name, tag=tag, source=source, index=RowIndex(0, np.zeros(0)), finite=np.zeros(0, bool),
        stats=stats, moments=FeatureMoments.empty(d), targets=None,
        sample=Reservoir(_sized(min(_SAMPLE_MAX, rows_fit), source)),
        stat_sample=Reservoir(_sized(_STAT_SAMPLE, source)),
        leak_sample=Reservoir(_sized(min(_LEAK_ROWS, max(2000, budget.share(0.05) // (4 * len(leak_features)))), source)) if train else None,
        leak_features=leak_features, per_class={},
        extremes={s: Extremes(_EXTREMES, keep_rows=train) for s in STAT_NAMES},
    )
    finite: list[np.ndarray] = []
    row = 0
    for chunk in source.chunks(budget.chunk_rows(d)):
        b = len(chunk.index)
        rows = np.arange(row, row + b, dtype=np.int64)
        cs = chunk_stats(chunk.X, keys)
        finite.append(cs.finite)
        stats.append(cs.values)
        out.moments.add(chunk.X[cs.finite])
        hashes.add(tag, rows[cs.finite], cs.hashes[cs.finite])
        if chunk.y is not None:
            if out.targets is None:
                out.targets = TargetScan.start(chunk.y, source.shape, expected=source.n_total)
            out.targets.add(chunk.y, rows)
        _sample(out, chunk.X, chunk.y, chunk.index, rows, cs.values, cs.finite, seed, train)
        row += b
        advance(b)
    for r in (out.sample, out.stat_sample, out.leak_sample, *out.per_class.values()):
        if r is not None:
            r.finish()
    out.finite = np.concatenate(finite) if finite else np.zeros(0, bool)
    out.index = RowIndex(source.n_total, np.asarray([b.index for b in source.broken], dtype=np.int64))
    if out.targets is not None and out.targets.values is not None:
        out.targets.set_values(source.relabel(out.targets.values))
    return out


def _sized(size: int, source: Source) -> int:
    """A sample never larger than the split (its arrays are allocated at full size)."""
    return int(min(size, source.n_total)) if source.n_total else int(size)


def _sample(
    out: Scan, X: np.ndarray, y: np.ndarray | None, index: np.ndarray, rows: np.ndarray,
    values: np.ndarray, finite: np.ndarray, seed: int, train: bool,
) -> None:
    """Offer a chunk to the samples and extremes (finite rows only)."""
    keys = row_keys(index, seed)
    # Usually every row is finite: no copies of the chunk then.
    f = slice(None) if finite.all() else np.flatnonzero(finite)
    fy = None if y is None else y[f]
    out.sample.offer(keys[f], X[f], fy, index[f], rows[f])
    out.stat_sample.offer(keys, values, None, index, rows)
    for j, name in enumerate(STAT_NAMES):
        out.extremes[name].offer(values[:, j], index, rows, X if train else None)
    if not train:
        return
    assert out.leak_sample is not None
    narrow = X[f] if len(out.leak_features) == X.shape[1] else X[f][:, out.leak_features]
    out.leak_sample.offer(keys[f], narrow, fy, index[f], rows[f])
    if fy is None or len(fy) == 0 or out.targets is None or out.targets.form == "per_position":
        return
    flat = fy.reshape(len(fy), -1)
    label = flat[:, 0].astype(np.float64) if out.targets.form == "single" else flat.argmax(1).astype(np.float64)
    for value in np.unique(label[np.isfinite(label)]):
        if value not in out.per_class:
            if len(out.per_class) >= _GALLERY_CLASSES:
                largest = max(out.per_class)
                if value > largest:
                    continue
                del out.per_class[largest]  # keep the smallest class ids: the ones shown
            out.per_class[value] = Reservoir(_PER_CLASS)
        pick = label == value
        out.per_class[value].offer(keys[f][pick], X[f][pick], None, index[f][pick], rows[f][pick])
