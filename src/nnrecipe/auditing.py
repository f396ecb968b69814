"""The parts of an :class:`~nnrecipe.AuditReport`, beyond the top-level ``audit``, ``AuditConfig`` and ``Finding``.

Example:
    >>> from nnrecipe.auditing import Severity
    >>> from typing import get_args
    >>> get_args(Severity)
    ('info', 'warn', 'error')
"""

from ._audit import Severity
from ._audit._report import Gallery

__all__ = ["Gallery", "Severity"]
