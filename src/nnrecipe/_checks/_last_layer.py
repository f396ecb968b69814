"""The output layer's bias at init: find the layer, measure what a better bias would gain, apply it."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import torch
from torch import nn

from .._core._data import TensorData, as_source
from .._core._errors import ConfigError
from .._core._task import TaskKind, infer_task
from ._base import Check
from ._context import CheckContext
from ._outputs import optimal_shift, output_space
from ._result import CheckResult
from ._targets import prior_bias

__all__ = ["LastLayerFix", "LastLayerInit", "find_output_layer", "fix_last_layer_init"]

NAME = "last_layer_init"
EXPECTED = "outputs at init near the targets' prior or mean (bias = log prior, logit of the positive rate, target mean)"


@dataclasses.dataclass(frozen=True)
class LastLayerFix:
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


def fix_last_layer_init(model: nn.Module, train: Any, task: TaskKind | None = None) -> LastLayerFix:
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
        ConfigError: No output layer with a bias could be found.

    Example:
        >>> net = nn.Sequential(nn.Linear(3, 2))
        >>> fix = fix_last_layer_init(net, (torch.randn(10, 3), torch.tensor([0] * 9 + [1])))
        >>> round(fix.new_bias[0] - fix.new_bias[1], 2)
        2.2
    """
    source = as_source(train)
    x, _ = source.head(8)
    all_y = source.y if isinstance(source, TensorData) else source.head(4096)[1]
    kind = infer_task(all_y, None, task)
    was_training = model.training
    model.eval()
    try:
        found = find_output_layer(model, x.to(next((p.device for p in model.parameters()), torch.device("cpu"))))
    finally:
        model.train(was_training)
    bias = _bias_of(found[1]) if found is not None else None
    if found is None or bias is None:
        why = "no linear or convolution layer produces the output directly" if found is None else f"the output layer {found[0]!r} has no bias"
        raise ConfigError(f"cannot set the last-layer bias: {why}; set it by hand to the log class prior or target mean")
    new = prior_bias(all_y, kind, bias.numel()).to(bias.device, bias.dtype)
    old = bias.detach().flatten().tolist()
    with torch.no_grad():
        bias.copy_(new.reshape(bias.shape))
    return LastLayerFix(found[0], old, new.flatten().tolist())


class LastLayerInit(Check):
    """How much lower the loss at init would be with the best constant shift of the outputs.

    The shift is what an ideal output bias achieves on the batch, measured with the user's
    loss. A layer with a bias is expected to use it; an output layer without one (tied
    embeddings in language models) is only flagged when the loss is far from what the
    prior gives, since the usual small gap there is by design.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        x, y = ctx.batch(256, minimum=1)
        model = ctx.fresh_model()
        found = find_output_layer(model.eval(), x[:8])
        out, loss = ctx.classes_last(ctx.seeded_forward(model, x).float(), y)
        binary = ctx.task == "binary"
        space = output_space(ctx.task, out, y, loss)
        now = float(loss(out, y))
        _, best = optimal_shift(loss, out, y, space, binary)
        gain = (now - best) / max(abs(now), 1e-12) if math.isfinite(best) else 0.0
        bias = _bias_of(found[1]) if found is not None else None
        layer = repr(found[0]) if found is not None and found[0] else "the output layer"
        details: dict[str, Any] = {"layer": found[0] if found else None, "has_bias": bias is not None, "loss": now,
                                   "loss_with_best_shift": best, "gain": gain}
        measured = f"loss at init {now:.4g}; {best:.4g} with the best constant shift of the outputs ({gain:.0%} lower)"
        summary = f"{gain:.0%} lower with the best bias"
        if bias is not None:
            suggested = prior_bias(ctx.all_y.to(bias.device), ctx.task, bias.numel())
            details.update(bias=bias.detach().flatten()[:10].tolist(), suggested_bias=suggested.flatten()[:10].tolist())
            measured += f"; suggested bias of {layer}: {_preview(suggested)}" + ("; fix_init applied it" if ctx.options.fix_init else "")
        else:
            measured += f"; {layer} has no bias"
        # A mild imbalance costs a few steps: worth a warning once the prior would cut the loss by
        # 30% (20% positives); without a bias (tied embeddings) a gap is the design, so only at 50%.
        warn_at = 0.3 if bias is not None else 0.5
        if gain < warn_at or now - best < 1e-3:
            return CheckResult(name=NAME, status="pass", measured=measured, expected=EXPECTED, summary=summary, details=details)
        fail = ctx.task == "regression" and gain > 0.75
        fix = ("pass fix_init=True (CLI: --fix-init), or call nnrecipe.fix_last_layer_init(model, train) before "
               f"training; it sets {details['layer']}.bias to the suggested values") if bias is not None else \
              "give the output layer a bias, or standardise the targets / shift the outputs by the prior"
        return CheckResult(
            name=NAME, status="fail" if fail else "warn", measured=measured, expected=EXPECTED, summary=summary,
            why="an output that starts far from the targets' prior or mean wastes the first steps (a hockey-stick "
            "loss curve); regression targets far from 0 may take longer to reach than the whole run",
            fix=fix, details=details,
        )


def _preview(bias: torch.Tensor) -> str:
    values = [f"{v:.3g}" for v in bias.flatten()[:4].tolist()]
    return "[" + ", ".join(values) + (", ...]" if bias.numel() > 4 else "]")
