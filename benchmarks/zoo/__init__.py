"""The public bug zoo: families of a buggy set-up and its clean twin, one file each.

Each family file defines ``FAMILY``, a :class:`Family` whose ``build(buggy)`` returns the
:class:`Case` to check and audit. ``load_families()`` finds them all; ``benchmarks/bug_zoo.py``
scores them and ``tests/checks/test_zoo.py`` runs the fast ones as tests.
"""

from __future__ import annotations

import importlib
import pkgutil

from ._case import Case, Family

__all__ = ["Case", "Family", "load_families"]


def load_families() -> list[Family]:
    """Every family in this folder, sorted by domain then name."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        family = getattr(module, "FAMILY", None)
        if not isinstance(family, Family):
            raise TypeError(f"zoo file {info.name}.py defines no FAMILY = Family(...)")
        found.append(family)
    return sorted(found, key=lambda f: (f.domain, f.name))
