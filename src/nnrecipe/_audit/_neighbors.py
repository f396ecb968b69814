"""The representation the neighbour joins compare, and each example's nearest neighbour.

The representation is the input standardised with the training set's per-feature moments,
projected onto its leading principal directions when it is wide (or features from a model
the user passes). The joins of ``_join`` and ``_cells`` report neighbours; a
:class:`NearestTable` keeps, per example, the nearest one that is not an identical copy:
its distance is the ``nn_distance`` statistic and, below the calibrated threshold, a near
duplicate (or a near copy of a training example).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import numpy as np

from ._join import Hits
from ._stats import FeatureMoments

__all__ = ["NearestTable", "Representation", "calibrated_threshold"]

log = logging.getLogger(__name__)

# A near duplicate is this many robust deviations below the typical log nearest distance...
_NEAR_Z = 5.0
# ...and in any case closer than this fraction of the typical nearest distance.
_NEAR_CAP = 0.25


@dataclasses.dataclass
class Representation:
    """Maps flat float32 inputs to the vectors that the index compares.

    Attributes:
        mean: Per-feature mean of the training set (centring).
        scale: Per-feature std of the training set, 1 where constant.
        components: ``(k, d)`` principal directions, or ``None`` to keep every feature.
        features: A user function from a batch of flat inputs to embeddings, which wins.
    """

    mean: np.ndarray
    scale: np.ndarray
    components: np.ndarray | None = None
    features: Callable[[np.ndarray], np.ndarray] | None = None

    @classmethod
    def fit(
        cls, X: np.ndarray, moments: FeatureMoments, *, dim: int, seed: int = 0, sample: int = 10_000
    ) -> Representation:
        """Standardise with ``moments`` and project to ``dim`` principal directions if wider.

        Args:
            X: Sampled finite training rows (flat).
            moments: Per-feature moments of the whole training split.
            dim: Principal directions kept for wider inputs.
            seed: Seed of the row subsample.
            sample: Rows used for the principal directions at most.
        """
        scale = moments.std.copy()
        scale[scale < 1e-8] = 1.0  # constant features carry no distance information
        rep = cls(mean=moments.mean, scale=scale)
        if X.shape[1] > dim and len(X) > 1:
            rng = np.random.default_rng(seed)
            # Wide inputs (large images): fewer rows, so the sample stays near 256 MiB.
            sample = min(sample, max(4 * dim, (1 << 26) // X.shape[1]))
            pick = rng.choice(len(X), size=min(sample, len(X)), replace=False)
            Z = rep._standardise(X[np.sort(pick)])
            Z = Z[np.isfinite(Z).all(1)]
            Z = Z - Z.mean(0)
            k = min(dim, *Z.shape)
            if Z.shape[1] <= 1024:
                # The covariance is small: its exact eigenvectors are cheaper than a randomized SVD.
                _, vecs = np.linalg.eigh(Z.T.astype(np.float64) @ Z)
                rep.components = vecs[:, ::-1][:, :k].T.astype(np.float32)
            else:
                from sklearn.utils.extmath import randomized_svd
                from threadpoolctl import threadpool_limits

                # Its QR steps on thin matrices run several times slower with BLAS threads
                # competing for two cores than on one.
                with threadpool_limits(1, user_api="blas"):
                    _, _, vt = randomized_svd(Z, n_components=k, random_state=seed)
                rep.components = vt.astype(np.float32)
        return rep

    def _standardise(self, x: np.ndarray) -> np.ndarray:
        # float32 throughout: a float64 copy of every chunk would double its memory.
        return (x - self.mean.astype(np.float32)) / self.scale.astype(np.float32)

    def transform(self, X: np.ndarray, *, chunk: int = 65536) -> np.ndarray:
        """Embed ``X`` chunk by chunk; the output is ``(m, k)`` float32."""
        parts = []
        chunk = max(1, min(chunk, (1 << 24) // max(X.shape[1], 1)))  # about 64 MiB per chunk
        for lo in range(0, len(X), chunk):
            x = X[lo : lo + chunk]
            if self.features is not None:
                z = np.asarray(self.features(x), dtype=np.float32).reshape(len(x), -1)
            else:
                z = self._standardise(x)
                if self.components is not None:
                    z = z @ self.components.T
            parts.append(z)
        return np.concatenate(parts) if parts else np.zeros((0, 1), np.float32)


class NearestTable:
    """Per usable row of one split: its nearest neighbour that is not an identical copy.

    Identical copies never meet in the search (each value is searched once, its copies
    inherit the result: :meth:`copy_from`); they are exact duplicates, reported elsewhere.

    Attributes:
        dist: ``(m,)`` float32 distance, inf until a neighbour is seen (NaN for rows that
            were not searched: non-finite examples).
        row: ``(m,)`` its usable-row number in the neighbour split, -1 if none.
    """

    def __init__(self, rows: int) -> None:
        self.dist = np.full(rows, np.inf, dtype=np.float32)
        self.row = np.full(rows, -1, dtype=np.int64 if rows >= 2**31 else np.int32)

    def copy_from(self, rows: np.ndarray, originals: np.ndarray) -> None:
        """Copies have their original's nearest neighbour."""
        self.dist[rows], self.row[rows] = self.dist[originals], self.row[originals]

    def update(self, hits: Hits) -> None:
        """Keep, per query, its nearest hit if nearer than the current one."""
        d = np.where(hits.ids >= 0, hits.dist, np.inf)
        best = d.argmin(1)
        near = d[np.arange(len(d)), best]
        better = near < self.dist[hits.rows]
        rows = hits.rows[better]
        self.dist[rows] = near[better]
        self.row[rows] = hits.ids[better, best[better]]

    def mark_unsearched(self, finite: np.ndarray) -> None:
        """Rows that are not finite were never searched: NaN, not inf."""
        self.dist[~finite] = np.nan


def calibrated_threshold(nearest: np.ndarray) -> float:
    """The distance below which two examples count as near duplicates, from the data itself.

    Typical nearest-neighbour distances depend on the dimension, the scale and the number
    of examples, so no fixed number works; a near duplicate is instead an outlier on the
    low side of the log distance distribution (robust z below ``-_NEAR_Z``), and never
    farther than a quarter of the median nearest distance.

    Args:
        nearest: Each example's distance to its nearest other example.

    Returns:
        The threshold; 0 when there are too few distinct distances to calibrate.
    """
    nearest = nearest[:: max(1, len(nearest) // 1_000_000)]  # a strided million: the same quantiles
    pos = nearest[np.isfinite(nearest) & (nearest > 0)]
    if len(pos) < 10:
        return 0.0
    logs = np.log(pos)
    med = float(np.median(logs))
    mad = 1.4826 * float(np.median(np.abs(logs - med)))
    return float(min(np.exp(med - _NEAR_Z * mad), _NEAR_CAP * np.exp(med)))
