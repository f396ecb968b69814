"""The demo's stage 1: the audit of MNIST-1D with the label-error detector on, against off.

Usage: python benchmarks/demo_audit.py [--repeat N]

Two measurements, each variant alternating with the other:
- cold: the first audit in a fresh process, as the demo runs it (what the detector imports,
  cleanlab among them, is counted); one fresh process per audit;
- warm: audits in this process after one of each (the detector's own work).
Prints the median wall and CPU seconds, the detector's extra cost and the ratio, and the
verdict the detector gives on MNIST-1D.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import nnrecipe
from nnrecipe.demo import mnist1d_experiment

_COLD = """
import json, time
wall, cpu = time.perf_counter(), time.process_time()
import nnrecipe
from nnrecipe.demo import mnist1d_experiment
exp = mnist1d_experiment()
nnrecipe.audit(exp.train, val=exp.val, test=exp.test, config=nnrecipe.AuditConfig(label_errors={on}))
print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu]))
"""


def _cold(on: bool) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", _COLD.format(on=on)], capture_output=True, text=True, check=True).stdout
    wall, cpu = json.loads(out.splitlines()[-1])
    return wall, cpu


def _warm(exp: nnrecipe.Experiment, on: bool) -> tuple[float, float, nnrecipe.AuditReport]:
    wall, cpu = time.perf_counter(), time.process_time()
    report = nnrecipe.audit(exp.train, val=exp.val, test=exp.test, config=nnrecipe.AuditConfig(label_errors=on))
    return time.perf_counter() - wall, time.process_time() - cpu, report


def _print(name: str, times: dict[bool, list[tuple[float, float]]]) -> None:
    med = {on: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts)) for on, ts in times.items()}
    for on, (wall, cpu) in med.items():
        print(f"{name} label_errors={on!s:5s}  wall {wall:6.2f} s  cpu {cpu:6.2f} s")
    (w0, c0), (w1, c1) = med[False], med[True]
    print(f"{name} detector cost: {w1 - w0:+.2f} s wall ({w1 / w0:.2f}x), {c1 - c0:+.2f} s cpu ({c1 / c0:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="audits of each variant, cold and warm")
    args = parser.parse_args()
    cold: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(args.repeat):
        for on in (False, True):
            cold[on].append(_cold(on))
    _print("cold", cold)
    exp = mnist1d_experiment()
    _warm(exp, False)
    _warm(exp, True)
    warm: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    report = None
    for _ in range(args.repeat):
        for on in (False, True):
            wall, cpu, r = _warm(exp, on)
            warm[on].append((wall, cpu))
            report = r if on else report
    _print("warm", warm)
    assert report is not None
    found = [f for f in report.findings if f.kind.startswith("label_")]
    for f in found:
        print(f"verdict: {f.severity} {f.kind}: {f.message}")
    if not found:
        print("verdict: no label finding")
    if report.summary.label_errors is not None:
        le = report.summary.label_errors
        print(f"noise rate {dict(le.noise_rate)}, self-consistency {dict(le.self_consistency)}")


if __name__ == "__main__":
    main()
