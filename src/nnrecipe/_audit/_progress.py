"""How far the audit has got: phases with a size, reported to whoever draws them.

The library never prints: it calls a :class:`Progress` (the CLI draws a bar with the time
left on a terminal, one line per phase otherwise) and logs each finished phase. When the
audit is interrupted, :class:`AuditInterrupted` says in which phase and how far into it.
"""

from __future__ import annotations

import abc
import contextlib
import logging
import time
from collections.abc import Iterator

__all__ = ["AuditInterrupted", "Progress", "Tracker"]

log = logging.getLogger(__name__)


class Progress(abc.ABC):
    """Receives the audit's progress, phase by phase.

    Example:
        >>> class Lines(Progress):
        ...     def start(self, phase, total): print("start", phase, total)
        ...     def advance(self, done): pass
        ...     def finish(self, phase, seconds): print("done", phase)
        >>> import numpy as np, nnrecipe
        >>> X = np.random.default_rng(0).normal(size=(50, 4)); y = np.arange(50) % 2
        >>> _ = nnrecipe.audit((X, y), progress=Lines())  # doctest: +ELLIPSIS
        start read train 50
        ...
    """

    @abc.abstractmethod
    def start(self, phase: str, total: int | None) -> None:
        """A phase begins; ``total`` is its size in units (examples, mostly), if known."""

    @abc.abstractmethod
    def advance(self, done: int) -> None:
        """``done`` more units of the current phase are finished."""

    @abc.abstractmethod
    def finish(self, phase: str, seconds: float) -> None:
        """The phase ended after ``seconds``."""


class AuditInterrupted(KeyboardInterrupt):
    """The audit was interrupted (Ctrl-C); nothing was written. The message says how far it got.

    Attributes:
        phase: The phase it was in.
        done: Units of that phase finished.
        total: The phase's size, if known.
        finished: The phases completed before it.
        seconds: Time spent.
    """

    def __init__(self, phase: str, done: int, total: int | None, finished: list[str], seconds: float) -> None:
        self.phase, self.done, self.total, self.finished, self.seconds = phase, done, total, finished, seconds
        share = f"{done:,} of {total:,}" if total else f"{done:,}"
        super().__init__(
            f"audit interrupted after {seconds:.0f} s in phase '{phase}' ({share} done); "
            f"finished: {', '.join(finished) or 'nothing'}. No report was written."
        )


class Tracker:
    """The phases of one audit: their timings, and the phase in progress."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self._phase = "starting"
        self._done = 0
        self._total: int | None = None
        self._start = time.perf_counter()

    @contextlib.contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[None]:
        """Run one phase; its duration lands in ``timings``."""
        self._phase, self._done, self._total = name, 0, total
        began = time.perf_counter()
        if self.progress is not None:
            self.progress.start(name, total)
        yield
        seconds = time.perf_counter() - began
        self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 3)
        log.debug("audit phase %s: %.1f s", name, seconds)
        if self.progress is not None:
            self.progress.finish(name, seconds)

    def advance(self, done: int) -> None:
        self._done += done
        if self.progress is not None:
            self.progress.advance(done)

    def interrupted(self) -> AuditInterrupted:
        """The exception that says where the audit stopped."""
        return AuditInterrupted(self._phase, self._done, self._total, list(self.timings), time.perf_counter() - self._start)
