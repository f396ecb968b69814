"""How a caller follows the demo while it runs: told when each stage starts and ends."""

from __future__ import annotations

from abc import ABC, abstractmethod

from ._result import DemoResult, Stage, StageName

__all__ = ["DemoListener", "Silent"]


class DemoListener(ABC):
    """Told of each stage of :func:`~nnrecipe.demo.run_demo` as it starts and finishes.

    The library prints nothing; the CLI is a listener that renders each stage's section.
    """

    @abstractmethod
    def stage_started(self, name: StageName, plan: str) -> None:
        """Stage ``name`` starts; ``plan`` says in a line what it will do."""

    @abstractmethod
    def stage_finished(self, stage: Stage, result: DemoResult) -> None:
        """``stage`` finished; ``result`` holds every stage's result so far."""


class Silent(DemoListener):
    """The default: follows nothing."""

    def stage_started(self, name: StageName, plan: str) -> None:
        pass

    def stage_finished(self, stage: Stage, result: DemoResult) -> None:
        pass
