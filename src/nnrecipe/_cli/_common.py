"""Argument helpers shared by subcommands."""

from __future__ import annotations

import argparse
from typing import Any

import yaml

from .._core._errors import ConfigError


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    """``["lr=1e-3", "width=32"]`` -> ``{"lr": 0.001, "width": 32}`` (values read as YAML)."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set takes KEY=VALUE (e.g. --set lr=1e-3); got {item!r}")
        parsed = yaml.safe_load(value)
        # YAML reads "1e-3" as a string: accept the float people mean.
        if isinstance(parsed, str):
            try:
                parsed = float(parsed)
            except ValueError:
                pass
        out[key] = parsed
    return out


def add_runs_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs-dir", default="runs", help="folder holding run folders (default: runs)")
