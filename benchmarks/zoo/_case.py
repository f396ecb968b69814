"""What a zoo family declares: the set-up to check, the bug's domain, the check meant to catch it."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Callable
from typing import Any, Literal

from nnrecipe import AuditConfig, CheckOptions, TrainConfig

Domain = Literal["classification", "binary", "regression", "sequence classification", "next-token", "images"]


@dataclasses.dataclass(frozen=True)
class Case:
    """One set-up: what ``nnrecipe.check`` and ``nnrecipe.audit`` receive.

    Attributes:
        model: An ``nn.Module`` or a factory.
        train: ``(X, y)`` tensors.
        loss: A loss name or callable.
        val: Validation ``(X, y)``, or ``None``.
        config: Training settings of the short runs (default: the recipe's).
        options: Check options (causal dimension, optimizer factory...).
        audit_config: Audit settings (default: the audit's).
    """

    model: Any
    train: tuple[Any, Any]
    loss: Any
    val: tuple[Any, Any] | None = None
    config: TrainConfig | None = None
    options: CheckOptions = dataclasses.field(default_factory=CheckOptions)
    audit_config: AuditConfig | None = None


@dataclasses.dataclass(frozen=True)
class Family:
    """A bug and its clean twin.

    Attributes:
        name: Short identifier (the file name).
        domain: The kind of set-up.
        intended: The check meant to fail on the bug (``"causality"``), or an audit finding
            kind as ``"audit:<kind>"`` (fnmatch patterns allowed, ``|`` separates choices).
        source: A public report of the bug (URL), or ``"recipe"`` for the classic ones.
        build: ``build(buggy)`` returns the buggy set-up or its clean twin.
        fast: Cheap enough to run as a test on every commit.
        needs: Work not merged yet that the family relies on (it is reported, not hidden).
    """

    name: str
    domain: Domain
    intended: str
    source: str
    build: Callable[[bool], Case]
    fast: bool = True
    needs: str | None = None

    @property
    def is_audit(self) -> bool:
        return self.intended.startswith("audit:")

    def hit(self, failed_checks: list[str], audit_errors: list[str]) -> bool:
        """True when the intended check failed (or the intended audit finding is an error)."""
        if not self.is_audit:
            return self.intended in failed_checks
        patterns = self.intended.removeprefix("audit:").split("|")
        return any(fnmatch.fnmatch(kind, p) for kind in audit_errors for p in patterns)
