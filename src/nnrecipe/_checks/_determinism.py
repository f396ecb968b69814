"""Seed determinism: two short runs from the same seed give the same losses and weights."""

from __future__ import annotations

import torch

from ._context import CheckContext
from ._result import CheckResult
from ._short_run import short_run

__all__ = ["check_determinism"]

NAME = "determinism"
EXPECTED = "bit-identical losses and weights from two runs with the same seed"
STEPS = 8


def check_determinism(ctx: CheckContext) -> CheckResult:
    """Train two fresh copies for a few steps from the same seed and compare step by step."""
    ctx.batch(1, minimum=2)
    runs, weights = [], []
    for _ in range(2):
        model = ctx.fresh_model()
        runs.append(short_run(ctx, model, (ctx.X, ctx.y), steps=STEPS).losses)
        weights.append([p.detach().clone() for p in model.parameters()])
    a, b = runs
    differ = next((i for i, (u, v) in enumerate(zip(a, b, strict=False)) if u != v), None)
    same_weights = len(weights[0]) == len(weights[1]) and all(torch.equal(u, v) for u, v in zip(*weights, strict=True))
    details = {"losses_a": a, "losses_b": b, "first_difference": differ}
    if differ is None and len(a) == len(b) and same_weights:
        return CheckResult(name=NAME, status="pass", measured=f"{len(a)} steps, identical losses and weights",
                           expected=EXPECTED, details=details)
    measured = (f"losses differ from step {differ}: {a[differ]:.6g} vs {b[differ]:.6g}" if differ is not None
                else "losses equal but final weights differ")
    return CheckResult(
        name=NAME, status="fail", measured=measured, expected=EXPECTED,
        why="without determinism a change cannot be told apart from noise, and a bug cannot be reproduced",
        fix="draw every random number from torch's seeded generators (no unseeded numpy/random or "
        "fresh torch.Generator in forward); seed data order; avoid nondeterministic kernels "
        "(torch.use_deterministic_algorithms(True) names them)",
        details=details,
    )
