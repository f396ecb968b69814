"""Sanity checks that catch silent training bugs (the recipe's second stage)."""

from ._base import Check, CheckSkipped
from ._check import DEFAULT_CHECKS, check, select_checks
from ._context import CheckContext
from ._last_layer import LastLayerFix, fix_last_layer_init
from ._options import CheckOptions
from ._result import CheckReport, CheckResult, Status

__all__ = [
    "DEFAULT_CHECKS",
    "Check",
    "CheckContext",
    "CheckOptions",
    "CheckReport",
    "CheckResult",
    "CheckSkipped",
    "LastLayerFix",
    "Status",
    "check",
    "fix_last_layer_init",
    "select_checks",
]
