"""Reading a study from a YAML file (or a Python file defining ``study``), strictly.

A YAML study::

    name: mnist1d-cnn
    experiment: mnist1d.py:cnn          # relative to this file
    goal: {metric: val_accuracy, direction: maximize}
    scientific:
      optimizer: {choices: [adam, sgd]}
    nuisance:
      adam_lr: {hparam: lr, log: [1.0e-4, 1.0e-2], when: {optimizer: adam}}
      sgd_lr: {hparam: lr, log: [1.0e-3, 1.0], when: {optimizer: sgd}}
      weight_decay: {log: [1.0e-6, 1.0e-2]}
    fixed: {max_steps: 2000, schedule: cosine}
    sampler: {name: halton, seed: 0}
    budget: {trials: 40, timeout: 3600}
    seed_per_trial: false               # true: trial n trains from seed + n
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .._core._errors import ConfigError
from ._samplers import SamplerSpec
from ._space import Param, Space
from ._study import Budget, Goal, Study

__all__ = ["load_study", "study_from_dict", "study_to_dict"]

_TOP = ("name", "experiment", "goal", "scientific", "nuisance", "fixed", "baseline", "sampler", "budget", "storage", "runs_dir", "seed_per_trial")
_KINDS = ("log", "linear", "int", "int_log", "choices")
_PARAM_KEYS = (*_KINDS, "hparam", "when")


def load_study(path: str | Path) -> Study:
    """Load and validate a study file (``.yaml`` / ``.yml``, or ``.py`` defining ``study``).

    Relative ``experiment`` and ``runs_dir`` paths are resolved against the study file's folder.

    Raises:
        ConfigError: The file is missing or any key or value is invalid; the message names
            the key and the fix. Nothing is written anywhere.

    Example:
        >>> study = load_study("examples/mnist1d_study.yaml")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"study file {str(path)!r} does not exist; pass a path like examples/mnist1d_study.yaml")
    if path.suffix == ".py":
        return _from_python(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise ConfigError(f"{path} is not valid YAML: {e}") from None
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path} must be a YAML mapping with keys {list(_TOP)}; got {type(raw).__name__}")
    return study_from_dict(raw, base=path.parent, where=str(path))


def study_from_dict(raw: Mapping[str, Any], *, base: Path = Path("."), where: str = "study") -> Study:
    """Build a :class:`Study` from the mapping a YAML study file holds."""
    _no_unknown(raw, _TOP, where)
    for key in ("name", "experiment"):
        if key not in raw:
            raise ConfigError(f"{where}: missing required key {key!r}")
    experiment = str(raw["experiment"])
    file_part, sep, attr = experiment.partition(":")
    if not Path(file_part).is_absolute():
        experiment = str((base / file_part).resolve()) + sep + attr
    params = [_param(n, s, "scientific", where) for n, s in _mapping(raw, "scientific", where).items()]
    params += [_param(n, s, "nuisance", where) for n, s in _mapping(raw, "nuisance", where).items()]
    for p in params:
        if p.role == "scientific" and p.kind != "choices":
            raise ConfigError(
                f"{where}: scientific parameter {p.name!r} must list the values to compare, "
                f"`{p.name}: {{choices: [a, b]}}`; ranges belong under `nuisance:`"
            )
    runs_dir = Path(str(raw.get("runs_dir", "runs")))
    seed_per_trial = raw.get("seed_per_trial", False)
    if not isinstance(seed_per_trial, bool):
        raise ConfigError(f"{where}: seed_per_trial={seed_per_trial!r} must be true or false")
    return Study(
        name=str(raw["name"]),
        experiment=experiment,
        goal=_sub(Goal, raw, "goal", where),
        space=Space(tuple(params)),
        fixed=dict(_mapping(raw, "fixed", where)),
        baseline=dict(_mapping(raw, "baseline", where)),
        sampler=_sub(SamplerSpec, raw, "sampler", where),
        budget=_sub(Budget, raw, "budget", where),
        storage=None if raw.get("storage") is None else str(raw["storage"]),
        runs_dir=str(runs_dir if runs_dir.is_absolute() else (base / runs_dir).resolve()),
        seed_per_trial=seed_per_trial,
    )


def study_to_dict(study: Study) -> dict[str, Any]:
    """The mapping a YAML study file of ``study`` holds (paths as resolved); ``study_from_dict`` reads it back.

    Example:
        >>> lr = Param(name="lr", kind="log", low=1e-4, high=1e-2)
        >>> s = Study(name="s", experiment="/e.py", space=Space((lr,)), runs_dir="/runs")
        >>> study_from_dict(study_to_dict(s)) == s
        True
    """

    def spec(p: Param) -> dict[str, Any]:
        out: dict[str, Any] = {p.kind: list(p.choices) if p.kind == "choices" else [p.low, p.high]}
        if p.hparam != p.name:
            out["hparam"] = p.hparam
        if p.when:
            out["when"] = {parent: list(values) for parent, values in p.when}
        return out

    return {
        "name": study.name,
        "experiment": study.experiment,
        "goal": dataclasses.asdict(study.goal),
        "scientific": {p.name: spec(p) for p in study.space.params if p.role == "scientific"},
        "nuisance": {p.name: spec(p) for p in study.space.params if p.role == "nuisance"},
        "fixed": dict(study.fixed),
        "baseline": dict(study.baseline),
        "sampler": dataclasses.asdict(study.sampler),
        "budget": dataclasses.asdict(study.budget),
        "storage": study.storage,
        "runs_dir": study.runs_dir,
        "seed_per_trial": study.seed_per_trial,
    }


def _param(name: str, spec: Any, role: str, where: str) -> Param:
    where = f"{where}: {role} parameter {name!r}"
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where} must be a mapping such as `{{log: [1.0e-4, 1.0e-1]}}`; got {spec!r}")
    _no_unknown(spec, _PARAM_KEYS, where)
    kinds = [k for k in _KINDS if k in spec]
    if len(kinds) != 1:
        raise ConfigError(f"{where} needs exactly one of {list(_KINDS)}; got {kinds or 'none'}")
    kind, value = kinds[0], spec[kinds[0]]
    when = spec.get("when") or {}
    if not isinstance(when, Mapping):
        raise ConfigError(f"{where}: `when:` must map a parent parameter to its value(s); got {when!r}")
    conditions = tuple((str(p), tuple(v) if isinstance(v, list) else (v,)) for p, v in when.items())
    common: dict[str, Any] = {"name": str(name), "hparam": str(spec.get("hparam", name)), "when": conditions, "role": role}
    if kind == "choices":
        if not isinstance(value, list):
            raise ConfigError(f"{where}: `choices:` must be a list; got {value!r}")
        return Param(kind="choices", choices=tuple(value), **common)
    bounds = [_number(v) for v in value] if isinstance(value, list) else []
    if len(bounds) != 2 or None in bounds:
        raise ConfigError(f"{where}: `{kind}:` must be a [low, high] pair of numbers; got {value!r}")
    return Param(kind=kind, low=bounds[0], high=bounds[1], **common)  # type: ignore[arg-type]  # kind checked by Param


def _number(v: Any) -> float | None:
    # YAML 1.1 reads `1e-4` (no dot) as a string; accept it as the number it obviously is.
    if isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _sub(cls: Any, raw: Mapping[str, Any], key: str, where: str) -> Any:
    section = _mapping(raw, key, where)
    fields = tuple(f.name for f in dataclasses.fields(cls))
    _no_unknown(section, fields, f"{where}: {key}")
    try:
        return cls(**section)
    except ConfigError as e:
        raise ConfigError(f"{where}: {e}") from None


def _mapping(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: `{key}:` must be a mapping; got {value!r}")
    return value


def _no_unknown(raw: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(f"{where}: unknown key {key!r}; {hint}expected one of {list(known)}")


def _from_python(path: Path) -> Study:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"nnrecipe_study_{abs(hash(path.resolve()))}", path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot import {str(path)!r}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        raise ConfigError(f"importing {str(path)!r} failed: {type(e).__name__}: {e}") from e
    study = getattr(module, "study", None)
    if isinstance(study, Mapping):
        return study_from_dict(study, base=path.parent, where=str(path))
    if not isinstance(study, Study):
        raise ConfigError(f"{path} must define `study = nnrecipe.Study(...)` or a `study` dict; got {type(study).__name__}")
    return study
