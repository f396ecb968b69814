"""``compile=True``: the model's forward through ``torch.compile``, eager where that fails.

Compilation can fail for reasons that are not the user's: no C++ compiler on the machine,
an operator the backend does not support, a Python version ``torch.compile`` does not run
on. Each such failure falls back to running eagerly, with one warning that says why;
training goes on either way. The checkpoints hold the model's own weights (never the
compiled wrapper's), so a compiled run resumes eagerly and the reverse.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

__all__ = ["compiled_forward"]

log = logging.getLogger(__name__)


def _inductor(gm: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> Callable[..., Any]:
    from torch._inductor.compile_fx import compile_fx

    return compile_fx(gm, example_inputs)  # type: ignore[return-value]


def _warn(reason: str) -> None:
    warnings.warn(f"compile=True: {reason}; the model runs eagerly (training is unaffected, only slower)", RuntimeWarning, stacklevel=4)


def _inductor_or_eager(gm: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> Callable[..., Any]:
    """Inductor, or the traced graph run eagerly when inductor fails on it."""
    try:
        return _inductor(gm, example_inputs)
    except Exception as e:  # noqa: BLE001 - any toolchain or backend failure, never the user's model
        _warn(f"torch.compile could not compile the model ({type(e).__name__}: {str(e)[:300]})")
        return gm.forward


def compiled_forward(model: nn.Module, enabled: bool) -> Callable[[torch.Tensor], torch.Tensor]:
    """The callable the train step runs the model with: compiled when ``enabled`` and possible."""
    if not enabled:
        return model
    try:
        return torch.compile(model, backend=_inductor_or_eager)  # type: ignore[return-value]
    except Exception as e:  # noqa: BLE001 - torch.compile unsupported here (Python version, platform)
        _warn(f"torch.compile is not available here ({type(e).__name__}: {e})")
        return model
