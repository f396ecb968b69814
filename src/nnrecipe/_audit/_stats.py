"""Per-example statistics, content hashes and per-feature moments of a chunk of examples.

Everything the audit needs from the raw values is computed chunk by chunk in one read: the
statistics and hashes of each example, and the per-feature sums that give means and
standard deviations once every chunk has been added.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["STAT_NAMES", "ChunkStats", "FeatureMoments", "SplitStats", "chunk_stats", "compute_stats"]

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

    @classmethod
    def empty(cls, d: int) -> FeatureMoments:
        return cls(0, np.zeros(d), np.zeros(d), np.full(d, np.inf), np.full(d, -np.inf))

    @property
    def mean(self) -> np.ndarray:
        return self.total / max(self.count, 1)

    @property
    def std(self) -> np.ndarray:
        var = self.total_sq / max(self.count, 1) - self.mean**2
        return np.sqrt(np.maximum(var, 0.0))

    def add(self, good: np.ndarray) -> None:
        """Add finite rows."""
        if len(good) == 0:
            return
        g = good.astype(np.float64)
        self.count += len(g)
        self.total += g.sum(0)
        self.total_sq += np.einsum("ij,ij->j", g, g)
        self.low = np.minimum(self.low, g.min(0))
        self.high = np.maximum(self.high, g.max(0))


@dataclasses.dataclass(frozen=True)
class ChunkStats:
    """Statistics of one chunk.

    Attributes:
        values: ``(b, len(STAT_NAMES))`` float32, NaN for non-finite examples.
        finite: ``(b,)`` bool, the example has no NaN or Inf.
        hashes: ``(b, 2)`` uint64, a 128-bit hash of the values (-0.0 hashes as 0.0).
    """

    values: np.ndarray
    finite: np.ndarray
    hashes: np.ndarray


def _hash_keys(d: int) -> np.ndarray:
    rng = np.random.default_rng(_HASH_SEED)
    # Odd 64-bit multipliers: a weighted sum mod 2**64 of the value bits, twice.
    return rng.integers(0, 2**63, size=(2, d), dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def chunk_stats(x: np.ndarray, keys: np.ndarray | None = None) -> ChunkStats:
    """Statistics and hashes of ``x`` (``(b, d)`` float32).

    Args:
        x: The chunk.
        keys: Hash multipliers from ``_hash_keys(d)`` (computed when omitted).
    """
    b, d = x.shape
    keys = _hash_keys(d) if keys is None else keys
    finite = np.isfinite(x).all(1)
    values = np.empty((b, len(STAT_NAMES)), dtype=np.float32)
    with np.errstate(invalid="ignore", over="ignore"):  # NaN/Inf rows get NaN stats
        # Sums in float64 over the float32 values: no float64 copy of the chunk.
        total = x.sum(1, dtype=np.float64)
        squares = np.square(x).sum(1, dtype=np.float64)
        mean = total / max(d, 1)
        values[:, 0] = mean
        values[:, 1] = np.sqrt(np.maximum(squares / max(d, 1) - mean**2, 0.0))
        values[:, 2] = np.sqrt(squares)
        values[:, 3] = x.min(1)
        values[:, 4] = x.max(1)
    # Length up to the last non-zero value: the unpadded length of a padded sequence.
    nonzero = x != 0
    values[:, 5] = np.where(nonzero.any(1), d - np.argmax(nonzero[:, ::-1], axis=1), 0)
    values[~finite] = np.nan
    bits = (x + np.float32(0.0)).view(np.uint32).astype(np.uint64)  # +0.0 maps -0.0 to 0.0
    # An integer matrix product wraps modulo 2**64 like the sum of products it replaces, and
    # runs several times faster than multiplying and summing separately.
    hashes = bits @ keys.T
    return ChunkStats(values=values, finite=finite, hashes=hashes)


@dataclasses.dataclass
class SplitStats:
    """Statistics of a whole in-memory array (rows aligned with it)."""

    values: dict[str, np.ndarray]
    finite: np.ndarray
    hashes: np.ndarray
    moments: FeatureMoments


def compute_stats(X: np.ndarray, *, chunk: int = 65536) -> SplitStats:
    """Statistics, hashes and moments of an in-memory ``(m, d)`` array, in chunks of rows.

    Example:
        >>> s = compute_stats(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
        >>> s.values["norm"].tolist(), s.values["length"].tolist()
        ([5.0, 0.0], [2.0, 0.0])
    """
    m, d = X.shape
    keys = _hash_keys(d)
    parts = [chunk_stats(np.asarray(X[lo : lo + chunk], dtype=np.float32), keys) for lo in range(0, m, max(1, chunk))]
    moments = FeatureMoments.empty(d)
    for lo, p in zip(range(0, m, max(1, chunk)), parts):
        moments.add(X[lo : lo + chunk][p.finite])
    values = np.concatenate([p.values for p in parts]) if parts else np.zeros((0, len(STAT_NAMES)), np.float32)
    return SplitStats(
        values={k: values[:, j].astype(np.float64) for j, k in enumerate(STAT_NAMES)},
        finite=np.concatenate([p.finite for p in parts]) if parts else np.zeros(0, bool),
        hashes=np.concatenate([p.hashes for p in parts]) if parts else np.zeros((0, 2), np.uint64),
        moments=moments,
    )
