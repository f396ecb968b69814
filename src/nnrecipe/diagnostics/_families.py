"""Activation families, and what "saturated" and "dead" mean for each.

A value is *saturated* when it sits in its activation's flat region, where the gradient
that flows back through it is zero or nearly so. A unit (one output element of a layer:
a feature, or a feature at one position for convolutions and sequences) is *dead* when it
is saturated for every example of the batch: nothing it sees moves it.

- ``rectifier`` (ReLU, LeakyReLU, PReLU, RReLU, ELU, SELU, CELU, GELU, SiLU, Mish,
  Softplus): the input is <= 0, where ReLU passes nothing and its smooth cousins little.
  About half of a healthy layer's values are there; a dead unit is never positive.
  ReLU6 and Hardtanh are flat beyond their upper bound too; Hardswish below -3 only.
- ``tanh`` (Tanh, Softsign): ``|output| >= 0.99`` of its bound (tanh's gradient is < 2% there);
  Hardtanh at or beyond its bounds.
- ``sigmoid`` (Sigmoid, Hardsigmoid): output within 0.01 of 0 or 1 (gradient < 4% of its peak).

Layers whose activation is applied as a function (``F.relu`` in ``forward``) have no
module to hook; the parametrised layers' outputs are recorded instead (``family`` ``none``:
mean and std only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import torch
from torch import nn

__all__ = ["Family", "family_of", "saturated"]

Family = Literal["rectifier", "tanh", "sigmoid", "none"]

_RECTIFIERS = (nn.ReLU, nn.LeakyReLU, nn.PReLU, nn.RReLU, nn.ELU, nn.SELU, nn.CELU, nn.GELU, nn.SiLU, nn.Mish, nn.Softplus,
               nn.Hardswish)
_TANH = (nn.Tanh, nn.Softsign)
_SIGMOID = (nn.Sigmoid, nn.Hardsigmoid)
NEAR = 0.01  # how close to a bound counts as saturated, as a share of the output's range


def family_of(module: nn.Module) -> Family | None:
    """The module's family, or ``None`` when it is not an activation we know."""
    if isinstance(module, nn.Hardtanh):  # ReLU6 is a Hardtanh(0, 6)
        return "rectifier" if float(module.min_val) >= 0 else "tanh"
    if isinstance(module, _TANH):
        return "tanh"
    if isinstance(module, _SIGMOID):
        return "sigmoid"
    if isinstance(module, _RECTIFIERS):
        return "rectifier"
    return None


def saturated(module: nn.Module) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """``(input, output) -> bool tensor``: which values sit in the module's flat region."""
    if isinstance(module, nn.Hardtanh):  # ReLU6 is a Hardtanh(0, 6)
        lo, hi = float(module.min_val), float(module.max_val)
        return lambda x, y: (x <= lo) | (x >= hi)
    if isinstance(module, nn.Hardswish):  # zero below -3, the identity above 3
        return lambda x, y: x <= -3.0
    if isinstance(module, nn.Hardsigmoid):
        return lambda x, y: (x <= -3.0) | (x >= 3.0)
    family = family_of(module)
    if family == "tanh":
        return lambda x, y: y.abs() >= 1.0 - NEAR
    if family == "sigmoid":
        return lambda x, y: (y <= NEAR) | (y >= 1.0 - NEAR)
    return lambda x, y: x <= 0
