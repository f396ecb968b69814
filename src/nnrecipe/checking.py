"""Writing your own checks, and the parts of a check run beyond the top-level ``check``.

A check is a small class with a ``name`` and ``run(context) -> CheckResult``; pass your own
with the built-in ones: ``nnrecipe.check(model, data, loss, checks=[*DEFAULT_CHECKS, MyCheck()])``.
The context computes shared work once (``init_loss()``, ``real_run()``, ``zero_run()``).

Example:
    >>> from nnrecipe.checking import DEFAULT_CHECKS, select_checks
    >>> [c.name for c in select_checks(only=["init_loss"])]
    ['init_loss']
"""

from ._checks import DEFAULT_CHECKS, Check, CheckContext, CheckSkipped, Status, select_checks
from ._checks._short_run import Evaluation, RunOutcome, TrainedRun
from ._checks._state import ModelState, TensorState

__all__ = [
    "DEFAULT_CHECKS", "Check", "CheckContext", "CheckSkipped", "Evaluation", "ModelState", "RunOutcome", "Status",
    "TensorState", "TrainedRun", "select_checks",
]
