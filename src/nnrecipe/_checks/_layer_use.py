"""Layer use in training: every registered layer runs, and batch-norm statistics follow the data."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ._base import Check
from ._context import CheckContext
from ._result import CheckResult

__all__ = ["LayerUse"]

NAME = "layer_use"
EXPECTED = "every registered layer runs in a training forward; batch-norm running statistics change with the data"


def _unused(model: nn.Module, called: set[int]) -> list[tuple[str, nn.Module]]:
    """The outermost registered modules of which nothing ran (loss modules are not layers)."""
    found: list[tuple[str, nn.Module]] = []
    for name, module in model.named_modules():
        if not name or isinstance(module, nn.modules.loss._Loss) or any(name.startswith(f + ".") for f, _ in found):
            continue
        if not any(id(m) in called for m in module.modules()):
            found.append((name, module))
    return found


def _rate(module: nn.Module) -> float:
    """A dropout layer's rate (0 for anything else)."""
    return float(module.p) if isinstance(module, nn.modules.dropout._DropoutNd) else 0.0


def _describe(name: str, module: nn.Module) -> str:
    rate = f" p={_rate(module)}" if isinstance(module, nn.modules.dropout._DropoutNd) else ""
    return f"{name} ({type(module).__name__}{rate})"


class LayerUse(Check):
    """One training-mode forward with a hook on every module.

    Layers with parameters that never run are ``gradient_flow``'s (their parameters get no
    gradient); here the others are reported: a dropout or normalisation that is defined
    but never applied. Batch-norm layers that ran but whose running statistics did not
    move will normalise with their initial values (mean 0, variance 1) at evaluation.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        x, _ = ctx.batch(64, minimum=2)
        model = ctx.fresh_model().train()
        norms = [(n, m) for n, m in model.named_modules()
                 if isinstance(m, nn.modules.batchnorm._NormBase) and m.track_running_stats and m.running_mean is not None]
        before = {n: (m.running_mean.clone(), m.running_var.clone()) for n, m in norms}  # type: ignore[union-attr]
        called: set[int] = set()
        handles = [m.register_forward_pre_hook(lambda mod, args: called.add(id(mod))) for m in model.modules()]
        try:
            torch.manual_seed(ctx.seed)
            with torch.no_grad():
                ctx.forward(model, x)
        finally:
            for h in handles:
                h.remove()
        unused = _unused(model, called)
        idle = [(n, m) for n, m in unused if not any(True for _ in m.parameters())]
        stuck = [n for n, m in norms if id(m) in called and torch.equal(m.running_mean, before[n][0])  # type: ignore[arg-type]
                 and torch.equal(m.running_var, before[n][1])]  # type: ignore[arg-type]
        at_init = [n for n in stuck if bool((before[n][0] == 0).all()) and bool((before[n][1] == 1).all())]
        details: dict[str, Any] = {"unused_with_parameters": [n for n, m in unused if (n, m) not in idle],
                                   "unused": [n for n, _ in idle], "batch_norm_not_updating": stuck, "layers": len(list(model.modules()))}
        if at_init:
            return _result("fail", f"batch-norm running statistics never change in training and are still at their "
                           f"initial values (mean 0, variance 1): {_names(at_init)}", f"BN stats never update: {at_init[0]}",
                           "in eval mode these layers normalise with 0 and 1 instead of the data's statistics: every "
                           "validation and test prediction is off", "do not call .eval() on them inside forward, keep "
                           "momentum > 0 and F.batch_norm(training=self.training); freeze statistics only of pretrained layers",
                           details)
        warnings = []
        if stuck:
            warnings.append(f"batch-norm running statistics frozen (not at init, maybe pretrained): {_names(stuck)}")
        real = [(n, m) for n, m in idle if _rate(m) > 0 or any(True for _ in m.buffers())]
        if real:
            warnings.append("registered but never run in forward: " + _names([_describe(n, m) for n, m in real]))
        if warnings:
            return _result("warn", "; ".join(warnings), warnings[0].split(":")[0][:40],
                           "a dropout or normalisation defined but never applied changes nothing: the regularisation or "
                           "normalisation you configured is not there (fine when a fused path replaces it, e.g. "
                           "scaled_dot_product_attention's dropout_p)", "call the layer in forward, or delete it", details)
        note = f"; never run, no effect: {_names([n for n, _ in idle])}" if idle else ""
        return _result("pass", f"every layer with an effect runs in training; {len(norms)} batch-norm layers update "
                       f"their statistics{note}", "all layers run" + ("; BN stats update" if norms else ""), "", "", details)


def _names(names: list[str], limit: int = 4) -> str:
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _result(status: str, measured: str, summary: str, why: str, fix: str, details: dict[str, Any]) -> CheckResult:
    return CheckResult(name=NAME, status=status, measured=measured, expected=EXPECTED, why=why, fix=fix,  # type: ignore[arg-type]
                       summary=summary, details=details)
