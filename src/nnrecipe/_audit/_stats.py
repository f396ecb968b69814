"""One chunked pass over a split: per-example statistics, content hashes, per-feature moments.

Everything the audit needs from the raw values is computed here in a single read, chunk by
chunk, so memory stays bounded by the chunk size whatever the number of examples.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["STAT_NAMES", "FeatureMoments", "SplitStats", "compute_stats"]

STAT_NAMES = ("mean", "std", "norm", "min", "max", "length")
_HASH_SEED = 0x5EED


@dataclasses.dataclass
class FeatureMoments:
    """Per-feature count, sum, sum of squares, min and max over the finite examples."""

    count: int
    total: np.ndarray
    total_sq: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.total / max(self.count, 1)

    @property
    def std(self) -> np.ndarray:
        var = self.total_sq / max(self.count, 1) - self.mean**2
        return np.sqrt(np.maximum(var, 0.0))


@dataclasses.dataclass
class SplitStats:
    """Per-example statistics of one split (rows aligned with ``LoadedSplit.X``).

    Attributes:
        values: ``{stat name: (m,) float64}``; NaN for non-finite examples.
        finite: ``(m,)`` bool, the example has no NaN or Inf.
        hashes: ``(m, 2)`` uint64, a 128-bit hash of the decoded values (-0.0 == 0.0).
        moments: Per-feature moments over the finite examples.
    """

    values: dict[str, np.ndarray]
    finite: np.ndarray
    hashes: np.ndarray
    moments: FeatureMoments


def _hash_keys(d: int) -> np.ndarray:
    rng = np.random.default_rng(_HASH_SEED)
    # Odd 64-bit multipliers: a weighted sum mod 2**64 of the value bits, twice.
    return rng.integers(0, 2**63, size=(2, d), dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def compute_stats(X: np.ndarray, *, chunk: int = 65536) -> SplitStats:
    """Compute statistics and hashes of ``X`` (``(m, d)`` float32) in chunks of rows.

    Args:
        X: The examples, flattened.
        chunk: Rows per chunk; bounds the extra memory to a few ``chunk x d`` arrays.

    Returns:
        The split's statistics.

    Example:
        >>> s = compute_stats(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
        >>> s.values["norm"].tolist(), s.values["length"].tolist()
        ([5.0, 0.0], [2.0, 0.0])
    """
    m, d = X.shape
    values = {k: np.empty(m) for k in STAT_NAMES}
    finite = np.empty(m, dtype=bool)
    hashes = np.empty((m, 2), dtype=np.uint64)
    keys = _hash_keys(d)
    mom = FeatureMoments(0, np.zeros(d), np.zeros(d), np.full(d, np.inf), np.full(d, -np.inf))
    chunk = max(1, min(chunk, (1 << 22) // max(d, 1)))  # about 32 MiB per uint64 temporary
    for lo in range(0, m, chunk):
        x = X[lo : lo + chunk]
        sl = slice(lo, lo + len(x))
        with np.errstate(invalid="ignore", over="ignore"):  # NaN/Inf rows get NaN stats
            _example_stats(x, sl, values)
        ok = np.isfinite(x).all(1)
        finite[sl] = ok
        bits = (x + np.float32(0.0)).view(np.uint32).astype(np.uint64)  # +0.0 maps -0.0 to 0.0
        hashes[sl, 0] = (bits * keys[0]).sum(1, dtype=np.uint64)
        hashes[sl, 1] = (bits * keys[1]).sum(1, dtype=np.uint64)
        good = x[ok].astype(np.float64)
        mom.count += len(good)
        mom.total += good.sum(0)
        mom.total_sq += np.einsum("ij,ij->j", good, good)
        if len(good):
            mom.low = np.minimum(mom.low, good.min(0))
            mom.high = np.maximum(mom.high, good.max(0))
    for v in values.values():
        v[~finite] = np.nan
    return SplitStats(values=values, finite=finite, hashes=hashes, moments=mom)


def _example_stats(x: np.ndarray, sl: slice, values: dict[str, np.ndarray]) -> None:
    x64 = x.astype(np.float64)
    values["mean"][sl] = x64.mean(1)
    values["std"][sl] = x64.std(1)
    values["norm"][sl] = np.sqrt(np.einsum("ij,ij->i", x64, x64))
    values["min"][sl] = x64.min(1)
    values["max"][sl] = x64.max(1)
    # Length up to the last non-zero value: the unpadded length of a padded sequence.
    values["length"][sl] = ((x != 0) * np.arange(1, x.shape[1] + 1)).max(1)
