"""Input scale: the batch exactly as it enters the model, measured and saved as pictures."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ._base import Check, UserCodeError
from ._context import CheckContext
from ._pictures import save_batch_pictures
from ._result import CheckResult

__all__ = ["InputScale", "input_stats"]

NAME = "input_scale"
EXPECTED = "finite, roughly zero mean and unit variance (|mean| < 2, 0.2 < std < 5 per channel or feature)"


def input_stats(x: torch.Tensor) -> dict[str, object]:
    """Overall and per-channel (dim 1) statistics of a float batch."""
    xf = x.double()
    per = xf.transpose(0, 1).reshape(x.shape[1], -1) if x.ndim >= 2 else xf.reshape(1, -1)
    return {
        "mean": float(xf.mean()), "std": float(xf.std()) if xf.numel() > 1 else 0.0,
        "min": float(xf.min()), "max": float(xf.max()),
        "channel_mean": per.mean(1).tolist(), "channel_std": per.std(1).tolist() if per.shape[1] > 1 else [0.0] * len(per),
    }


class InputScale(Check):
    """Measure mean and spread of a training batch after the user's transform.

    Per channel for images and sequences ``(N, C, ...)``, per feature for vectors ``(N, F)``:
    a single feature in the thousands dominates every dot product of the first layer.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        x, y = ctx.batch(256, minimum=1)
        details: dict[str, object] = {"shape": list(x.shape), "dtype": str(x.dtype)}
        if ctx.options.run_dir is not None:
            details["pictures"] = [str(p) for p in save_batch_pictures(x[:64], y[:64], ctx.options.run_dir)]
        if x.is_floating_point() and bool(torch.isfinite(x).all()):
            # A model that rescales its input itself (x / 255, a first normalisation layer)
            # is judged on what its first weighted layer receives.
            seen, layer = _first_layer_input(ctx, x)
            if layer is not None and seen.shape[0] == x.shape[0]:
                details["judged_at"] = layer
                x = seen
        return _judge(x, details)


_NORMS = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm)


def _first_layer_input(ctx: CheckContext, x: torch.Tensor) -> tuple[torch.Tensor, str | None]:
    """The input of the first module with weights that runs (the output, if it normalises)."""
    seen: list[tuple[str, torch.Tensor]] = []

    def hook_for(name: str) -> Any:
        def hook(module: nn.Module, args: tuple[Any, ...], out: Any) -> None:
            if not seen and args and isinstance(args[0], torch.Tensor) and args[0].is_floating_point():
                normalises = isinstance(module, _NORMS) and isinstance(out, torch.Tensor)
                seen.append((name, out.detach() if normalises else args[0].detach()))
        return hook

    model = ctx.fresh_model().eval()
    weighted = [(n, m) for n, m in model.named_modules() if any(True for _ in m.parameters(recurse=False))]
    handles = [m.register_forward_hook(hook_for(n)) for n, m in weighted]
    try:
        with torch.no_grad():
            ctx.forward(model, x)
    except UserCodeError:
        return x, None  # the data is judged on its own; the checks that run the model report the error
    finally:
        for h in handles:
            h.remove()
    return (seen[0][1], seen[0][0]) if seen else (x, None)


def _judge(x: torch.Tensor, details: dict[str, object]) -> CheckResult:
    if not x.is_floating_point():
        return CheckResult(name=NAME, status="pass", measured=f"integer inputs ({x.dtype}, e.g. token ids): "
                           f"values {int(x.min())}..{int(x.max())}; scale does not apply", expected=EXPECTED,
                           summary=f"token ids {int(x.min())}..{int(x.max())}", details=details)
    if not bool(torch.isfinite(x).all()):
        bad = int((~torch.isfinite(x)).sum())
        return CheckResult(name=NAME, status="fail", measured=f"{bad} non-finite values in the batch the model sees",
                           expected=EXPECTED, why="one NaN input makes the loss and every weight NaN",
                           fix="find where the transform creates them (division by a zero std, log of 0)",
                           summary=f"{bad} NaN/Inf input values", details=details)
    stats = input_stats(x)
    details.update(stats)
    mean, std = float(stats["mean"]), float(stats["std"])  # type: ignore[arg-type]
    cm: list[float] = stats["channel_mean"]  # type: ignore[assignment]
    cs: list[float] = stats["channel_std"]  # type: ignore[assignment]
    worst_mean = max(range(len(cm)), key=lambda i: abs(cm[i]))
    worst_std = max(range(len(cs)), key=lambda i: abs(cs[i] - 1) if cs[i] >= 1 else 1 / max(cs[i], 1e-12))
    constant = [i for i, s in enumerate(cs) if s == 0.0]
    at = f" at {details['judged_at']!r}" if details.get("judged_at") else ""
    summary = f"mean {mean:.3g}, std {std:.3g}, range [{stats['min']:.3g}, {stats['max']:.3g}]{at}"
    if std == 0.0:
        return _verdict("fail", f"every input value is {mean:.3g}: the inputs are constant", f"constant inputs ({mean:.3g})", details)
    far = abs(cm[worst_mean]) > 20 * max(cs[worst_mean], 1.0) or cs[worst_std] > 20 or (
        0 < cs[worst_std] < 0.01 and len(constant) < len(cs))
    off = abs(cm[worst_mean]) > 2 * max(cs[worst_mean], 1.0) or not 0.2 < cs[worst_std] < 5 or abs(mean) > 2
    where = "channel" if x.ndim > 2 else "feature"
    worst = f"{where} {worst_mean} mean {cm[worst_mean]:.3g}; {where} {worst_std} std {cs[worst_std]:.3g}"
    short = f"mean {mean:.2g}, std {std:.2g}"
    if far:
        return _verdict("fail", f"{summary}; {worst}", f"{short}; {where} far off", details)
    if off or constant:
        extra = f"; constant {where}s {constant[:5]}" if constant else ""
        return _verdict("warn", f"{summary}; {worst}{extra}", f"{short}; {where} off", details)
    return CheckResult(name=NAME, status="pass", measured=summary, expected=EXPECTED, summary=short, details=details)


def _verdict(status: str, measured: str, summary: str, details: dict[str, object]) -> CheckResult:
    return CheckResult(
        name=NAME, status=status, measured=measured, expected=EXPECTED, summary=summary,  # type: ignore[arg-type]
        why="inputs far from zero mean and unit variance saturate activations and make the learning "
        "rate wrong for some features; constant inputs carry no information",
        fix="standardise with training-set statistics: `x = (x - mean) / std` per channel or feature "
        "(images: divide by 255 first); look at the saved input pictures",
        details=details,
    )
