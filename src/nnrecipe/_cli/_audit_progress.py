"""How ``nnrecipe audit`` draws the audit's progress: a bar on a terminal, one line per phase
otherwise. Imported by the command's ``run`` only (rich and the audit are not light)."""

from __future__ import annotations

import sys
from typing import Any, Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichBar

from nnrecipe.auditing import Progress

__all__ = ["PhaseBar", "PhaseLines"]


class PhaseBar(Progress):
    """On a terminal: one bar for the phase in progress, with its count and the time left."""

    def __init__(self, console: Console) -> None:
        self._bar = RichBar(
            TextColumn("[bold]audit[/] {task.description:<18}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=console, transient=True,
        )
        self._task: Any = None

    def __enter__(self) -> Self:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def start(self, phase: str, total: int | None) -> None:
        self._task = self._bar.add_task(phase, total=total)

    def advance(self, done: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, done)

    def finish(self, phase: str, seconds: float) -> None:
        if self._task is not None:
            self._bar.remove_task(self._task)
            self._task = None
        if seconds >= 1.0:
            self._bar.console.print(f"[dim]audit: {phase} done in {seconds:.1f} s[/]")


class PhaseLines(Progress):
    """Not on a terminal (a log file, CI): one line per phase when it ends, nothing in between."""

    def __init__(self) -> None:
        self._done = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def start(self, phase: str, total: int | None) -> None:
        self._done = 0

    def advance(self, done: int) -> None:
        self._done += done

    def finish(self, phase: str, seconds: float) -> None:
        count = f"{self._done:,} done, " if self._done else ""
        print(f"audit: {phase}: {count}{seconds:.1f} s", file=sys.stderr, flush=True)
