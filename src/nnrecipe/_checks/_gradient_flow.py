"""Gradient flow: every parameter is registered, reached by a finite gradient, and in the optimizer."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from ._base import Check
from ._context import CheckContext
from ._result import CheckResult
from ._state import hidden_modules, hidden_tensors

__all__ = ["GradientFlow"]

NAME = "gradient_flow"
EXPECTED = "every trainable parameter registered, in the optimizer, with a finite non-zero gradient; frozen ones declared"


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


def _short(names: list[str], limit: int = 4) -> str:
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


class GradientFlow(Check):
    """Two training steps on a batch, then per-parameter facts.

    A gradient that is exactly zero on the first step only is allowed: zero-initialised
    layers (a published practice for residual branches) block it until they move.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        model = ctx.fresh_model().train()
        x, y = ctx.batch(64, minimum=1)
        hidden, tensors = hidden_modules(model), hidden_tensors(model)
        loss_box: list[torch.Tensor] = []
        torch.manual_seed(ctx.seed)
        dead = _dead_relus(model, lambda: loss_box.append(ctx.compute_loss(ctx.forward(model, x), y)))
        if not loss_box[0].requires_grad:
            return _result("fail", "the loss has no gradient (nothing in it requires grad)", "loss has no gradient",
                           "the loss is built from detached outputs (`.detach()`, `.item()`, `torch.no_grad()`, numpy)",
                           "compute the loss from the model output directly, without detaching it", {})
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        opt = ctx.make_optimizer(model)
        in_opt = {id(p) for group in opt.param_groups for p in group["params"]}
        opt.zero_grad(set_to_none=True)
        loss_box[0].backward()
        grads = {n: None if p.grad is None else p.grad.detach().clone() for n, p in named}
        opt.step()
        opt.zero_grad(set_to_none=True)
        torch.manual_seed(ctx.seed)
        ctx.compute_loss(ctx.forward(model, x), y).backward()
        again = {n: p.grad is not None and bool(p.grad.any()) for n, p in named}
        facts = _facts(ctx, model, named, grads, again, in_opt)
        details: dict[str, Any] = {"loss": float(loss_box[0].detach()), "unregistered": sorted(hidden),
                                   "unregistered_tensors": sorted(tensors), "dead_relu_fraction": dead, **facts}
        problems = _problems(hidden, tensors, facts)
        if problems:
            return _result("fail", "; ".join(long for _, long in problems), problems[0][0],
                           "parameters that get no useful gradient are never trained, silently: the model is smaller, "
                           "or different, than you think", "register layers with nn.ModuleList / nn.ModuleDict and tensors "
                           "with nn.Parameter (or register_buffer if constant); give the optimizer model.parameters(); "
                           "use every layer in forward and detach nothing; declare layers frozen on purpose with "
                           "frozen=[...]", details)
        return _warnings(named, facts, dead, details)


def _facts(ctx: CheckContext, model: nn.Module, named: list[tuple[str, nn.Parameter]], grads: dict[str, torch.Tensor | None],
           again: dict[str, bool], in_opt: set[int]) -> dict[str, Any]:
    live = {n: g for n, g in grads.items() if g is not None}
    nonfinite = [n for n, g in live.items() if not bool(torch.isfinite(g).all())]
    zero = [n for n, g in live.items() if n not in nonfinite and not bool(g.any()) and not again[n]]
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    undeclared = [n for n in frozen if not ctx.options.declared_frozen(n)]
    shapes = dict(named)
    return {
        "no_grad": [n for n, g in grads.items() if g is None],
        "nonfinite_grad": nonfinite,
        "zero_grad": zero,
        "zero_grad_matrices": [n for n in zero if shapes[n].ndim >= 2],
        "matrices": [n for n, p in named if p.ndim >= 2],
        "not_in_optimizer": [n for n, p in named if n in live and id(p) not in in_opt],
        "grad_norm": {n: float(g.norm()) for n, g in live.items() if n not in nonfinite},
        "frozen": frozen,
        "frozen_undeclared": undeclared,
        "frozen_random": _random_frozen(ctx, model, undeclared),
    }


def _random_frozen(ctx: CheckContext, model: nn.Module, frozen: list[str]) -> list[str] | None:
    """Frozen parameters whose values depend on the seed: random weights that never train.

    ``None`` for a passed instance (it may be pretrained). A factory is built again under
    another seed: values that do not change are constants or loaded weights, on purpose.
    """
    if not frozen or not ctx.is_factory:
        return None if not ctx.is_factory else []
    other = ctx.rebuild(ctx.seed + 1)
    assert other is not None  # a factory rebuilds
    theirs = dict(other.named_parameters())
    mine = dict(model.named_parameters())
    return [n for n in frozen if n not in theirs or theirs[n].shape != mine[n].shape or not torch.equal(theirs[n].detach(), mine[n].detach())]


def _problems(hidden: dict[str, list[nn.Module]], tensors: dict[str, torch.Tensor], facts: dict[str, Any]) -> list[tuple[str, str]]:
    """``(short, long)`` descriptions of what fails."""
    problems = []
    if hidden:
        count = sum(1 for mods in hidden.values() for m in mods for _ in m.parameters())
        problems.append((f"unregistered layers: {_short(sorted(hidden), 1)}",
                         (f"unregistered layers in plain Python containers: {_short(sorted(hidden))} ({count} tensors): "
                          "never in the optimizer, never moved to the device, not saved")))
    if tensors:
        problems.append((f"unregistered tensors: {_short(sorted(tensors), 1)}",
                         (f"unregistered tensors with requires_grad=True: {_short(sorted(tensors))} (not nn.Parameter): "
                          "never in model.parameters(), never trained, never saved")))
    for short, label, names in (
        ("no gradient", "never reached by the gradient", facts["no_grad"]),
        ("non-finite gradient", "non-finite gradient", facts["nonfinite_grad"]),
        ("zero gradient", "all-zero gradient on two steps", facts["zero_grad_matrices"]),
        ("not in the optimizer", "missing from the optimizer (unchanged by the optimizer step)", facts["not_in_optimizer"]),
        ("frozen random weights", "frozen with random values, never trained (declare with frozen=[...] if meant)",
         facts["frozen_random"] or []),
    ):
        if names:
            problems.append((f"{short}: {_short(names, 1)}", f"{label}: {_short(names)}"))
    return problems


def _warnings(named: list[tuple[str, nn.Parameter]], facts: dict[str, Any], dead: dict[str, float], details: dict[str, Any]) -> CheckResult:
    norms: dict[str, float] = facts["grad_norm"]
    matrices = set(facts["matrices"])
    weights = [(n, v) for n, v in norms.items() if n in matrices and v > 0]
    spread = max(v for _, v in weights) / min(v for _, v in weights) if len(weights) > 1 else 1.0
    details["grad_norm_spread"] = spread
    warnings: list[str] = []
    undeclared = facts["frozen_undeclared"]
    if facts["frozen_random"] is None and undeclared:
        warnings.append(f"{len(undeclared)} parameters frozen (requires_grad=False), maybe pretrained: {_short(undeclared)}")
    if facts["zero_grad"]:
        warnings.append(f"all-zero gradient on {_short(facts['zero_grad'])}")
    very_dead = {n: f for n, f in dead.items() if f > 0.5}
    if very_dead:
        warnings.append("ReLU layers with most units dead on a batch: " + _short([f"{n} {f:.0%}" for n, f in very_dead.items()]))
    if spread > 1e4:
        first, last = weights[0], weights[-1]
        warnings.append(f"gradient norms across weight layers span {spread:.1e}x ({first[0]} {first[1]:.1e}, "
                        f"{last[0]} {last[1]:.1e}; all in details)")
    summary = f"{len(named)} parameters get finite gradients"
    if warnings:
        return _result("warn", summary + "; " + "; ".join(warnings), warnings[0][:40],
                       "frozen layers, dead units and vanishing or exploding gradients slow or stop learning; if the "
                       "loss still falls (loss_decreases) they are worth a look, not a stop",
                       "unfreeze layers you meant to train; check initialisation; add normalisation or residual "
                       "connections", details)
    median = sorted(norms.values())[len(norms) // 2] if norms else math.nan
    return _result("pass", f"{summary}; median gradient norm {median:.1e}", summary, "", "", details)


def _result(status: str, measured: str, summary: str, why: str, fix: str, details: dict[str, Any]) -> CheckResult:
    return CheckResult(name=NAME, status=status, measured=measured, expected=EXPECTED, why=why, fix=fix,  # type: ignore[arg-type]
                       summary=summary, details=details)
