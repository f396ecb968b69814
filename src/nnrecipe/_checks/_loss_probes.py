"""Probes of what a loss rewards: right answers must score better than wrong ones, never below the floor.

A likelihood loss for classes (cross-entropy, with weights, smoothing or ignored targets;
soft targets; binary cross-entropy) is never negative, and confidently right outputs score
lower than confidently wrong ones. A regression loss scores perfect predictions better than
predictions off by a standard deviation. A loss that breaks either rule has a flipped sign,
unnormalised log-likelihoods, swapped arguments, or does not fit the task.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from ._outputs import Space, class_targets, from_logits

__all__ = ["class_probe", "regression_probe"]

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Found = tuple[str, str, str]  # measured, summary, why


def _directions(out: torch.Tensor, y: torch.Tensor, binary: bool) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Unit logits pointing at the right and at a wrong answer, shaped like ``out``."""
    if binary:
        if y.numel() != out.numel():
            return None
        sign = 2 * y.reshape(out.shape).to(out.dtype) - 1
        return sign, -sign
    classes = out.shape[-1]
    if y.is_floating_point() and tuple(y.shape) == tuple(out.shape):
        p = y.to(out.dtype)
        peaked = ((p.amax(-1) - p.amin(-1)) > 0.1).unsqueeze(-1).to(out.dtype)  # flat rows have no right answer
        right = F.one_hot(p.argmax(-1), classes).to(out.dtype) * peaked
        wrong = F.one_hot(p.argmin(-1), classes).to(out.dtype) * peaked
        return right, wrong
    found = class_targets(y, out)
    if found is None:
        return None
    labels, used = found
    keep = used.unsqueeze(-1).to(out.dtype)
    right = F.one_hot(labels.clamp(0, classes - 1), classes).to(out.dtype) * keep
    wrong = F.one_hot((labels.clamp(0, classes - 1) + 1) % classes, classes).to(out.dtype) * keep
    return right.reshape(out.shape), wrong.reshape(out.shape)


def class_probe(loss: Loss, out: torch.Tensor, y: torch.Tensor, space: Space, *, binary: bool) -> Found | None:
    """A class or binary loss: never below 0, and right answers score below wrong ones."""
    dirs = _directions(out, y, binary)
    if dirs is None or not bool(dirs[0].any()):
        return None
    right, wrong = dirs
    try:
        with torch.no_grad():
            scores = {
                "uniform": float(loss(from_logits(torch.zeros_like(out), space, binary), y)),
                "right": float(loss(from_logits(3 * right, space, binary), y)),
                "wrong": float(loss(from_logits(3 * wrong, space, binary), y)),
                "very right": float(loss(from_logits(30 * right, space, binary), y)),
            }
    except Exception:  # noqa: BLE001 - the user's code may raise anything
        return None  # the loss's own errors are reported where it runs on real outputs
    tol = 1e-4 * max(1.0, abs(scores["uniform"]))
    lowest = min(scores, key=scores.__getitem__)
    if scores[lowest] < -tol:
        return ((f"the loss is {scores[lowest]:.4g} for {lowest} outputs: below 0, the floor of a "
                 f"likelihood loss (uniform outputs: {scores['uniform']:.4g})"), "loss goes below its floor of 0",
                ("a negative log-likelihood is never negative: the sign is flipped, or the outputs are not "
                 "normalised (log_softmax missing), and training drives the loss down without bound"))
    if scores["right"] > scores["wrong"] + tol:
        return ((f"confidently right outputs score {scores['right']:.4g}, worse than confidently wrong ones "
                 f"({scores['wrong']:.4g})"), "loss prefers wrong answers",
                "minimising this loss teaches the wrong class: a flipped sign or swapped arguments")
    if scores["right"] >= scores["wrong"] - tol:
        return ((f"confidently right outputs score {scores['right']:.4g}, no better than confidently wrong ones "
                 f"({scores['wrong']:.4g})"), "right answers score no better",
                ("the loss does not reward the correct class: a regression loss on class indices, a loss "
                 "on the wrong tensor, or targets it cannot read"))
    return None


def regression_probe(loss: Loss, out: torch.Tensor, y: torch.Tensor) -> Found | None:
    """A regression loss scores perfect predictions below predictions off by one standard deviation."""
    if out.numel() != y.numel() or not y.is_floating_point():
        return None
    perfect = y.reshape(out.shape).to(out.dtype)
    spread = float(perfect.std()) if perfect.numel() > 1 else 0.0
    try:
        with torch.no_grad():
            exact = float(loss(perfect, y))
            off = float(loss(perfect + (spread or 1.0), y))
    except Exception:  # noqa: BLE001 - the user's code may raise anything
        return None
    if exact > off + 1e-6 * max(1.0, abs(off)):
        return ((f"perfect predictions score {exact:.4g}, worse than predictions one standard deviation off "
                 f"({off:.4g})"), "loss prefers wrong predictions",
                ("minimising this loss moves predictions away from the targets: a flipped sign (-mse) or "
                 "arguments in the wrong order"))
    return None
