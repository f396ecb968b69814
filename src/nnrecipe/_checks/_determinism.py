"""Seed determinism: the same seed builds the same weights and trains to the same losses."""

from __future__ import annotations

import torch

from ._base import Check
from ._context import CheckContext
from ._result import CheckResult
from ._short_run import short_run

__all__ = ["Determinism"]

NAME = "determinism"
EXPECTED = "a factory builds identical weights under one seed; two short runs give bit-identical losses and weights"
STEPS = 8
FIX = ("draw every random number from torch's seeded generators: no numpy/random or freshly seeded torch.Generator "
       "in __init__ or forward; seed data order; avoid nondeterministic kernels (torch.use_deterministic_algorithms(True) names them)")
WHY = "without determinism a change cannot be told apart from noise, and a bug cannot be reproduced"


def _init_differs(ctx: CheckContext) -> list[str]:
    """Names of parameters and buffers that differ between two builds under the same seed."""
    one, two = ctx.rebuild(ctx.seed), ctx.rebuild(ctx.seed)
    if one is None or two is None:
        return []
    first = {**dict(one.named_parameters()), **dict(one.named_buffers())}
    second = {**dict(two.named_parameters()), **dict(two.named_buffers())}
    return [n for n, t in first.items() if n not in second or second[n].shape != t.shape or not torch.equal(second[n].detach(), t.detach())]


class Determinism(Check):
    """Build the factory twice under the seed, then train twice for a few steps and compare."""

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        ctx.batch(1, minimum=2)
        differ_init = _init_differs(ctx)
        if differ_init:
            return CheckResult(
                name=NAME, status="fail", measured=f"two builds from the same seed differ in {len(differ_init)} tensors: "
                f"{', '.join(differ_init[:4])}{' ...' if len(differ_init) > 4 else ''}", expected=EXPECTED,
                summary="unseeded initialisation", why=WHY + "; an unseeded initialisation makes every run a different model",
                fix=FIX, details={"init_differs": differ_init},
            )
        runs, weights = [], []
        for _ in range(2):
            model = ctx.fresh_model()
            runs.append(short_run(ctx, model, (ctx.X, ctx.y), steps=STEPS).losses)
            weights.append([p.detach().clone() for p in model.parameters()])
        a, b = runs
        differ = next((i for i, (u, v) in enumerate(zip(a, b, strict=False)) if u != v), None)
        same_weights = len(weights[0]) == len(weights[1]) and all(torch.equal(u, v) for u, v in zip(*weights, strict=True))
        details = {"losses_a": a, "losses_b": b, "first_difference": differ, "init_differs": []}
        if differ is None and len(a) == len(b) and same_weights:
            return CheckResult(name=NAME, status="pass", measured=f"{len(a)} steps, identical losses and weights"
                               + ("; the factory builds identical weights" if ctx.is_factory else ""),
                               expected=EXPECTED, summary=f"identical over {len(a)} steps", details=details)
        measured = (f"losses differ from step {differ}: {a[differ]:.6g} vs {b[differ]:.6g}" if differ is not None
                    else "losses equal but final weights differ")
        # Off the CPU, fused kernels that add in a different order each run are common and tiny.
        tiny = ctx.device.type != "cpu" and all(abs(u - v) <= 1e-5 * max(abs(u), 1.0) for u, v in zip(a, b, strict=False))
        return CheckResult(name=NAME, status="warn" if tiny else "fail", measured=measured, expected=EXPECTED,
                           summary=f"runs differ from step {differ}" if differ is not None else "final weights differ",
                           why=WHY, fix=FIX, details=details)
