"""Checking a frozen dataclass's values against its own type hints.

A configuration declares what each field accepts in its annotation and nowhere else:
the type (``int``, ``float``, ``bool``, ``str``, ``Literal[...]``, ``X | None``) and, for
numbers, the interval (``Annotated[int, Bounds(ge=1)]``). :func:`check_fields` enforces
both, so a field added later is validated with no extra code.

The rules, chosen to catch typos without surprising anyone:

- ``bool`` is not a number and a number is not a ``bool`` (``tensorboard=1`` is refused);
- a float is not an ``int``, even an integral one (``epochs=2.0`` is refused: write ``2``);
- an ``int`` is accepted where a ``float`` is expected and stored as a float (``lr=1``);
- NumPy scalars are accepted and stored as Python numbers (JSON-safe in ``config.json``);
- a float is finite (``nan`` and ``inf`` are never a setting: ``None`` turns a thing off).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
import operator
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from ._errors import ConfigError
from ._names import did_you_mean

__all__ = ["Bounds", "Count", "Fraction", "NonNegative", "NonNegativeInt", "Positive", "check_fields"]


@dataclasses.dataclass(frozen=True)
class Bounds:
    """The interval a number must lie in, declared in its type: ``Annotated[int, Bounds(ge=1)]``.

    Example:
        >>> Bounds(ge=0, lt=1).broken(1.0)
        '>= 0 and < 1'
        >>> Bounds(gt=0).broken(0.5) is None
        True
    """

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def broken(self, value: float) -> str | None:
        """The interval as text (``">= 0 and < 1"``) when ``value`` lies outside it, else ``None``."""
        return None if all(op(value, limit) for _, op, limit in self._limits()) else self.text()

    def text(self) -> str:
        return " and ".join(f"{symbol} {limit:g}" for symbol, _, limit in self._limits())

    def _limits(self) -> list[tuple[str, Callable[[Any, Any], bool], float]]:
        tests = ((">=", operator.ge, self.ge), (">", operator.gt, self.gt), ("<=", operator.le, self.le), ("<", operator.lt, self.lt))
        return [(symbol, op, limit) for symbol, op, limit in tests if limit is not None]


Count = Annotated[int, Bounds(ge=1)]  # a number of things or of steps
NonNegativeInt = Annotated[int, Bounds(ge=0)]
Positive = Annotated[float, Bounds(gt=0)]
NonNegative = Annotated[float, Bounds(ge=0)]
Fraction = Annotated[float, Bounds(ge=0, lt=1)]

_NO = object()  # "does not match the hint"


def _coerce(value: Any, hint: Any) -> Any:
    """``value`` stored as ``hint`` asks (numpy scalars as Python numbers), or ``_NO``."""
    origin = get_origin(hint)
    if origin is Annotated:
        return _coerce(value, get_args(hint)[0])
    if origin is Literal:
        return value if any(type(value) is type(c) and value == c for c in get_args(hint)) else _NO
    if origin in (Union, types.UnionType):
        for arm in get_args(hint):
            out = _coerce(value, arm)
            if out is not _NO:
                return out
        return _NO
    if hint is type(None):
        return None if value is None else _NO
    if hint is Any:
        return value
    if hint is bool or isinstance(value, bool):
        return value if hint is bool and isinstance(value, bool) else _NO
    if hint is int:
        return int(value) if isinstance(value, numbers.Integral) else _NO
    if hint is float:
        return float(value) if isinstance(value, numbers.Real) else _NO
    return value if isinstance(value, origin or hint) else _NO


def _describe(hint: Any) -> str:
    """``"int >= 1 or None"``, ``"one of 'adam', 'sgd'"``: what a field accepts, in words."""
    origin = get_origin(hint)
    if origin is Annotated:
        base, *meta = get_args(hint)
        interval = " and ".join(m.text() for m in meta if isinstance(m, Bounds))
        return f"{_describe(base)} {interval}".strip()
    if origin is Literal:
        return "one of " + ", ".join(repr(c) for c in get_args(hint))
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(arm) for arm in get_args(hint))
    if hint is type(None):
        return "None"
    return getattr(hint, "__name__", str(hint))


def _bounds(hint: Any) -> list[Bounds]:
    """Every ``Bounds`` declared anywhere in ``hint`` (inside ``X | None`` too)."""
    origin = get_origin(hint)
    if origin is Annotated:
        return [m for m in get_args(hint)[1:] if isinstance(m, Bounds)]
    if origin in (Union, types.UnionType):
        return [b for arm in get_args(hint) for b in _bounds(arm)]
    return []


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls, include_extras=True)


def _type_error(owner: str, name: str, value: Any, hint: Any) -> ConfigError:
    choices = get_args(hint) if get_origin(hint) is Literal else ()
    if choices:
        hint_text = did_you_mean(value, [str(c) for c in choices]) if isinstance(value, str) else ""
        return ConfigError(f"{owner}: {name}={value!r} is not one of {choices}.{hint_text}")
    integral = isinstance(value, float) and value.is_integer() and _coerce(int(value), hint) is not _NO
    fix = f" (write {name}={int(value)})" if integral else ""
    return ConfigError(f"{owner}: {name}={value!r} is a {type(value).__name__}; expected {_describe(hint)}{fix}")


def check_fields(obj: Any) -> None:
    """Check every field of the dataclass ``obj`` against its type hint; normalise numbers.

    Call it from ``__post_init__``. Numbers are stored as the hint's Python type (an int
    given for a float becomes a float), through ``object.__setattr__`` on frozen classes.

    Raises:
        ConfigError: Naming the field, the value, and what the field accepts.

    Example:
        >>> @dataclasses.dataclass(frozen=True)
        ... class Cfg:
        ...     epochs: Count = 10
        ...     def __post_init__(self) -> None:
        ...         check_fields(self)
        >>> Cfg(epochs=1.5)
        Traceback (most recent call last):
        ...
        nnrecipe._core._errors.ConfigError: Cfg: epochs=1.5 is a float; expected int >= 1
    """
    owner = type(obj).__name__
    hints = _hints(type(obj))  # type: ignore[arg-type]  # a class is hashable
    for field in dataclasses.fields(obj):
        value, hint = getattr(obj, field.name), hints[field.name]
        stored = _coerce(value, hint)
        if stored is _NO:
            raise _type_error(owner, field.name, value, hint)
        if isinstance(stored, float) and not math.isfinite(stored):
            raise ConfigError(f"{owner}: {field.name}={value!r} is not a finite number; expected {_describe(hint)}")
        for bounds in _bounds(hint) if stored is not None else ():
            interval = bounds.broken(stored)
            if interval is not None:
                raise ConfigError(f"{owner}: {field.name} must be {interval}; got {field.name}={value!r}")
        if stored is not value:
            object.__setattr__(obj, field.name, stored)
