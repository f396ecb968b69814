"""Snapshot and restore everything a check can change on a model, instead of deep copies.

``copy.deepcopy`` silently shares what it cannot copy: a lambda, closure or
``functools.partial`` stored on a module still calls the *original* submodules, so a
"copy" trains the caller's weights and gets no gradient itself. The checks therefore work
on one model object and put back its exact state (values, ``requires_grad``, ``.grad``
including ``None``, train/eval flags) between and after checks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import torch
from torch import nn

__all__ = ["ModelState", "hidden_modules", "hidden_tensors", "stateful"]


def _attribute_items(module: nn.Module) -> Iterator[tuple[str, object]]:
    """Plain attributes of a module, with the items of lists, tuples and dicts they hold."""
    for attr, value in vars(module).items():
        if attr.startswith("_"):
            continue  # nn.Module's own registries (_parameters, _modules, _buffers...)
        if isinstance(value, dict):
            yield from ((f"{attr}[{k!r}]", v) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            yield from ((f"{attr}[{i}]", v) for i, v in enumerate(value))
        else:
            yield attr, value


def stateful(module: nn.Module) -> bool:
    """True when a module holds parameters or buffers (losing it loses something)."""
    return any(True for _ in module.parameters()) or any(True for _ in module.buffers())


def hidden_modules(model: nn.Module) -> dict[str, list[nn.Module]]:
    """Stateful modules kept in plain lists, tuples or dicts: invisible to ``parameters()``.

    Keys are the attribute's qualified name (``"blocks"``); a list that only aliases
    registered modules is fine and not reported.
    """
    registered = {id(m) for m in model.modules()}
    found: dict[str, list[nn.Module]] = {}
    for prefix, module in model.named_modules():
        for attr, value in _attribute_items(module):
            if isinstance(value, nn.Module) and id(value) not in registered and stateful(value):
                key = f"{prefix}.{attr.split('[')[0]}" if prefix else attr.split("[")[0]
                found.setdefault(key, []).append(value)
    return found


def hidden_tensors(model: nn.Module) -> dict[str, torch.Tensor]:
    """Leaf tensors with ``requires_grad=True`` held as plain attributes, not parameters.

    They are never in ``model.parameters()``: never given to the optimizer, never moved
    by ``.to()``, never saved in the state dict. Activations cached by a forward pass are
    not leaves and are not reported.
    """
    registered = {id(p) for p in model.parameters()}
    found: dict[str, torch.Tensor] = {}
    for prefix, module in model.named_modules():
        for attr, value in _attribute_items(module):
            if isinstance(value, torch.Tensor) and value.requires_grad and value.is_leaf and id(value) not in registered:
                found[f"{prefix}.{attr}" if prefix else attr] = value
    return found


def _tensors(model: nn.Module) -> list[torch.Tensor]:
    """Every tensor a check can change: parameters, buffers and hidden ones, once each."""
    seen: dict[int, torch.Tensor] = {}
    hidden = [p for mods in hidden_modules(model).values() for m in mods for p in (*m.parameters(), *m.buffers())]
    for t in (*model.parameters(), *model.buffers(), *hidden_tensors(model).values(), *hidden):
        seen.setdefault(id(t), t)
    return list(seen.values())


@dataclasses.dataclass(frozen=True, eq=False)
class TensorState:
    tensor: torch.Tensor
    value: torch.Tensor
    requires_grad: bool
    grad: torch.Tensor | None


@dataclasses.dataclass(frozen=True, eq=False)
class ModelState:
    """The exact state of one model object, to be put back with :meth:`restore`.

    Example:
        >>> net = nn.Linear(2, 1)
        >>> state = ModelState.capture(net)
        >>> with torch.no_grad():
        ...     _ = net.weight.add_(1.0)
        >>> state.restore(net)
        >>> net.weight.grad is None
        True
    """

    tensors: tuple[TensorState, ...]
    training: tuple[tuple[nn.Module, bool], ...]

    @classmethod
    def capture(cls, model: nn.Module) -> ModelState:
        tensors = tuple(
            TensorState(t, t.detach().clone(), t.requires_grad, None if t.grad is None else t.grad.detach().clone())
            for t in _tensors(model)
        )
        modules = [*model.modules(), *(m for mods in hidden_modules(model).values() for mod in mods for m in mod.modules())]
        return cls(tensors, tuple((m, m.training) for m in modules))

    def restore(self, model: nn.Module) -> None:
        """Put every value, flag and gradient back (``model`` must be the captured object)."""
        with torch.no_grad():
            for s in self.tensors:
                s.tensor.copy_(s.value)
                if s.tensor.is_leaf:
                    s.tensor.requires_grad_(s.requires_grad)
                    s.tensor.grad = None if s.grad is None else s.grad.clone()
        for module, training in self.training:
            module.training = training

    def values(self) -> list[torch.Tensor]:
        """The captured values, in the order of :func:`_tensors`."""
        return [s.value for s in self.tensors]
