"""How fast and how lean the audit is on large data, and how it compares with cleanlab's Datalab.

Prints the figures of issue 4:

1. The whole audit (label errors off) on 1,000,000 x 64 generated examples with planted
   exact and near duplicates: wall time and the process's peak memory (data included).
2. The audit against cleanlab's Datalab (near_duplicate + outlier issue types) on the same
   50,000 x 128 data with planted near duplicates and outliers: the time ratio and the
   recall of the planted examples by each.

Usage::

    python benchmarks/audit_scale.py                 # full sizes (Datalab takes minutes)
    python benchmarks/audit_scale.py --quick         # 100k x 64 and 10k x 128
    python benchmarks/audit_scale.py --only scale    # just part 1 (or --only compare)

Datalab needs ``pip install 'cleanlab[datalab]'`` (the ``bench`` extra); without it that
line reports the import error. Each measurement runs in a fresh subprocess so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np


def make_data(n: int, d: int, *, near: int, exact: int, outliers: int, seed: int = 0) -> dict[str, Any]:
    """A 50-cluster Gaussian mixture with planted near duplicates, exact duplicates, outliers."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, size=(50, d)).astype(np.float32)
    comp = rng.integers(0, 50, n)
    X = np.empty((n, d), dtype=np.float32)
    for lo in range(0, n, 100_000):  # chunked: no float64 temporaries of the whole array
        hi = min(n, lo + 100_000)
        X[lo:hi] = centres[comp[lo:hi]] + rng.standard_normal((hi - lo, d), dtype=np.float32)
    y = (comp % 10).astype(np.int64)
    slots = rng.permutation(n)[: 2 * near + 2 * exact + outliers]
    src, near_at = slots[:near], slots[near : 2 * near]
    X[near_at] = X[src] + rng.normal(0, 0.01, size=(near, d)).astype(np.float32)
    y[near_at] = y[src]
    esrc, exact_at = slots[2 * near : 2 * near + exact], slots[2 * near + exact : 2 * near + 2 * exact]
    X[exact_at] = X[esrc]
    y[exact_at] = y[esrc]
    out_at = slots[2 * near + 2 * exact :]
    X[out_at] = rng.normal(0, 6, size=(outliers, d)).astype(np.float32)
    return {"X": X, "y": y, "near": near_at, "exact": exact_at, "outliers": out_at}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_seconds() -> float:
    """CPU time of this process, all threads: unlike wall time, not inflated by other load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_nnrecipe(n: int, d: int, near: int, exact: int, outliers: int) -> dict[str, Any]:
    from nnrecipe import AuditConfig, audit

    data = make_data(n, d, near=near, exact=exact, outliers=outliers)
    before = _peak_mib()
    cpu = _cpu_seconds()
    start = time.perf_counter()
    report = audit((data["X"], data["y"]), config=AuditConfig(label_errors=False))
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    near_found = {i for _, i in report.flagged("near_duplicates")}
    exact_found = {i for _, i in report.flagged("exact_duplicates")}
    out_found = {i for _, i in report.flagged("outliers")}
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": _peak_mib(),
        "peak_mib_before_audit": before,
        "data_mib": data["X"].nbytes / 2**20,
        "recall_near": float(np.mean([i in near_found for i in data["near"]])) if near else None,
        "recall_exact": float(np.mean([i in exact_found for i in data["exact"]])) if exact else None,
        "recall_outliers": float(np.mean([i in out_found for i in data["outliers"]])) if outliers else None,
        "flagged_near": len(near_found),
        "flagged_outliers": len(out_found),
        "timings": report.summary["timings"],
    }


def run_datalab(n: int, d: int, near: int, exact: int, outliers: int) -> dict[str, Any]:
    from cleanlab import Datalab

    data = make_data(n, d, near=near, exact=exact, outliers=outliers)
    start = time.perf_counter()
    lab = Datalab(data={"y": data["y"]}, label_name="y", verbosity=0)
    lab.find_issues(features=data["X"], issue_types={"near_duplicate": {}, "outlier": {}})
    seconds = time.perf_counter() - start
    near_found = set(np.flatnonzero(lab.get_issues("near_duplicate")["is_near_duplicate_issue"].to_numpy()))
    out_found = set(np.flatnonzero(lab.get_issues("outlier")["is_outlier_issue"].to_numpy()))
    return {
        "seconds": seconds,
        "peak_mib": _peak_mib(),
        "recall_near": float(np.mean([i in near_found for i in data["near"]])),
        "recall_outliers": float(np.mean([i in out_found for i in data["outliers"]])),
        "flagged_near": len(near_found),
        "flagged_outliers": len(out_found),
    }


def _child(which: str, sizes: list[int]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, *map(str, sizes)], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        return {"failed": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100k x 64 and 10k x 128 instead of 1M and 50k")
    parser.add_argument("--only", choices=("scale", "compare"), help="run one of the two parts")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, *sizes = args.child
        fn = run_nnrecipe if which == "nnrecipe" else run_datalab
        print(json.dumps(fn(*map(int, sizes))))
        return
    big, cmp_n = (100_000, 10_000) if args.quick else (1_000_000, 50_000)
    if args.only != "compare":
        _scale(big)
    if args.only != "scale":
        _compare(cmp_n)


def _scale(big: int) -> None:
    print(f"1) whole audit, label errors off: {big:,} x 64 with 1,000 near and 1,000 exact duplicates planted")
    r = _child("nnrecipe", [big, 64, 1000, 1000, 0])
    if "failed" in r:
        print(f"   failed: {r['failed']}")
    else:
        print(f"   time {r['seconds']:.1f} s wall, {r['cpu_seconds']:.1f} s CPU over all threads (target < 60 s on 2 cores); "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"   peak memory {r['peak_mib'] / 1024:.2f} GiB (target < 4 GiB; data alone {r['data_mib'] / 1024:.2f} GiB)")
        print(f"   recall: near duplicates {r['recall_near']:.3f}, exact duplicates {r['recall_exact']:.3f}")
        print(f"   phases: {r['timings']}")


def _compare(cmp_n: int) -> None:
    print(f"2) {cmp_n:,} x 128 with {cmp_n // 200} near duplicates and {cmp_n // 200} outliers planted")
    ours = _child("nnrecipe", [cmp_n, 128, cmp_n // 200, 0, cmp_n // 200])
    theirs = _child("datalab", [cmp_n, 128, cmp_n // 200, 0, cmp_n // 200])
    for name, res in (("nnrecipe audit", ours), ("cleanlab Datalab", theirs)):
        if "failed" in res:
            print(f"   {name:17s} failed: {res['failed']}")
            continue
        print(f"   {name:17s} {res['seconds']:7.1f} s  recall near {res['recall_near']:.3f} "
              f"({res['flagged_near']} flagged)  recall outliers {res['recall_outliers']:.3f} "
              f"({res['flagged_outliers']} flagged)  peak {res['peak_mib']:.0f} MiB")
    if "failed" not in ours and "failed" not in theirs:
        print(f"   speed-up: {theirs['seconds'] / ours['seconds']:.1f}x (target >= 10x at equal or better recall)")


if __name__ == "__main__":
    main()
