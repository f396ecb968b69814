"""Building a fresh model from a module or a factory and its hyperparameters.

A factory's signature says which hyperparameters it takes; a key that is neither a
``TrainConfig`` field nor one of those is a typo, refused with the closest name.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import nn

from ._config import TrainConfig
from ._errors import ConfigError
from ._names import closest

__all__ = ["ModelLike", "build_model", "check_model_hparams"]

ModelLike = nn.Module | Callable[..., nn.Module]


def build_model(model: ModelLike, hparams: Mapping[str, Any], *, seed: int = 0) -> nn.Module:
    """Return a fresh model: a deep copy of a module, or the factory's output under ``seed``.

    A factory is called as ``factory(**hp)``, or ``factory(hp)`` when it takes one
    positional parameter named ``hp`` / ``hparams``; initialisation is seeded so the same
    hyperparameters give the same weights.
    """
    check_model_hparams(model, hparams)
    if isinstance(model, nn.Module):
        return copy.deepcopy(model)
    if not callable(model):
        raise ConfigError(f"model must be an nn.Module or a factory returning one; got {model!r}")
    torch.manual_seed(seed)
    takes_dict = _takes_one_dict(model)
    if not takes_dict:
        try:
            inspect.signature(model).bind(**hparams)
        except TypeError as e:  # a parameter without a default that no hyperparameter sets
            raise ConfigError(f"the model factory {_name(model)!r} cannot be called with {dict(hparams)}: {e}") from None
    try:
        built = model(dict(hparams)) if takes_dict else model(**hparams)
    except Exception as e:  # the user's code refused these values: their input, not our bug
        raise ConfigError(f"the model factory {_name(model)!r} failed with {dict(hparams)}: {type(e).__name__}: {e}") from e
    if not isinstance(built, nn.Module):
        raise ConfigError(f"the model factory {_name(model)!r} returned {type(built).__name__}, not an nn.Module")
    return built


def check_model_hparams(model: ModelLike, hparams: Mapping[str, Any]) -> None:
    """Every model hyperparameter must be a parameter the factory takes.

    A factory with ``**kwargs``, or one taking a single ``hp`` dict, takes any key; an
    ``nn.Module`` instance takes none.

    Raises:
        ConfigError: Naming each unknown key and the closest trainer or model name.

    Example:
        >>> check_model_hparams(lambda hidden=8: nn.Linear(2, hidden), {"hiden": 4})
        Traceback (most recent call last):
        ...
        nnrecipe._core._errors.ConfigError: unknown hyperparameter 'hiden'=4 (did you mean 'hidden'?): neither a TrainConfig field nor a parameter of the model factory '<lambda>', which takes: hidden.
    """
    accepted = _factory_params(model)
    unknown = sorted(set(hparams) - accepted) if accepted is not None else []
    if not unknown:
        return
    known = TrainConfig.field_names() | (accepted or frozenset())
    named = ", ".join(
        f"{k!r}={hparams[k]!r}" + (f" (did you mean {close!r}?)" if (close := closest(k, known)) else "") for k in unknown
    )
    if isinstance(model, nn.Module):
        where = "the model is an nn.Module instance, which takes none (pass a factory, `model=lambda **hp: MyNet(**hp)`, to set its sizes)"
    else:
        where = f"the model factory {_name(model)!r}, which takes: {', '.join(sorted(accepted or ())) or 'no parameters'}"
    plural = "s" if len(unknown) > 1 else ""
    raise ConfigError(f"unknown hyperparameter{plural} {named}: neither a TrainConfig field nor a parameter of {where}.")


def _factory_params(model: ModelLike) -> frozenset[str] | None:
    """The keywords a factory takes; ``None`` when it takes any."""
    if isinstance(model, nn.Module):
        return frozenset()
    if not callable(model) or _takes_one_dict(model):
        return None
    try:
        params = inspect.signature(model).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: let the call decide
        return None
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def _takes_one_dict(factory: Callable[..., Any]) -> bool:
    """``factory(hp)``: one positional parameter named ``hp`` or ``hparams``."""
    try:
        params = list(inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):
        return False
    return len(params) == 1 and params[0].name in ("hp", "hparams") and params[0].kind is params[0].POSITIONAL_OR_KEYWORD


def _name(factory: Any) -> str:
    return str(getattr(factory, "__name__", factory))
