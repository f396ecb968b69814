"""The data audit (stage 1 of the recipe): ``nnrecipe.audit(train, val=..., test=...)``."""

from ._audit import audit
from ._config import AuditConfig
from ._finding import Finding, Severity
from ._report import AuditReport

__all__ = ["AuditConfig", "AuditReport", "Finding", "Severity", "audit"]
