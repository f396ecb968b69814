"""Search spaces: log, linear, integer and categorical parameters, some conditional on others.

A conditional parameter is its own parameter even when it sets the same hyperparameter as
another: the learning rate under Adam (``adam_lr``) and under SGD (``sgd_lr``) both set
``lr`` but are searched, plotted and analysed separately, as the playbook asks.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from .._core._errors import ConfigError

__all__ = ["Param", "ParamKind", "Role", "Space"]

ParamKind = Literal["log", "linear", "int", "int_log", "choices"]
Role = Literal["scientific", "nuisance"]
Choice = None | bool | int | float | str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Param:
    """One searched hyperparameter.

    Attributes:
        name: Unique name in the study (``adam_lr``); what plots and trials show.
        hparam: The hyperparameter it sets (``lr``); defaults to ``name``.
        kind: ``"log"``, ``"linear"``, ``"int"``, ``"int_log"`` or ``"choices"``.
        low: Lower bound of a range (inclusive).
        high: Upper bound of a range (inclusive).
        choices: The values of a ``"choices"`` parameter.
        when: Active only when each named parent parameter takes one of the listed values.
        role: ``"scientific"`` (compared) or ``"nuisance"`` (tuned away).

    Example:
        >>> Param(name="adam_lr", hparam="lr", kind="log", low=1e-4, high=1e-2,
        ...       when=(("optimizer", ("adam",)),)).distribution()
        FloatDistribution(high=0.01, log=True, low=0.0001, step=None)
    """

    name: str
    hparam: str = ""
    kind: ParamKind
    low: float | None = None
    high: float | None = None
    choices: tuple[Choice, ...] = ()
    when: tuple[tuple[str, tuple[Choice, ...]], ...] = ()
    role: Role = "nuisance"

    def __post_init__(self) -> None:
        if not self.hparam:
            object.__setattr__(self, "hparam", self.name)
        where = f"parameter {self.name!r}"
        if self.kind == "choices":
            if not self.choices:
                raise ConfigError(f"{where} has no choices; list at least one: `choices: [a, b]`")
            if len(set(map(repr, self.choices))) != len(self.choices):
                raise ConfigError(f"{where} repeats a choice: choices={list(self.choices)}")
            return
        if self.kind not in ("log", "linear", "int", "int_log"):
            raise ConfigError(f"{where}: kind={self.kind!r} is not one of log, linear, int, int_log, choices")
        low, high = self.low, self.high
        if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
            raise ConfigError(f"{where} needs finite bounds; got low={low}, high={high}")
        if not low < high:
            raise ConfigError(
                f"{where} has an empty or inverted range [{low}, {high}]; write it as "
                f"[low, high] with low < high (a single value belongs under `fixed:`)"
            )
        if self.kind in ("log", "int_log") and low <= 0:
            raise ConfigError(
                f"{where} is log-scaled but its range [{low}, {high}] includes values <= 0; "
                f"start it above zero, e.g. [{high / 1000:g}, {high:g}], or use `linear:`"
            )
        if self.kind in ("int", "int_log") and (low != int(low) or high != int(high)):
            raise ConfigError(f"{where} is an integer range but has bounds [{low}, {high}]")

    def distribution(self) -> BaseDistribution:
        """The Optuna distribution this parameter is sampled from."""
        if self.kind == "choices":
            return CategoricalDistribution(self.choices)
        assert self.low is not None and self.high is not None  # checked in __post_init__
        if self.kind in ("int", "int_log"):
            return IntDistribution(int(self.low), int(self.high), log=self.kind == "int_log")
        return FloatDistribution(self.low, self.high, log=self.kind == "log")

    def is_active(self, values: Mapping[str, Any]) -> bool:
        """Whether every parent was sampled with one of the values this parameter needs."""
        return all(parent in values and values[parent] in allowed for parent, allowed in self.when)


@dataclasses.dataclass(frozen=True)
class Space:
    """The searched parameters, in an order where parents come before their children.

    Raises:
        ConfigError: Duplicate names, a parent that does not exist or is not categorical,
            a condition on a value the parent cannot take, or two parameters that set the
            same hyperparameter in one trial.
    """

    params: tuple[Param, ...]

    def __post_init__(self) -> None:
        by_name: dict[str, Param] = {}
        for p in self.params:
            if p.name in by_name:
                raise ConfigError(f"parameter {p.name!r} is declared twice; give each a unique name")
            by_name[p.name] = p
        for p in self.params:
            for parent, allowed in p.when:
                if parent not in by_name:
                    raise ConfigError(
                        f"parameter {p.name!r} is conditional on {parent!r}, which is not a searched "
                        f"parameter (have {sorted(by_name)}); declare {parent!r} with `choices:` or "
                        f"fix the name in `when:`"
                    )
                parent_p = by_name[parent]
                if parent_p.kind != "choices":
                    raise ConfigError(f"parameter {p.name!r} is conditional on {parent!r}, which must be a `choices:` parameter")
                missing = [v for v in allowed if v not in parent_p.choices]
                if missing:
                    raise ConfigError(
                        f"parameter {p.name!r} is active when {parent}={missing}, but {parent!r} "
                        f"only takes {list(parent_p.choices)}"
                    )
        object.__setattr__(self, "params", _parents_first(self.params, by_name))
        self._check_exclusive()

    def _check_exclusive(self) -> None:
        seen: dict[str, list[Param]] = {}
        for p in self.params:
            seen.setdefault(p.hparam, []).append(p)
        for hparam, ps in seen.items():
            for i, a in enumerate(ps):
                for b in ps[i + 1 :]:
                    if not _exclusive(a, b):
                        raise ConfigError(
                            f"parameters {a.name!r} and {b.name!r} both set {hparam!r} and can be active "
                            f"in the same trial; make them conditional on different values of one "
                            f"parent, e.g. `when: {{optimizer: adam}}` and `when: {{optimizer: sgd}}`"
                        )

    def __getitem__(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def scientific(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.role == "scientific")

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Sample the active parameters of one trial; return them keyed by parameter name."""
        values: dict[str, Any] = {}
        for p in self.params:
            if p.is_active(values):
                values[p.name] = _suggest_one(trial, p)
        return values

    def to_hparams(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Map sampled parameter values to the hyperparameters they set (``adam_lr`` -> ``lr``)."""
        return {self[name].hparam: value for name, value in values.items() if name in self.names}


def _suggest_one(trial: optuna.Trial, p: Param) -> Any:
    if p.kind == "choices":
        return trial.suggest_categorical(p.name, p.choices)
    assert p.low is not None and p.high is not None  # checked in Param.__post_init__
    if p.kind in ("int", "int_log"):
        return trial.suggest_int(p.name, int(p.low), int(p.high), log=p.kind == "int_log")
    return trial.suggest_float(p.name, p.low, p.high, log=p.kind == "log")


def _exclusive(a: Param, b: Param) -> bool:
    conds_a, conds_b = dict(a.when), dict(b.when)
    return any(parent in conds_b and not set(allowed) & set(conds_b[parent]) for parent, allowed in conds_a.items())


def _parents_first(params: Sequence[Param], by_name: Mapping[str, Param]) -> tuple[Param, ...]:
    ordered: list[Param] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(p: Param) -> None:
        if state.get(p.name) == 2:
            return
        if state.get(p.name) == 1:
            raise ConfigError(f"parameter {p.name!r} is conditional on itself through `when:`; remove the cycle")
        state[p.name] = 1
        for parent, _ in p.when:
            visit(by_name[parent])
        state[p.name] = 2
        ordered.append(p)

    for p in params:
        visit(p)
    return tuple(ordered)
