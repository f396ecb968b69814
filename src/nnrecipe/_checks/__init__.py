"""Sanity checks that catch silent training bugs (the recipe's second stage)."""

from ._check import CHECKS, check
from ._last_layer import LastLayerInit, fix_last_layer_init
from ._result import CheckReport, CheckResult, Status

__all__ = ["check", "CHECKS", "CheckReport", "CheckResult", "Status", "fix_last_layer_init", "LastLayerInit"]
