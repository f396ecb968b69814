"""Data-parallel scaling: throughput of 2 processes (torchrun, gloo) over 1, same global batch.

Both train the same model on random data with the same global batch, seed and steps, one CPU
thread per process, no files (``runs_dir=None``). Throughput is examples per second of the
training loop (``FitResult.seconds``: the loop only, not start-up), read from rank 0.
The runs alternate (1, 2, 1, 2...) so that the machine's noise hits both alike; the ratio of
the medians is printed with the efficiency (ratio / 2) and the load average around the runs.

On a busy machine wall time measures the neighbours, so the CPU-bound estimate is printed
too: examples per CPU second of all the processes (``time.process_time`` from
``on_train_begin`` to ``on_train_end``, their communication threads included), 2 processes over 1, times 2: the speed-up two
otherwise idle cores would give, counting every cost data parallelism adds.

    python benchmarks/ddp_scaling.py [--model cnn|mlp] [--steps 30] [--repeats 2] [--batch 512]

Models: ``cnn`` (the default), a 1-D convolutional network of about 65 k parameters over
sequences of 64 steps, where computing dominates the gradient all-reduce as in the
convolutional models data parallelism is used for (its activations at the global batch fit
the cache: at 256 steps they do not, and halving the batch per process gives a misleading
superlinear 2.9x); ``mlp``, about 3.2 M parameters and
little computing per parameter, where the all-reduce of its 12.6 MB of gradients over gloo
takes about a quarter of each step on these machines (two independent single-process runs
at half the batch reach 1.67x, measured beside it).

Goal: >= 1.6x on a quiet 2-core machine. On a machine shared with other work the 2-process
run competes for the cores with the neighbours and the figure means little: read the load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

from nnrecipe.callbacks import Callback

WIDTH, HIDDEN, CLASSES = 512, 1536, 10
CHANNELS_IN, CHANNELS, LENGTH = 8, 64, 64


class _LoopCpu(Callback):
    """CPU seconds of this process over the training loop (not the start-up)."""

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.start = time.process_time()

    def on_train_end(self, logs: dict[str, Any]) -> None:
        self.seconds = time.process_time() - self.start


def _model_and_inputs(kind: str, n: int) -> tuple[Any, Any]:
    import torch
    from torch import nn

    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    if kind == "mlp":
        model = nn.Sequential(nn.Linear(WIDTH, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES))
        return model, torch.randn(n, WIDTH, generator=g)
    layers: list[nn.Module] = [nn.Conv1d(CHANNELS_IN, CHANNELS, 5, padding=2), nn.ReLU()]
    for _ in range(3):
        layers += [nn.Conv1d(CHANNELS, CHANNELS, 5, padding=2), nn.ReLU()]
    model = nn.Sequential(*layers, nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(CHANNELS, CLASSES))
    return model, torch.randn(n, CHANNELS_IN, LENGTH, generator=g)


def worker(kind: str, steps: int, batch: int) -> None:
    """One process's run (under torchrun, one of two); rank 0 prints the loop's examples/s."""
    import torch

    import nnrecipe

    model, X = _model_and_inputs(kind, batch * 4)
    y = torch.randint(0, CLASSES, (batch * 4,), generator=torch.Generator().manual_seed(1))
    config = nnrecipe.TrainConfig(batch_size=batch, max_steps=steps, threads=1, device="cpu", log_every=steps, tensorboard=False)
    clock = _LoopCpu()
    result = nnrecipe.fit(model, (X, y), config=config, callbacks=[clock], runs_dir=None)
    cpu = clock.seconds
    here = nnrecipe.distributed.world()
    print(json.dumps({"rank": here.rank, "examples_per_s": result.steps * batch / result.seconds, "cpu_s": cpu,
                      "examples": result.steps * batch, "params": sum(p.numel() for p in model.parameters())}), flush=True)
    nnrecipe.distributed.leave(together=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(kind: str, processes: int, steps: int, batch: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    me = [__file__, "--worker", "--model", kind, "--steps", str(steps), "--batch", str(batch)]
    if processes == 1:
        command = [sys.executable, *me]
    else:
        command = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", str(processes),
                   "--master-addr", "127.0.0.1", "--master-port", str(_free_port()), *me]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    # Each rank prints one flat JSON object; two ranks writing at once may share a line.
    ranks = [json.loads(x) for x in re.findall(r"\{[^{}]*\}", done.stdout)]
    main = next(r for r in ranks if r["rank"] == 0)
    return {**main, "examples_per_cpu_s": main["examples"] / sum(r["cpu_s"] for r in ranks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--batch", type=int, default=512, help="the global batch size")
    parser.add_argument("--model", choices=("cnn", "mlp"), default="cnn")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.model, args.steps, args.batch)
        return
    load_before = os.getloadavg()
    one, two, cpu_one, cpu_two = [], [], [], []
    for _ in range(args.repeats):
        alone = measure(args.model, 1, args.steps, args.batch)
        one.append(alone["examples_per_s"])
        cpu_one.append(alone["examples_per_cpu_s"])
        got = measure(args.model, 2, args.steps, args.batch)
        two.append(got["examples_per_s"])
        cpu_two.append(got["examples_per_cpu_s"])
    load_after = os.getloadavg()
    ratio = statistics.median(two) / statistics.median(one)
    cpu_ratio = 2 * statistics.median(cpu_two) / statistics.median(cpu_one)
    print(f"model: {args.model}, {got['params']:,.0f} parameters, global batch {args.batch}, {args.steps} steps, 1 thread per process")
    print(f"1 process:   {statistics.median(one):8.0f} examples/s  (runs: {', '.join(f'{v:.0f}' for v in one)})")
    print(f"2 processes: {statistics.median(two):8.0f} examples/s  (runs: {', '.join(f'{v:.0f}' for v in two)})")
    print(f"speed-up 2/1: {ratio:.2f}x  (goal >= 1.6x on a quiet 2-core machine); efficiency {ratio / 2:.0%}")
    print(f"CPU-bound estimate 2/1: {cpu_ratio:.2f}x  (examples per CPU second: {statistics.median(cpu_one):.0f} with 1 process, "
          f"{statistics.median(cpu_two):.0f} with 2)")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1-minute); cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
