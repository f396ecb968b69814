"""Resolving user-given names against a registry, with a suggestion when one is close."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def unknown_name(kind: str, name: str, known: Iterable[str]) -> ValueError:
    """The error for an unknown ``name`` of ``kind``, listing the known ones and the closest."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(f"unknown {kind} {name!r}; known {kind}s: {', '.join(known)}.{hint}")
