"""Argument helpers shared by subcommands (light imports only: parsers are built for --help)."""

from __future__ import annotations

import argparse
import re
from typing import Any

from nnrecipe import ConfigError

_EXPONENT_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    """``["lr=1e-3", "width=32"]`` -> ``{"lr": 0.001, "width": 32}`` (values read as YAML).

    The values' types are checked where they are used (``TrainConfig``, the model factory),
    which name the key, the value and the expected type.

    Raises:
        ConfigError: An item is not ``KEY=VALUE``, or its value is not valid YAML.

    Example:
        >>> parse_overrides(["lr=1e-3", "width=32", "schedule=cosine", "max_steps=null"])
        {'lr': 0.001, 'width': 32, 'schedule': 'cosine', 'max_steps': None}
    """
    import yaml  # here, not at the top: building the parser for --help must stay light

    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"--set takes KEY=VALUE (e.g. --set lr=1e-3); got {item!r}")
        try:
            parsed = yaml.safe_load(value)
        except yaml.YAMLError as e:
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            raise ConfigError(
                f"--set {item}: the value {value!r} is not valid YAML ({problem}); "
                "give a number, true/false, null, a word, a [list] or a quoted string"
            ) from None
        # YAML 1.1 reads "1e-3" as a string: accept the float people mean.
        out[key] = float(parsed) if isinstance(parsed, str) and _EXPONENT_FLOAT.fullmatch(parsed) else parsed
    return out


def add_runs_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs-dir", default="runs", help="folder holding run folders (default: runs)")
