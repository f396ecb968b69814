"""The linear label baseline: multinomial logistic regression on the audit's representation,
cross-validated on a bounded sample of train and applied chunk by chunk.

Where neighbours say little (sixteen dimensions for a thousand examples), a linear model
still recovers classes that a linear map of the inputs decides, even with many labels
wrong: the wrong labels pull every class's weights a little towards the others but leave
the arg-max in place. It complements the nearest-neighbour vote, which is strong where the
classes are not linearly separable (rings, XOR) and weak where this one is strong.

The sample's rows are cut into five folds by a hash of their row number; model ``j`` is
fitted on folds ``j`` and ``j + 1``. An example of fold ``f`` (whether or not it was sampled;
every row of every split has a fold) gets its two votes from models ``f + 1`` and ``f + 3``:
fitted on disjoint rows, neither on the example itself. Its probability is their mean.
At most ``_FIT_ROWS`` sampled rows are used, fewer with many classes (``_FIT_CELLS`` bounds
rows x classes), so fitting costs a few seconds at most whatever the size of train.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._join import Hits
from ._reservoir import row_keys
from ._votes import Baseline, Votes

__all__ = ["LinearVote"]

_FOLDS = 5
_FIT_ROWS = 50_000
_FIT_CELLS = 2_000_000  # sampled rows x classes
_MIN_ROWS = 50  # labelled sampled rows below which there is no linear baseline


class LinearVote(Baseline):
    """Five multinomial logistic regressions on standardised vectors, each fitted on two folds
    of a sample.

    Build it with :meth:`fit`.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> Z = rng.normal(size=(600, 4)).astype(np.float32)
        >>> y = (Z[:, 0] > 0).astype(np.int64)
        >>> base = LinearVote.fit(Z, y, np.arange(600), 2)
        >>> from nnrecipe._audit._join import Hits
        >>> v = base.votes(Hits(0, np.arange(600), np.zeros((600, 1), np.int64), np.zeros((600, 1)), vectors=Z))
        >>> bool((v.probs.argmax(1) == y).mean() > 0.95)
        True
    """

    name = "linear"

    def __init__(self, models: list[tuple[np.ndarray, np.ndarray, np.ndarray]], mean: np.ndarray, scale: np.ndarray,
                 num_classes: int, rows: int, seed: int) -> None:
        self._models = models  # per model: (classes it saw, coefficients (c, dim), intercepts (c,))
        self._mean, self._scale = mean, scale
        self.num_classes, self.rows, self.seed = num_classes, rows, seed

    @classmethod
    def fit(
        cls, X: np.ndarray, classes: np.ndarray, rows: np.ndarray, num_classes: int,
        *, embed: Callable[[np.ndarray], np.ndarray] | None = None, seed: int = 0,
    ) -> LinearVote | None:
        """Fit the five models on sampled training rows.

        Args:
            X: ``(s, d)`` sampled training rows.
            classes: ``(s,)`` their class ids (-1 for unusable labels).
            rows: ``(s,)`` their usable-row numbers (which fix their folds).
            num_classes: The number of classes.
            embed: Maps rows to the vectors the votes will see (the neighbour search's
                representation); the rows themselves when ``None``.
            seed: Seed of the folds and of the subsample.

        Returns:
            The baseline, or ``None`` with fewer than ``_MIN_ROWS`` labelled rows or one class.
        """
        ok = np.flatnonzero(classes >= 0)
        keep = max(_MIN_ROWS, min(_FIT_ROWS, _FIT_CELLS // max(num_classes, 1)))
        if len(ok) > keep:  # the smallest keys: a uniform subsample
            ok = ok[np.argsort(row_keys(rows[ok], seed + 3), kind="stable")[:keep]]
        Z = np.asarray(X[ok] if embed is None else embed(X[ok]), dtype=np.float64)
        finite = np.isfinite(Z).all(1)
        ok, Z = ok[finite], Z[finite]
        if len(ok) < _MIN_ROWS or len(np.unique(classes[ok])) < 2:
            return None
        mean, scale = Z.mean(0), Z.std(0)
        scale[scale < 1e-8] = 1.0
        Z = (Z - mean) / scale
        y = classes[ok]
        fold = _folds(rows[ok], seed)
        models = [_logistic(Z[m], y[m]) for m in ((fold == j) | (fold == (j + 1) % _FOLDS) for j in range(_FOLDS))]
        return cls(models, mean, scale, num_classes, len(ok), seed)

    def describe(self) -> str:
        return f"linear model (logistic regression) cross-validated on {self.rows:,} sampled training examples"

    def votes(self, hits: Hits) -> Votes:
        if hits.vectors is None:
            raise ValueError("the linear baseline needs the queries' vectors; the join must report them")
        # A vector a user's feature function left non-finite sits at the mean.
        X = np.nan_to_num((hits.vectors.astype(np.float64) - self._mean) / self._scale, posinf=0.0, neginf=0.0)
        fold = _folds(hits.rows, self.seed)
        pa = np.empty((len(X), self.num_classes))
        pb = np.empty_like(pa)
        for f in range(_FOLDS):
            at = np.flatnonzero(fold == f)
            pa[at] = self._probs((f + 1) % _FOLDS, X[at])
            pb[at] = self._probs((f + 3) % _FOLDS, X[at])
        a, b = pa.argmax(1), pb.argmax(1)
        pa += pb
        pa /= 2
        return Votes(probs=pa, a=a, b=b)

    def _probs(self, j: int, X: np.ndarray) -> np.ndarray:
        seen, coef, intercept = self._models[j]
        logits = X @ coef.T + intercept
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        out = np.zeros((len(X), self.num_classes))
        out[:, seen] = p / p.sum(1, keepdims=True)
        return out


def _folds(rows: np.ndarray, seed: int) -> np.ndarray:
    return (row_keys(rows, seed + 2) % np.uint64(_FOLDS)).astype(np.int64)


def _logistic(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A multinomial logistic regression's classes, coefficients ``(c, dim)`` and intercepts.

    The objective is scikit-learn's default (mean cross-entropy plus an L2 penalty of
    ``1 / (2 n)``, i.e. ``C=1``), minimised by scipy's L-BFGS: importing scikit-learn costs
    seconds, scipy's optimiser a fraction of one. A fold with a single class predicts it with
    certainty (nothing to fit).
    """
    from scipy.optimize import minimize
    from threadpoolctl import threadpool_limits

    seen = np.unique(y)
    n, d = X.shape
    if len(seen) < 2:
        return seen, np.zeros((1, d)), np.zeros(1)
    onehot = np.zeros((n, len(seen)))
    onehot[np.arange(n), np.searchsorted(seen, y)] = 1.0
    penalty = 0.5 / n

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        W, b = theta[: d * len(seen)].reshape(d, -1), theta[d * len(seen) :]
        logits = X @ W + b
        logits -= logits.max(1, keepdims=True)
        log_z = np.log(np.exp(logits).sum(1, keepdims=True))
        loss = -float((onehot * (logits - log_z)).sum()) / n + penalty * float((W * W).sum())
        residual = (np.exp(logits - log_z) - onehot) / n
        return loss, np.concatenate([(X.T @ residual + 2 * penalty * W).ravel(), residual.sum(0)])

    # One BLAS thread: many small products on two busy cores run faster without threads that
    # wait for each other. A loose tolerance: the votes need the arg-max and rough probabilities.
    with threadpool_limits(1, user_api="blas"):
        found = minimize(objective, np.zeros((d + 1) * len(seen)), jac=True, method="L-BFGS-B", options={"maxiter": 100, "gtol": 1e-4})
    theta = found.x
    return seen, theta[: d * len(seen)].reshape(d, -1).T.copy(), theta[d * len(seen) :].copy()
