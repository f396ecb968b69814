"""``analyze``: every analysis of a study, computed as plain data from its stored trials."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._core._errors import ConfigError, NnrecipeError
from .._train._runs import read_run_config, reference_of
from ._adoption import Adoption, adoption
from ._axes import AxisInfo, axis_info, top_trials
from ._best_of_k import BestOfK, best_of_k
from ._curves import CurveDiagnosis, diagnose
from ._isolation import IsolationInfo, isolation_info
from ._records import TrialRecord, records_of
from ._stability import StabilityAdvice, stability_advice
from ._storage import ADOPT_SUFFIX
from ._stored import resolve_study
from ._study import Study
from ._train_length import TrainLength, train_length
from ._tuning import connect, storage_url_of

__all__ = ["Analysis", "analysis_of", "analyze"]


@dataclasses.dataclass(frozen=True)
class Analysis:
    """The playbook's analyses of one study; pure data, rendered by ``render_text`` / ``save_plots``.

    Attributes:
        study: The study analysed.
        records: Its trials (search trials only; adoption runs are in ``adoption``).
        counts: Trials per outcome (``complete``, ``infeasible``, ``failed``, ``running``,
            ``waiting``) and ``retried`` (failed because their worker died, then re-run).
        infeasible_fraction: Infeasible trials over finished ones.
        best: The best feasible trial.
        isolation: One isolation plot per scientific hyperparameter.
        axes: One axis plot per searched hyperparameter, with boundary warnings.
        best_of_k: Whether enough trials were sampled.
        curves: Curve diagnostics of the best trials.
        train_length: How long to train.
        stability: Warmup and clipping advice.
        adoption: Candidate versus baseline over seeds, once ``adopt`` has run.
        reference: The reference metrics the experiment declares (``Experiment(reference=...)``,
            e.g. a human's accuracy), read from the best trial's run folder; empty when none.
    """

    study: Study
    records: list[TrialRecord]
    counts: dict[str, int]
    infeasible_fraction: float
    best: TrialRecord | None
    isolation: list[IsolationInfo]
    axes: list[AxisInfo]
    best_of_k: BestOfK
    curves: list[CurveDiagnosis]
    train_length: TrainLength
    stability: StabilityAdvice
    adoption: Adoption | None
    reference: dict[str, float] = dataclasses.field(default_factory=dict)

    def to_text(self) -> str:
        """Render as text; see :func:`render_text`."""
        from ._render_text import render_text

        return render_text(self)

    def save_plots(self, folder: str | Path | None = None) -> list[Path]:
        """Write the PNG figures into ``folder`` (default: the study's ``analysis`` folder); see :func:`save_plots`."""
        from ._render_png import save_plots

        return save_plots(self, folder)

    def findings(self) -> list[str]:
        """Every warning and verdict, most actionable first."""
        out = [w for a in self.axes for w in a.warnings]
        out += [self.best_of_k.message, self.train_length.message, self.stability.message]
        out += [n for a in self.axes for n in a.notes]
        out += [n for c in self.curves for n in c.notes]
        out += [n for i in self.isolation for n in i.notes]
        if self.infeasible_fraction > 0:
            out.append(f"{self.infeasible_fraction:.0%} of finished trials were infeasible (diverged)")
        if self.adoption is not None:
            out.append(self.adoption.message)
        return out


def analyze(study: Study | str | Path, *, storage: str | None = None, name: str | None = None, top: int = 3) -> Analysis:
    """Compute the analyses of a study from its storage.

    Args:
        study: The :class:`Study`; its file; or, without the file, its storage: a URL
            (``postgresql://...``, ``sqlite:///...``, ``journal:///...``) or a journal file,
            which holds the study's definition since ``tune`` created it.
        storage: Storage URL; overrides the study file's.
        name: Which study of a storage that holds several.
        top: How many of the best trials get curve diagnostics.

    Raises:
        ConfigError: The study file is invalid, or the storage has no such study.

    Example:
        >>> analysis = analyze("examples/mnist1d_study.yaml")  # doctest: +SKIP
        >>> analysis = analyze("runs/mnist1d-cnn/study.journal")  # doctest: +SKIP
        >>> print(render_text(analysis))  # doctest: +SKIP
    """
    study, url_given = resolve_study(study, storage=storage, name=name)
    url = storage_url_of(study, url_given)
    records = records_of(connect(study, url, create=False))
    adopt_records: list[TrialRecord] = []
    try:
        adopt_records = records_of(connect(study, url, create=False, suffix=ADOPT_SUFFIX))
    except ConfigError:
        pass  # no adoption runs yet
    return analysis_of(study, records, adopt_records, top=top)


def analysis_of(study: Study, records: Sequence[TrialRecord], adopt_records: Sequence[TrialRecord] = (), *, top: int = 3) -> Analysis:
    """The analyses of ``study`` from its trial records (no storage): what :func:`analyze` returns.

    Example:
        >>> from nnrecipe._tune._space import Param, Space
        >>> s = Study(name="s", experiment="e.py", space=Space((Param(name="lr", kind="log", low=1e-4, high=1e-1),)))
        >>> analysis_of(s, []).best is None
        True
    """
    records = list(records)
    counts = {k: sum(r.outcome == k for r in records) for k in ("complete", "infeasible", "failed", "running", "waiting")}
    counts["retried"] = sum(r.retried for r in records)
    finished = counts["complete"] + counts["infeasible"]
    best_trials = top_trials(records, study.goal, fraction=0.0, minimum=top)
    curves = diagnose(best_trials, study.goal)
    noise = float(np.median([c.jitter for c in curves])) if curves else 0.0
    return Analysis(
        study=study,
        records=records,
        counts=counts,
        infeasible_fraction=counts["infeasible"] / finished if finished else 0.0,
        best=best_trials[0] if best_trials else None,
        isolation=isolation_info(records, study.space, study.goal),
        axes=axis_info(records, study.space, study.goal),
        best_of_k=best_of_k(records, study.goal, noise=noise),
        curves=curves,
        train_length=train_length(top_trials(records, study.goal, fraction=0.2, minimum=5)),
        stability=stability_advice(records),
        adoption=adoption(adopt_records, study.goal),
        reference=_reference(best_trials[0] if best_trials else None),
    )


def _reference(best: TrialRecord | None) -> dict[str, float]:
    """The experiment's reference metrics, from the best trial's ``config.json`` (``{}`` when
    the folder is elsewhere, as with a storage shared across machines)."""
    if best is None or best.run_dir is None:
        return {}
    try:
        return reference_of(read_run_config(Path(best.run_dir)))
    except (OSError, NnrecipeError):
        return {}
