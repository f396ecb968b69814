"""Resolving user-given names against the known ones, with a suggestion when one is close."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ._errors import ConfigError

__all__ = ["closest", "did_you_mean", "unknown_name"]


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``name`` (a likely typo), or ``None`` when none is close."""
    close = difflib.get_close_matches(str(name), sorted(known), n=1)
    return close[0] if close else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` Did you mean 'lr'?`` when a known name is close to ``name``, else ``""``.

    Example:
        >>> did_you_mean("lrr", ["lr", "epochs"])
        " Did you mean 'lr'?"
    """
    close = closest(name, known)
    return f" Did you mean {close!r}?" if close else ""


def unknown_name(kind: str, name: str, known: Iterable[str]) -> ConfigError:
    """The error for an unknown ``name`` of ``kind``, listing the known ones and the closest.

    Example:
        >>> print(unknown_name("loss", "cross_entropi", ["cross_entropy", "mse"]))
        unknown loss 'cross_entropi'; known losses: cross_entropy, mse. Did you mean 'cross_entropy'?
    """
    known = sorted(known)
    plural = kind + ("es" if kind.endswith("s") else "s")
    return ConfigError(f"unknown {kind} {name!r}; known {plural}: {', '.join(known)}.{did_you_mean(name, known)}")
