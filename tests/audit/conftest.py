"""Real data with planted faults, shared by the audit tests.

Each planted fault sits at known indices, disjoint from the others, so one audit of the
dirty dataset answers every "did it find what we planted" question.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.datasets import load_digits

from nnrecipe import AuditConfig, AuditReport, audit


@dataclasses.dataclass
class Planted:
    X: np.ndarray
    y: np.ndarray
    Xv: np.ndarray
    yv: np.ndarray
    exact: list[int]
    conflicting: list[int]
    near: list[int]
    outliers: list[int]
    non_finite: list[int]
    flipped: list[int]
    leaked_exact: list[int]
    leaked_near: list[int]


@pytest.fixture(scope="session")
def digits() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_digits(return_X_y=True)
    return X.astype(np.float32), y.astype(np.int64)


@pytest.fixture(scope="session")
def planted(digits: tuple[np.ndarray, np.ndarray]) -> Planted:
    X, y = digits[0].copy(), digits[1].copy()
    rng = np.random.default_rng(0)
    Xt, yt, Xv, yv = X[:1400].copy(), y[:1400].copy(), X[1400:].copy(), y[1400:].copy()
    exact = [100, 101, 102]
    for i in exact:
        Xt[i] = Xt[i - 90]
        yt[i] = yt[i - 90]
    Xt[200], yt[200] = Xt[20], (yt[20] + 1) % 10
    near = [300, 301, 302, 303, 304]
    for i in near:
        Xt[i] = Xt[i - 270] + rng.normal(0, 0.05, 64).astype(np.float32)
        yt[i] = yt[i - 270]
    Xt[400] = Xt[400] * 16  # the classic bug: one image left in 0-255 among 0-16 ones
    Xt[401] = rng.uniform(0, 200, 64).astype(np.float32)  # a sensor glitch: pure noise
    Xt[500, 3] = np.nan
    flipped = sorted(rng.choice(np.arange(600, 1400), size=40, replace=False).tolist())
    yt[flipped] = (yt[flipped] + rng.integers(1, 10, size=40)) % 10
    Xv[5] = Xt[50]
    yv[5] = yt[50]
    Xv[6] = Xt[60] + rng.normal(0, 0.05, 64).astype(np.float32)
    yv[6] = yt[60]
    return Planted(
        Xt, yt, Xv, yv, exact=exact, conflicting=[20, 200], near=near, outliers=[400, 401],
        non_finite=[500], flipped=flipped, leaked_exact=[5], leaked_near=[6],
    )


@pytest.fixture(scope="session")
def dirty_report(planted: Planted) -> AuditReport:
    return audit((planted.X, planted.y), val=(planted.Xv, planted.yv))


@pytest.fixture(scope="session")
def clean_report(digits: tuple[np.ndarray, np.ndarray]) -> AuditReport:
    X, y = digits
    return audit((X[:1400], y[:1400]), val=(X[1400:], y[1400:]), config=AuditConfig(label_errors=False))


@pytest.fixture(scope="session")
def mnist1d() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from nnrecipe.datasets import load_mnist1d

    d = load_mnist1d()
    return d.x_train.numpy(), d.y_train.numpy(), d.x_val.numpy(), d.y_val.numpy()


def train(ids: list[int]) -> set[tuple[str, int]]:
    return {("train", i) for i in ids}
