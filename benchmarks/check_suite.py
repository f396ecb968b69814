"""Time the whole check suite on the MNIST-1D demo CNN (goal: under 20 s on 2 cores).

Usage: python benchmarks/check_suite.py [--pictures] [--repeat N]

Prints each check's verdict and seconds, and the total. The first optimizer a process builds
imports ``torch._dynamo`` (seconds, once per process, paid by any training); it is timed
separately so that the suite's own time is visible.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import torch

import nnrecipe
from nnrecipe.datasets import load_mnist1d


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pictures", action="store_true", help="also write the decoded input batch (matplotlib)")
    parser.add_argument("--repeat", type=int, default=1, help="run the suite this many times")
    args = parser.parse_args()
    split = load_mnist1d()
    start = time.perf_counter()
    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])
    print(f"one-time torch optimizer import: {time.perf_counter() - start:.2f} s")
    for _ in range(args.repeat):
        model = nnrecipe.models.CNN1d(1, 10, width=24, blocks=3, kernel=5)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            options = nnrecipe.CheckOptions(run_dir=tmp if args.pictures else None)
            report = nnrecipe.check(model, split.train, "cross_entropy", val=split.val, options=options)
            total = time.perf_counter() - start
        for r in report.results:
            print(f"{r.name:28s} {r.status:5s} {r.seconds:6.2f} s  {r.phrase()}")
        print(f"total {total:.2f} s on {torch.get_num_threads()} threads available, ok={report.ok}, "
              f"load {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
