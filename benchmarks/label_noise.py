"""Calibrate the audit's label-noise verdict: planted noise on real and synthetic data (issue 8).

Usage: python benchmarks/label_noise.py [--only NAME,NAME] [--rates 0,0.3] [--scale]

For each data set and each rate, that share of training labels is changed to another class
at random (seeded) and the whole audit runs on the result. One line per case: the true share
of wrong labels, the estimate, the verdict (``error``/``warn`` for ``label_noise``, ``info``
when no baseline can tell, ``-`` for no finding), the baseline that judged, and each
baseline's figures (kappa of its two votes, its confident disagreement, and for the linear
model the neighbour vote's corroboration). A summary checks the goals: clean data never an
error; 30% or more an error wherever a baseline can tell (the sets where none can are listed).

Data sets: sklearn digits, iris, wine, breast cancer; the bug zoo's linear vectors; rings
and XOR blobs (easy for neighbours, impossible for a linear model); MNIST-1D (train split);
and two clean but hard sets that must never be an error: overlapping class clusters and
thirty clusters of ten classes in 64 dimensions (``make_classification``).

``--scale`` measures the cost of the label baselines once on 1,000,000 x 64 synthetic rows
(a 50-cluster mixture, 10 classes): the audit's wall and CPU time with and without label
errors, and the time of its phases. Print the load (``uptime``) with the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import nnrecipe
from nnrecipe import AuditConfig

RATES = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)


def _sk(name: str) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    def load() -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        return X, y

    return load


def zoo_vectors() -> tuple[np.ndarray, np.ndarray]:
    from zoo._data import vectors

    (X, y), _ = vectors(n=1024)
    return X.numpy(), y.numpy()


def rings(n: int = 2000, seed: int = 10) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    r = 1 + y + 0.2 * rng.normal(size=n)
    t = rng.uniform(0, 2 * np.pi, n)
    return np.c_[r * np.cos(t), r * np.sin(t), rng.normal(size=(n, 1))], y


def xor(n: int = 2000, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    corner = rng.integers(0, 4, n)
    centres = 2.0 * np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]])
    return np.c_[centres[corner] + rng.normal(size=(n, 2)), rng.normal(size=(n, 1))], (corner >= 2).astype(np.int64)


def mnist1d() -> tuple[np.ndarray, np.ndarray]:
    from nnrecipe.datasets import load_mnist1d

    d = load_mnist1d()
    return d.x_train.numpy(), d.y_train.numpy()


def overlap() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    return make_classification(3000, 10, n_informative=4, n_classes=3, class_sep=0.6, flip_y=0, random_state=3)


def clusters() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    return make_classification(5000, 64, n_informative=16, n_redundant=8, n_classes=10, n_clusters_per_class=3,
                               class_sep=0.8, flip_y=0, random_state=8)


SETS: dict[str, Callable[[], tuple[np.ndarray, np.ndarray]]] = {
    "digits": _sk("digits"), "iris": _sk("iris"), "wine": _sk("wine"), "breast_cancer": _sk("breast_cancer"),
    "zoo_vectors": zoo_vectors, "rings": rings, "xor": xor, "mnist1d": mnist1d, "overlap": overlap, "clusters": clusters,
}


def flip(y: np.ndarray, rate: float, seed: int = 1) -> np.ndarray:
    """``rate`` of the labels changed to another class, chosen at random."""
    rng = np.random.default_rng(seed)
    C = int(y.max()) + 1
    out = y.copy()
    at = rng.random(len(y)) < rate
    out[at] = (out[at] + rng.integers(1, C, int(at.sum()))) % C
    return out


def case(X: np.ndarray, y: np.ndarray, rate: float) -> dict[str, object]:
    noisy = flip(y, rate)
    report = nnrecipe.audit((X.astype(np.float32), noisy))
    le = report.summary.label_errors
    assert le is not None
    noise = report.find("label_noise")
    skipped = report.find("label_errors_skipped")
    verdict = noise.severity if noise else "info" if skipped else "-"
    figs = le.baselines.get("train", ())
    parts = []
    for f in figs:
        corr = f" corr {f.corroboration:.2f}" if f.corroboration is not None else ""
        parts.append(f"{f.baseline[:6]} k {f.self_consistency:5.2f} T {f.confident_disagreement:.2f}{corr}")
    estimate = le.noise_rate.get("train")
    judge = next((f.baseline for f in figs if f.can_tell), "-")
    return {"true": float((noisy != y).mean()), "estimate": estimate, "verdict": verdict, "judge": judge,
            "bound": min((f.confident_disagreement for f in figs), default=float("nan")), "figures": " | ".join(parts)}


def calibrate(names: list[str], rates: tuple[float, ...]) -> None:
    print(f"load: {os.getloadavg()}")
    print(f"{'data set':14s} {'true':>5s} {'est.':>5s} {'verdict':7s} {'judge':10s} figures (k: kappa of the two votes, "
          "T: confident disagreement, corr: neighbours confirm the linear model)")
    problems, none_can = [], []
    for name in names:
        X, y = SETS[name]()
        X, y = np.asarray(X, np.float64), np.asarray(y, np.int64)
        for rate in rates:
            start = time.perf_counter()
            r = case(X, y, rate)
            est = "  -  " if r["estimate"] is None else f"{r['estimate']:.2f}"
            print(f"{name:14s} {r['true']:5.2f} {est:>5s} {r['verdict']:7s} {r['judge']:10s} {r['figures']}"
                  f"  ({time.perf_counter() - start:.1f} s)", flush=True)
            if r["verdict"] == "error" and rate == 0:
                problems.append(f"{name} at {rate:.0%}: error on clean labels")
            if rate >= 0.3 and r["verdict"] != "error":
                (none_can if r["verdict"] == "info" else problems).append(f"{name} at {rate:.0%}: {r['verdict']}")
    print("\nclean data with an error:", [p for p in problems if "clean" in p] or "none")
    print("heavy noise (>= 30%) without an error although a baseline can tell:", [p for p in problems if "clean" not in p] or "none")
    print("heavy noise where no baseline can tell (info):", none_can or "none")


def scale(n: int = 1_000_000, d: int = 64) -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, size=(50, d)).astype(np.float32)
    cluster = rng.integers(0, 50, n)
    X = centres[cluster] + rng.normal(size=(n, d)).astype(np.float32)
    y = flip(cluster % 10, 0.3)
    print(f"{n:,} x {d}, 10 classes, 30% of labels flipped; load before: {os.getloadavg()}")
    for on in (False, True):
        wall, cpu = time.perf_counter(), time.process_time()
        report = nnrecipe.audit((X, y), config=AuditConfig(label_errors=on))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        phases = ", ".join(f"{k} {v:.1f}" for k, v in report.summary.timings.items())
        print(f"label_errors={on!s:5s} wall {wall:6.1f} s  cpu {cpu:6.1f} s  phases: {phases}")
        if on:
            le = report.summary.label_errors
            assert le is not None
            print(f"estimate {le.noise_rate}, verdict {[f.severity for f in report.findings if f.kind == 'label_noise']}")
    print(f"load after: {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated data sets")
    parser.add_argument("--rates", help="comma-separated shares of flipped labels")
    parser.add_argument("--scale", action="store_true", help="measure the cost on 1,000,000 x 64 rows instead")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.scale:
        scale()
        return
    names = args.only.split(",") if args.only else list(SETS)
    rates = tuple(float(r) for r in args.rates.split(",")) if args.rates else RATES
    calibrate(names, rates)


if __name__ == "__main__":
    main()
