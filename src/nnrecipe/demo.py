"""The recipe end to end on MNIST-1D (generated offline): :func:`run_demo` and its experiment.

:func:`run_demo` is ``nnrecipe demo``: audit, checks, a baseline with the recipe's defaults,
a quasi-random study and a Bayesian round, the analysis, an ensemble, the test set once,
and the HTML report, each stage timed. :func:`mnist1d_experiment` is the experiment it
trains: MNIST-1D with a validation split held out, and the reference residual CNN.

Example:
    >>> from nnrecipe.demo import DemoOptions, mnist1d_experiment
    >>> exp = mnist1d_experiment(epochs=1)
    >>> exp.name, len(exp.val[0])
    ('mnist1d-cnn', 500)
    >>> DemoOptions.quick().steps
    300
"""

from ._demo import (
    BASELINE,
    DEMO_HPARAMS,
    RECIPE_CHOICES,
    DemoListener,
    DemoOptions,
    DemoResult,
    FinalFigures,
    Stage,
    StageName,
    mnist1d_experiment,
    plan,
    run_demo,
    search_space,
)

__all__ = [
    "BASELINE",
    "DEMO_HPARAMS",
    "RECIPE_CHOICES",
    "DemoListener",
    "DemoOptions",
    "DemoResult",
    "FinalFigures",
    "Stage",
    "StageName",
    "mnist1d_experiment",
    "plan",
    "run_demo",
    "search_space",
]
