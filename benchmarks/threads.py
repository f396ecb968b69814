"""Training speed by CPU thread count, to choose nnrecipe's default for small models.

For each reference model on MNIST-1D it times the same training steps with 1 thread and
with every core, and prints steps/s and the speed-up of one thread over all cores.

    python benchmarks/threads.py [--steps 300]
"""

from __future__ import annotations

import argparse
import os
import time

import torch
import torch.nn.functional as F

from nnrecipe.datasets import load_mnist1d
from nnrecipe.models import MLP, CNN1d, GRUClassifier

MODELS = {
    "MLP": lambda: MLP(40, 10, hidden=128),
    "CNN1d demo": lambda: CNN1d(1, 10, width=24, kernel=5),
    "CNN1d wide": lambda: CNN1d(1, 10, width=96, kernel=5),
    "GRU": lambda: GRUClassifier(1, 10, hidden=48),
}


def steps_per_second(make, X: torch.Tensor, y: torch.Tensor, steps: int, threads: int) -> float:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = make()
    opt = torch.optim.Adam(model.parameters(), 3e-4)
    for i in range(10):  # warm-up
        F.cross_entropy(model(X[:64]), y[:64]).backward()
    start = time.perf_counter()
    for i in range(steps):
        lo = (i * 64) % (len(X) - 64)
        loss = F.cross_entropy(model(X[lo : lo + 64]), y[lo : lo + 64])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    X, y = load_mnist1d().train
    print(f"{'model':<20} {'1 thread':>10} {f'{cores} threads':>10} {'1-thread speed-up':>18}")
    for name, make in MODELS.items():
        n = sum(p.numel() for p in make().parameters())
        one = steps_per_second(make, X, y, args.steps, 1)
        many = steps_per_second(make, X, y, args.steps, cores)
        print(f"{name:<20} {one:>8.0f}/s {many:>8.0f}/s {one / many:>17.2f}x   ({n:,} params)")


if __name__ == "__main__":
    main()
