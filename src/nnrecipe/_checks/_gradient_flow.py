"""Gradient flow: every parameter gets a finite, non-zero gradient and moves after a step."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from ._context import CheckContext
from ._result import CheckResult

__all__ = ["check_gradient_flow", "unregistered_modules"]

NAME = "gradient_flow"
EXPECTED = "every trainable parameter: finite non-zero gradient, changed by one step; all layers registered"


def unregistered_modules(model: nn.Module) -> dict[str, list[nn.Module]]:
    """Modules kept in plain lists, tuples or dicts: invisible to ``parameters()`` and ``.to()``."""
    found: dict[str, list[nn.Module]] = {}
    registered = {id(m) for m in model.modules()}  # a list that only aliases registered layers is fine
    for prefix, module in model.named_modules():
        for attr, value in vars(module).items():
            items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else []
            # Parameterless modules (activations, losses) in a list lose nothing by it.
            mods = [v for v in items if isinstance(v, nn.Module) and id(v) not in registered and _has_state(v)]
            if mods and not attr.startswith("_"):
                found[f"{prefix}.{attr}" if prefix else attr] = mods
    return found


def _has_state(module: nn.Module) -> bool:
    return any(True for _ in module.parameters()) or any(True for _ in module.buffers())


def _dead_relus(model: nn.Module, run: Any) -> dict[str, float]:
    """Fraction of units (channels or features) of each ``nn.ReLU`` that never fire on the batch."""
    fired: dict[str, torch.Tensor] = {}

    def hook_for(name: str) -> Any:
        def hook(module: nn.Module, args: tuple[Any, ...], out: torch.Tensor) -> None:
            if out.ndim >= 2:
                alive = (out.detach() > 0).transpose(0, 1).reshape(out.shape[1], -1).any(1)
                key = name if name not in fired or fired[name].shape == alive.shape else f"{name}[{out.shape[1]}]"
                fired[key] = alive if key not in fired else fired[key] | alive  # a ReLU reused at another width gets its own entry

        return hook

    handles = [m.register_forward_hook(hook_for(n)) for n, m in model.named_modules() if isinstance(m, nn.ReLU)]
    try:
        run()
    finally:
        for h in handles:
            h.remove()
    return {n: 1.0 - float(a.float().mean()) for n, a in fired.items()}


def check_gradient_flow(ctx: CheckContext) -> CheckResult:
    """One forward, backward and optimizer step on a training batch, then per-parameter checks."""
    model = ctx.fresh_model().train()
    x, y = ctx.batch(64, minimum=1)
    hidden = unregistered_modules(model)
    hidden_params = [p for mods in hidden.values() for m in mods for p in m.parameters()]
    loss_box: list[torch.Tensor] = []
    dead = _dead_relus(model, lambda: loss_box.append(ctx.compute_loss(ctx.forward(model, x), y)))
    loss = loss_box[0]
    if not loss.requires_grad:
        return _result("fail", "the loss has no gradient (nothing in it requires grad)", "the loss is built from "
                       "detached outputs (`.detach()`, `.item()`, `torch.no_grad()`, numpy)",
                       "compute the loss from the model output directly, without detaching it", {})
    opt = ctx.make_optimizer(model)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    before = {n: p.detach().clone() for n, p in named}
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    no_grad = [n for n, p in named if p.grad is None]
    nonfinite = [n for n, p in named if p.grad is not None and not bool(torch.isfinite(p.grad).all())]
    zero = [n for n, p in named if p.grad is not None and n not in nonfinite and not bool(p.grad.any())]
    grad_norm = {n: float(p.grad.norm()) for n, p in named if p.grad is not None and n not in nonfinite}
    opt.step()
    stuck = [n for n, p in named if n in grad_norm and n not in zero and torch.equal(p.detach(), before[n])]
    ratio = {
        n: float((p.detach() - before[n]).norm() / max(float(before[n].norm()), 1e-12))
        for n, p in named if n in grad_norm and before[n].ndim >= 2
    }
    hidden_live = sum(p.grad is not None for p in hidden_params)
    weight_norms = [v for n, v in grad_norm.items() if before[n].ndim >= 2 and v > 0]
    spread = max(weight_norms) / min(weight_norms) if len(weight_norms) > 1 else 1.0
    details = {
        "loss": float(loss.detach()), "no_grad": no_grad, "zero_grad": zero, "nonfinite_grad": nonfinite,
        "not_updated": stuck, "frozen": frozen, "unregistered": sorted(hidden),
        "grad_norm": grad_norm, "update_ratio": ratio, "dead_relu_fraction": dead, "grad_norm_spread": spread,
    }
    problems: list[str] = []
    if hidden:
        problems.append(
            f"layers in plain Python containers {sorted(hidden)} ({len(hidden_params)} tensors, {hidden_live} "
            "receiving gradients) are not registered: never in the optimizer, never moved to the device, not saved"
        )
    for label, names in (("never reached by the gradient", no_grad), ("non-finite gradient", nonfinite),
                         ("all-zero gradient", zero), ("unchanged by the optimizer step", stuck)):
        if names:
            problems.append(f"{label}: {_short(names)}")
    if problems:
        return _result("fail", "; ".join(problems), "parameters that get no useful gradient are never trained, "
                       "silently: the model is smaller, or different, than you think",
                       "register layers with nn.ModuleList / nn.ModuleDict instead of list / dict; give the "
                       "optimizer model.parameters(); make sure every layer is used in forward and nothing "
                       "is detached; zero gradients often mean dead ReLUs or a multiplication by zero", details)
    warnings = []
    if frozen:
        warnings.append(f"{len(frozen)} parameters are frozen (requires_grad=False): {_short(frozen)}")
    very_dead = {n: f for n, f in dead.items() if f > 0.5}
    if very_dead:
        warnings.append("ReLU layers with most units dead on a batch: " + _short([f"{n} {f:.0%}" for n, f in very_dead.items()]))
    if spread > 1e4:
        warnings.append(f"gradient norms across weight layers span {spread:.1e}x (exploding or vanishing)")
    extreme = {n: r for n, r in ratio.items() if r > 0.1 or r < 1e-7}
    if extreme:
        warnings.append("update/weight ratio far from ~1e-3: " + _short([f"{n} {r:.1e}" for n, r in extreme.items()]))
    median = sorted(ratio.values())[len(ratio) // 2] if ratio else math.nan
    summary = f"{len(named)} parameters get finite non-zero gradients and move; update/weight median {median:.1e}"
    if warnings:
        return _result("warn", summary + "; " + "; ".join(warnings), "frozen layers, dead units and extreme "
                       "gradient or update scales slow or stop learning", "unfreeze layers you meant to train; "
                       "check initialisation and learning rate; add normalisation or residual connections", details)
    return _result("pass", summary, "", "", details)


def _short(names: list[str], limit: int = 4) -> str:
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _result(status: str, measured: str, why: str, fix: str, details: dict[str, Any]) -> CheckResult:
    return CheckResult(name=NAME, status=status, measured=measured, expected=EXPECTED, why=why, fix=fix,  # type: ignore[arg-type]
                       details=details)
