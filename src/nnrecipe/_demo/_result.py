"""What the demo produced: each stage's time and headline, and every stage's own result."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from .._audit._report import AuditReport
from .._checks._result import CheckReport
from .._ensemble._result import EnsembleResult
from .._train._trainer import FitResult
from .._tune._analysis import Analysis
from .._tune._tuning import TuneResult
from ._options import DemoOptions

__all__ = ["DemoResult", "FinalFigures", "Stage", "StageName"]

StageName = Literal["audit", "checks", "baseline", "search", "exploit", "analysis", "ensemble", "test", "report"]
STAGES: tuple[StageName, ...] = ("audit", "checks", "baseline", "search", "exploit", "analysis", "ensemble", "test", "report")


@dataclasses.dataclass(frozen=True)
class Stage:
    """One finished stage: its name, wall time in seconds, and a one-line headline."""

    name: StageName
    seconds: float
    headline: str


@dataclasses.dataclass(frozen=True)
class FinalFigures:
    """The test set, looked at once, at the end, after every choice was made on validation.

    Attributes:
        single: Test accuracy of the chosen model (the best of every run by validation accuracy);
            ``single_label`` which run it is.
        ensemble: Test accuracy of the ensemble (the average of the best few by validation),
            ``ensemble_size`` models; ``gain`` its improvement over the chosen model and
            ``interval`` that gain's paired bootstrap interval.
        greedy: Test accuracy of Caruana's greedy ensemble, shown for comparison.
    """

    single: float
    single_label: str
    ensemble: float
    ensemble_size: int
    gain: float
    interval: tuple[float, float]
    greedy: float

    @classmethod
    def of(cls, result: EnsembleResult) -> FinalFigures | None:
        """The figures of an ensemble whose runs stored test predictions (``None`` otherwise)."""
        single, average = result.single, result.average
        if single.test is None or average.test is None or result.greedy.test is None or average.gain is None or average.interval is None:
            return None
        metric = result.metric
        return cls(
            single=single.test[metric], single_label=result.members[single.used[0]].label,
            ensemble=average.test[metric], ensemble_size=len(average.used),
            gain=average.gain, interval=average.interval, greedy=result.greedy.test[metric],
        )


@dataclasses.dataclass(frozen=True)
class DemoResult:
    """Everything one demo left, filled in stage by stage (``None``: not reached, or skipped).

    Attributes:
        folder: The demo's folder: audit, checks, baseline run, study, ensemble and report.
        options: The options it ran with.
        stages: The finished stages in order, with times and headlines.
        audit, checks: The first two stages' reports.
        baseline: The run with the recipe's defaults.
        search: The quasi-random study; ``exploit`` the same study after its Bayesian trials.
        analysis: The playbook's analyses of the study.
        ensemble: The ensemble of the best runs; ``test`` its and the chosen model's test figures.
        report: The HTML report's path.
        stopped: Why the demo stopped early (a failed check), else ``None``.
    """

    folder: Path
    options: DemoOptions
    stages: tuple[Stage, ...] = ()
    audit: AuditReport | None = None
    checks: CheckReport | None = None
    baseline: FitResult | None = None
    search: TuneResult | None = None
    exploit: TuneResult | None = None
    analysis: Analysis | None = None
    ensemble: EnsembleResult | None = None
    test: FinalFigures | None = None
    report: Path | None = None
    stopped: str | None = None

    @property
    def seconds(self) -> float:
        """Wall time of the stages, in total."""
        return sum(s.seconds for s in self.stages)

    def stage(self, name: StageName) -> Stage | None:
        """The finished stage ``name``, or ``None``."""
        return next((s for s in self.stages if s.name == name), None)

