"""Trainer overhead: nnrecipe's fit against a careful hand-written loop, same work.

Both train the same MLP on MNIST-1D with the same batch size, steps, seed and one CPU
thread. The hand loop slices pre-permuted tensors per epoch (the fastest plain PyTorch
way) and, like nnrecipe, sums its loss on the device and reads it once per 50 steps (a
fair baseline: reading it every step would make the host wait for the device on a GPU).
nnrecipe runs with its default callbacks and logging: a run folder, JSONL + CSV metrics,
TensorBoard events, resume points, and TerminateOnNaN, whose finiteness check of the loss
and every gradient before each optimizer step is included in the time.
Repetitions alternate between the two so that machine noise hits both alike, and times
are CPU seconds of the process (all its threads, TensorBoard's writer included): on a
shared machine, wall time mostly measures the neighbours.

    python benchmarks/trainer_overhead.py [--steps 3000] [--repeats 5]
    python benchmarks/trainer_overhead.py --instructions   # on a busy machine (about an hour at 3,000 steps)

Prints the median time ratio (goal <= 1.03), nnrecipe's overhead per step (goal < 50 us), and
the cost of the finiteness check (nnrecipe with the check replaced by a constant, same run).
The hand loop zeroes gradients with ``opt.zero_grad(set_to_none=True)``, the idiom of
PyTorch's tutorials; nnrecipe sets them to None itself, which skips that call's profiler
and TorchDynamo wrappers (about 70k instructions a step, 2% of this loop's step). For
transparency, the ratio against a hand loop that does the same is printed as well: the
difference between the two ratios is that call.
These rows run without the default diagnostics (``diagnostics=False``); the diagnostics row
prices them: the same run with a validation split (validated each epoch, so the
interpretation after training has data), defaults + every default diagnostic against
defaults without them (goal <= 1.05).
If `lightning` is installed, its ratio is printed too.

``--instructions`` counts CPU instructions under valgrind's callgrind instead of timing: on a
machine shared with other work, times vary by tens of percent from run to run, instruction
counts do not. Each variant runs in its own process; only the measured call is counted.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

import nnrecipe
from nnrecipe.datasets import load_mnist1d
from nnrecipe.models import MLP

BATCH = 64
LOG_EVERY = 50  # nnrecipe's default log_every


def hand_loop(X: torch.Tensor, y: torch.Tensor, steps: int, *, direct_zero: bool = False) -> float:
    """The hand loop; ``direct_zero`` sets the gradients to None itself, as nnrecipe does,
    instead of ``opt.zero_grad(set_to_none=True)``, the idiom of PyTorch's tutorials."""
    torch.manual_seed(0)
    model = MLP(40, 10, hidden=128)
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)
    params = list(model.parameters())
    per_epoch = -(-len(X) // BATCH)
    start = time.process_time()
    step = 0
    epoch = 0
    loss_sum = torch.zeros(())
    logged = []
    while step < steps:
        perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(epoch))
        Xp, yp = X[perm], y[perm]
        for i in range(per_epoch):
            loss = F.cross_entropy(model(Xp[i * BATCH : (i + 1) * BATCH]), yp[i * BATCH : (i + 1) * BATCH])
            if direct_zero:
                for p in params:
                    p.grad = None
            else:
                opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.detach()  # a careful loop still looks at its loss, at log time
            step += 1
            if step % LOG_EVERY == 0:
                logged.append(float(loss_sum) / LOG_EVERY)
                loss_sum = torch.zeros(())
            if step == steps:
                break
        epoch += 1
    return time.process_time() - start


def nnrecipe_fit(X: torch.Tensor, y: torch.Tensor, steps: int, check: bool = True, *, diagnostics: bool = False,
                 val: tuple[torch.Tensor, torch.Tensor] | None = None) -> float:
    """nnrecipe's fit; ``check=False`` replaces the finiteness check by a constant (to price it)."""
    from nnrecipe._train._step import TrainStep

    real = TrainStep._nonfinite
    if not check:
        finite = torch.zeros(())
        TrainStep._nonfinite = lambda self, loss, norm: finite  # type: ignore[method-assign]
    torch.manual_seed(0)
    model = MLP(40, 10, hidden=128)
    config = nnrecipe.TrainConfig(max_steps=steps, batch_size=BATCH, threads=1)
    try:
        with tempfile.TemporaryDirectory() as runs:
            start = time.process_time()
            nnrecipe.fit(model, (X, y), "cross_entropy", val=val, config=config, runs_dir=runs, diagnostics=diagnostics)
            return time.process_time() - start
    finally:
        TrainStep._nonfinite = real  # type: ignore[method-assign]


def lightning_fit(X: torch.Tensor, y: torch.Tensor, steps: int) -> float | None:
    try:
        import lightning as L
    except ImportError:
        return None

    class Module(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = MLP(40, 10, hidden=128)

        def training_step(self, batch, _):  # type: ignore[no-untyped-def]
            x, t = batch
            loss = F.cross_entropy(self.net(x), t)
            self.log("loss", loss)
            return loss

        def configure_optimizers(self):  # type: ignore[no-untyped-def]
            return torch.optim.Adam(self.parameters(), lr=3e-4)

    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=BATCH, shuffle=True)
    with tempfile.TemporaryDirectory() as root:
        trainer = L.Trainer(max_steps=steps, accelerator="cpu", devices=1, default_root_dir=root,
                            enable_model_summary=False, enable_progress_bar=False, logger=False)
        start = time.process_time()
        trainer.fit(Module(), loader)
        return time.process_time() - start


def instructions(variant: str, steps: int) -> int:
    """Instructions spent in ``variant``'s training of ``steps`` steps, counted by callgrind.

    Only the timed call is counted (imports and warm-up run uninstrumented): the child says
    when it is ready and done, and ``callgrind_control`` switches counting on and off.
    """
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={tmp}/cg",
               sys.executable, __file__, "--child", variant, "--steps", str(steps)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stderr is not None
        for line in proc.stdout:
            if line.strip() in ("ready", "done"):
                switch = "on" if line.strip() == "ready" else "off"
                subprocess.run(["callgrind_control", "-i", switch, str(proc.pid)], capture_output=True, check=True)
        err = proc.stderr.read()
        proc.wait()
    return int(re.search(r"Collected : (\d+)", err).group(1))  # type: ignore[union-attr]


def child(variant: str, steps: int) -> None:
    """One variant, run for ``instructions``: warm up, say ready, train, say done."""
    import nnrecipe._train._resume as resume

    # Valgrind runs ~50x slower: lift the 30-second throttle of resume points so that the
    # counted run writes what the same run writes in real time (no point before its end).
    resume.CHECKPOINT_SECONDS = float("inf")
    data = load_mnist1d()
    X, y = data.train
    if variant in ("hand", "hand_direct"):
        run = (lambda n: hand_loop(X, y, n, direct_zero=variant == "hand_direct"))
    elif variant in ("diagnostics", "plain"):
        run = (lambda n: nnrecipe_fit(X, y, n, diagnostics=variant == "diagnostics", val=data.val))
    else:
        run = (lambda n: nnrecipe_fit(X, y, n, variant == "nnrecipe"))
    run(20)
    print("ready", flush=True)
    time.sleep(3)  # the parent switches counting on
    run(steps)
    print("done", flush=True)
    time.sleep(3)


def main_instructions(steps: int, diagnostics: bool) -> None:
    from concurrent.futures import ThreadPoolExecutor

    if diagnostics:
        with ThreadPoolExecutor(2) as pool:
            plain, diag = pool.map(lambda v: instructions(v, steps), ("plain", "diagnostics"))
        print(f"diagnostics: defaults + diagnostics / defaults in instructions: {diag / plain:.3f}  (goal <= 1.05; "
              f"{(diag - plain) / steps:,.0f} instructions per step)")
        return
    variants = ("hand", "nnrecipe", "unchecked", "hand_direct")
    with ThreadPoolExecutor(2) as pool:  # counts do not depend on what else runs
        counts = dict(zip(variants, pool.map(lambda v: instructions(v, steps), variants)))
    hand, ours, unchecked, direct = counts["hand"], counts["nnrecipe"], counts["unchecked"], counts["hand_direct"]
    print(f"instructions for {steps} steps: hand {hand / steps:,.0f} per step, nnrecipe {ours / steps:,.0f} per step "
          "(set-up, run folder, TensorBoard and final checkpoint included)")
    print(f"finiteness check: {(ours - unchecked) / steps:,.0f} instructions per step ({(ours - unchecked) / hand:.2%} of the hand loop)")
    print(f"ratio nnrecipe/hand in instructions: {ours / hand:.3f}  (goal <= 1.03)")
    print(f"ratio nnrecipe/hand loop that sets gradients to None itself, as nnrecipe does: {ours / direct:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind instead of timing")
    parser.add_argument("--diagnostics", action="store_true", help="only the diagnostics row")
    parser.add_argument("--child", choices=["hand", "hand_direct", "nnrecipe", "unchecked", "plain", "diagnostics"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.instructions:
        main_instructions(args.steps, args.diagnostics)
        return
    if args.child:
        child(args.child, args.steps)
        return
    data = load_mnist1d()
    X, y = data.train
    if args.diagnostics:
        main_diagnostics(X, y, data.val, args.steps, args.repeats)
        return
    hand_loop(X, y, 200), nnrecipe_fit(X, y, 200)  # warm-up: allocator, imports
    hand, ours, unchecked, direct, light = [], [], [], [], []
    for _ in range(args.repeats):
        hand.append(hand_loop(X, y, args.steps))
        direct.append(hand_loop(X, y, args.steps, direct_zero=True))
        ours.append(nnrecipe_fit(X, y, args.steps))
        unchecked.append(nnrecipe_fit(X, y, args.steps, check=False))
        t = lightning_fit(X, y, args.steps) if len(light) < 2 else None
        if t is not None:
            light.append(t)
    ratios = [o / h for o, h in zip(ours, hand)]
    h, o, u = statistics.median(hand), statistics.median(ours), statistics.median(unchecked)
    print(f"hand-written loop : {h:.3f} s for {args.steps} steps ({h / args.steps * 1e6:.0f} us/step)")
    print(f"nnrecipe fit      : {o:.3f} s ({o / args.steps * 1e6:.0f} us/step)")
    print(f"ratio nnrecipe/hand (median of {args.repeats} paired runs): {statistics.median(ratios):.3f}  (goal <= 1.03)")
    print(f"ratio of the fastest runs (timeit's estimator on a noisy machine): {min(ours) / min(hand):.3f}")
    print(f"nnrecipe overhead per step: {(o - h) / args.steps * 1e6:.1f} us  (goal < 50 us)")
    print(f"finiteness check before each optimizer step: {(o - u) / args.steps * 1e6:.1f} us per step (median difference)")
    print(f"ratio nnrecipe/hand loop that sets gradients to None itself, as nnrecipe does: "
          f"{statistics.median([o / d for o, d in zip(ours, direct)]):.3f}")
    if light:
        print(f"ratio lightning/hand: {statistics.median(light) / h:.2f}")
    else:
        print("lightning not installed: pip install lightning to compare")
    main_diagnostics(X, y, data.val, args.steps, args.repeats)


def main_diagnostics(X: torch.Tensor, y: torch.Tensor, val: tuple[torch.Tensor, torch.Tensor], steps: int, repeats: int) -> None:
    """The diagnostics row: defaults + every default diagnostic against defaults without, paired."""
    nnrecipe_fit(X, y, 200, diagnostics=True, val=val)  # warm-up: the diagnostics' imports
    plain, diag = [], []
    for _ in range(repeats):
        plain.append(nnrecipe_fit(X, y, steps, val=val))
        diag.append(nnrecipe_fit(X, y, steps, diagnostics=True, val=val))
    p, d = statistics.median(plain), statistics.median(diag)
    ratio = statistics.median([b / a for a, b in zip(plain, diag)])
    print(f"defaults + diagnostics: {d:.3f} s vs defaults {p:.3f} s for {steps} steps with validation each epoch; "
          f"ratio (median of {repeats} paired runs): {ratio:.3f}  (goal <= 1.05; {(d - p) / steps * 1e6:.1f} us/step)")


if __name__ == "__main__":
    main()
