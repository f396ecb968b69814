"""What a check is: a name and an experiment that turns a context into a verdict."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from ._context import CheckContext
    from ._result import CheckResult

__all__ = ["Check", "CheckSkipped", "UserCodeError"]


class Check(abc.ABC):
    """One sanity check. Subclass it, name it, and pass it in ``check(..., checks=[...])``.

    ``run`` receives the shared :class:`CheckContext` (fresh model, data sample, loss,
    memoised short runs) and returns a :class:`CheckResult`. It must leave nothing behind:
    the model it gets from ``ctx.fresh_model()`` is restored for the next check. Raise
    :class:`CheckSkipped` when the check does not apply to this model or data.

    Example:
        >>> from nnrecipe import CheckResult
        >>> from nnrecipe.checking import DEFAULT_CHECKS
        >>> class OutputIsFinite(Check):
        ...     name = "output_is_finite"
        ...
        ...     def run(self, ctx):
        ...         x, _ = ctx.batch(8)
        ...         out = ctx.forward(ctx.fresh_model().eval(), x)
        ...         ok = bool(out.isfinite().all())
        ...         return CheckResult(name=self.name, status="pass" if ok else "fail",
        ...                            measured=f"finite outputs: {ok}", expected="finite outputs")
        >>> checks = [*DEFAULT_CHECKS, OutputIsFinite()]  # then: nnrecipe.check(model, data, loss, checks=checks)
    """

    name: ClassVar[str]

    @abc.abstractmethod
    def run(self, ctx: CheckContext) -> CheckResult:
        """Run the experiment and return the verdict."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class CheckSkipped(Exception):
    """Raised inside a check that cannot run on this model or data; the message says why."""


class UserCodeError(Exception):
    """The user's model, loss or optimizer raised or returned something unusable."""
