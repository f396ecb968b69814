"""The demo's tuning: quasi-random exploration, Bayesian exploitation if time allows, the analysis.

Both rounds run the same study with ``nnrecipe tune``'s machinery: worker processes of one
thread each on a journal file in the demo's folder. The study's sampler switches from
Halton to TPE after the exploration trials, so the exploitation trials are informed by all
of them (the playbook: explore first, then exploit once the space is understood).
"""

from __future__ import annotations

import dataclasses
import math
import statistics

from .._tune._analysis import analyze
from .._tune._tuning import TuneResult, tune
from ._context import Context
from ._result import DemoResult

__all__ = ["FINISH_SECONDS", "analysis_stage", "exploit_stage", "exploit_trials", "search_stage", "search_timeout"]

Outcome = tuple[DemoResult, str]

# What the stages after the exploitation (analysis, ensemble, test, report) take, with margin:
# about 6 s on a quiet 2-core machine for the full demo (benchmarks/demo.py).
FINISH_SECONDS = 10.0
# Starting the worker processes of one round (a fork server importing torch), with margin.
ROUND_START_SECONDS = 3.0
# A trial against the baseline run, which has the same length: two trials side by side on
# two cores each take a little longer than the baseline alone.
TRIAL_OVER_BASELINE = 1.15


def search_stage(ctx: Context, result: DemoResult) -> Outcome:
    """Explore: ``trials`` quasi-random trials spread evenly over the search space.

    With a budget, no trial starts once the time left would not hold it and the stages
    after it (timed by the baseline run, on this machine, at its load): a slow or busy
    machine explores fewer points instead of running past the budget. On a quiet 2-core
    machine every trial starts.
    """
    o = ctx.options
    timeout = search_timeout(ctx, result)
    run = tune(ctx.study(), trials=o.trials, workers=o.workers, timeout=timeout)
    done = len(run.records)
    cut = "" if done >= o.trials or timeout is None else f" ({done} of {o.trials} trials: no trial starts after {timeout:.0f} s, the budget's last start)"
    return dataclasses.replace(result, search=run), _headline(run) + cut


def search_timeout(ctx: Context, result: DemoResult) -> float | None:
    """Seconds after which no exploration trial starts (``None``: no budget, or nothing to time by)."""
    o = ctx.options
    baseline = result.baseline.seconds if result.baseline is not None else None
    if o.budget is None or not baseline:
        return None
    last_start = o.budget - ctx.elapsed() - FINISH_SECONDS - ROUND_START_SECONDS - TRIAL_OVER_BASELINE * baseline
    return max(last_start, 1.0)  # each worker starts one trial at least


def exploit_stage(ctx: Context, result: DemoResult) -> Outcome:
    """Exploit: Bayesian (TPE) trials around what exploration found, as many as the budget allows."""
    o = ctx.options
    n, why = (0, "no exploration") if result.search is None else exploit_trials(ctx, result.search)
    if n == 0:
        return result, f"skipped: {why}"
    run = tune(ctx.study(), trials=o.trials + n, workers=o.workers)
    return dataclasses.replace(result, exploit=run), f"{n} TPE trial(s)" + (f" of {o.exploit_trials} ({why})" if why else "") + f"; {_headline(run)}"


def exploit_trials(ctx: Context, search: TuneResult) -> tuple[int, str]:
    """How many exploitation trials fit the budget, and why not more (empty when all do).

    Trials run in rounds of one per worker; a round takes about as long as the median
    exploration trial measured here, on this machine, at its load.
    """
    o = ctx.options
    if o.exploit_trials == 0:
        return 0, "no exploitation trials asked for"
    if o.budget is None:
        return o.exploit_trials, ""
    seconds = [r.seconds for r in search.records if r.outcome == "complete" and r.seconds]
    if not seconds:
        return 0, "no exploration trial finished to time a round by"
    per_round = statistics.median(seconds) + ROUND_START_SECONDS
    left = o.budget - ctx.elapsed() - FINISH_SECONDS
    rounds = max(0, math.floor(left / per_round))
    n = min(o.exploit_trials, rounds * o.workers)
    if n == o.exploit_trials:
        return n, ""
    return n, f"the {o.budget:.0f} s budget leaves {max(left, 0):.0f} s, {rounds} round(s) of {per_round:.0f} s on this machine now"


def analysis_stage(ctx: Context, result: DemoResult) -> Outcome:
    """The playbook's analyses of the study: best trial, boundaries, curves, enough trials?"""
    analysis = analyze(ctx.study())
    findings = analysis.findings()
    best = analysis.best
    top = "no feasible trial" if best is None else f"best trial {best.number}: val_accuracy {best.value:.2%}"
    return dataclasses.replace(result, analysis=analysis), f"{top}; {len(findings)} finding(s)"


def _headline(run: TuneResult) -> str:
    outcomes = [r.outcome for r in run.records]
    best = "" if run.best is None or run.best.value is None else f"; best trial {run.best.number}: val_accuracy {run.best.value:.2%}"
    infeasible = outcomes.count("infeasible")
    return f"{outcomes.count('complete')} complete" + (f", {infeasible} infeasible" if infeasible else "") + best
