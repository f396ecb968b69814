"""The output layer's bias at init: find the layer, compute the bias the targets call for, apply it."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import torch
from torch import nn

from .._core._data import TensorData, as_source
from .._core._task import TaskKind, infer_task
from ._context import CheckContext
from ._result import CheckResult
from ._targets import target_prior

__all__ = ["LastLayerInit", "find_output_layer", "fix_last_layer_init", "check_last_layer_init"]

NAME = "last_layer_init"
EXPECTED = "output bias = log class prior (softmax), logit of the positive rate (sigmoid), target mean (regression)"


@dataclasses.dataclass(frozen=True)
class LastLayerInit:
    """What :func:`fix_last_layer_init` found and set.

    Attributes:
        layer: Qualified name of the output layer (``"head.3"``).
        old_bias: Its bias before.
        new_bias: The bias set (log prior, logit of the positive rate or target mean).
    """

    layer: str
    old_bias: list[float]
    new_bias: list[float]


def find_output_layer(model: nn.Module, x: torch.Tensor) -> tuple[str, nn.Module] | None:
    """The last linear or convolution layer run in forward, if its width equals the output's.

    Found by running the model once on ``x`` (in its current mode, without gradients).
    """
    order: list[tuple[str, nn.Module, torch.Tensor]] = []
    kinds = (nn.Linear, nn.modules.conv._ConvNd)
    handles = [
        m.register_forward_hook(lambda mod, a, out, n=n: order.append((n, mod, out)))
        for n, m in model.named_modules() if isinstance(m, kinds)
    ]
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        for h in handles:
            h.remove()
    if isinstance(out, (tuple, list)):
        out = out[0]
    if not order or not isinstance(out, torch.Tensor):
        return None
    name, layer, layer_out = order[-1]
    width = layer_out.shape[-1] if isinstance(layer, nn.Linear) else layer_out.shape[1]
    outputs = out.shape[-1] if out.ndim >= 2 else 1
    return (name, layer) if width == outputs else None


def _bias_of(layer: nn.Module) -> torch.Tensor | None:
    bias = getattr(layer, "bias", None)
    return bias if isinstance(bias, torch.Tensor) else None


def _bias_for(model: nn.Module, x: torch.Tensor, y: torch.Tensor, task: TaskKind) -> tuple[str, torch.Tensor, torch.Tensor] | str:
    found = find_output_layer(model, x)
    if found is None:
        return "no linear or convolution layer produces the output directly"
    name, layer = found
    bias = _bias_of(layer)
    if bias is None:
        return f"the output layer {name!r} has no bias"
    prior = target_prior(y, task, bias.numel())
    if prior.bias.numel() != bias.numel():
        return f"the output layer {name!r} has {bias.numel()} outputs but the targets call for {prior.bias.numel()}"
    return name, bias, prior.bias.to(bias.dtype)


def fix_last_layer_init(model: nn.Module, train: Any, task: TaskKind | None = None) -> LastLayerInit:
    """Set the output layer's bias to what the training targets call for, in place.

    A softmax classifier starts at the class prior (bias = log prior), so the first steps do
    not spend themselves learning the imbalance (the "hockey stick" loss); a regression
    output starts at the target mean.

    Args:
        model: The model to change (in place).
        train: Training data in any form :func:`nnrecipe.data.as_source` takes.
        task: The task kind; inferred from the targets when ``None``.

    Returns:
        The layer changed and its bias before and after.

    Raises:
        ValueError: No output layer with a bias could be found.

    Example:
        >>> net = nn.Sequential(nn.Linear(3, 2))
        >>> fix = fix_last_layer_init(net, (torch.randn(10, 3), torch.tensor([0] * 9 + [1])))
        >>> round(fix.new_bias[0] - fix.new_bias[1], 2)
        2.2
    """
    source = as_source(train)
    x, y = source.head(8)
    all_y = source.y if isinstance(source, TensorData) else source.head(4096)[1]
    kind = infer_task(all_y, None, task)
    was_training = model.training
    model.eval()
    try:
        found = _bias_for(model, x.to(_device(model)), all_y, kind)
    finally:
        model.train(was_training)
    if isinstance(found, str):
        raise ValueError(f"cannot set the last-layer bias: {found}; set it by hand to the log class prior or target mean")
    name, param, bias = found
    old = param.detach().flatten().tolist()
    with torch.no_grad():
        param.copy_(bias.reshape(param.shape))
    return LastLayerInit(name, old, bias.flatten().tolist())


def _device(model: nn.Module) -> torch.device:
    return next((p.device for p in model.parameters()), torch.device("cpu"))


def seeded_loss(ctx: CheckContext, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Training-mode loss without gradients, with a fixed dropout mask."""
    torch.manual_seed(ctx.seed)
    with torch.no_grad():
        return float(ctx.compute_loss(ctx.forward(model.train(), x), y))


def check_last_layer_init(ctx: CheckContext) -> CheckResult:
    """Compare the loss at init with the loss after setting the output bias from the targets."""
    x, y = ctx.batch(256, minimum=1)
    model = ctx.fresh_model()
    found = _bias_for(model.eval(), x[:8], ctx.all_y, ctx.task)
    if isinstance(found, str):
        return CheckResult(name=NAME, status="warn", measured=found, expected=EXPECTED,
                           why="the bias cannot be checked or fixed automatically",
                           fix="end the model with an nn.Linear that has a bias", details={})
    name, param, bias = found
    now = seeded_loss(ctx, model, x, y)
    fixed_model = copy.deepcopy(model)
    fixed_param = _bias_of(dict(fixed_model.named_modules())[name])
    assert fixed_param is not None  # a copy of a layer that has one
    with torch.no_grad():
        fixed_param.copy_(bias.reshape(param.shape))
    fixed = seeded_loss(ctx, fixed_model, x, y)
    gain = (now - fixed) / max(abs(now), 1e-12)
    details = {"layer": name, "bias": param.detach().flatten()[:10].tolist(),
               "suggested_bias": bias.flatten()[:10].tolist(), "loss": now, "loss_with_suggested_bias": fixed}
    label = repr(name) if name else "the model"
    measured = (f"loss {now:.4g} with the current bias of {label}, {fixed:.4g} with the suggested one "
                f"({_preview(bias)})" + ("; fix_init applied it" if ctx.fix_init else ""))
    if now - fixed < 0.02 * max(abs(now), 1e-12) or now - fixed < 1e-3 or gain < 0.1:
        return CheckResult(name=NAME, status="pass", measured=measured, expected=EXPECTED, details=details)
    return CheckResult(
        name=NAME, status="fail" if gain > 0.75 else "warn", measured=measured, expected=EXPECTED,
        why="an output that starts far from the targets' prior or mean wastes the first steps "
        "(a hockey-stick loss curve) and can push the rest of the network to odd places",
        fix="pass fix_init=True (CLI: --fix-init), or call nnrecipe.fix_last_layer_init(model, train) "
        f"before training; it sets {name}.bias to the values shown",
        details=details,
    )


def _preview(bias: torch.Tensor) -> str:
    values = [f"{v:.3g}" for v in bias.flatten()[:4].tolist()]
    return "[" + ", ".join(values) + (", ...]" if bias.numel() > 4 else "]")
