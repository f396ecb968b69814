"""The recipe end to end on MNIST-1D: ``run_demo`` and the experiment behind ``nnrecipe demo``.

One private module per part: the experiment (``_experiment``), what the study searches
(``_space``), the demo's size (``_options``), its stages (``_prepare``: audit, checks,
baseline; ``_search``: exploration, exploitation, analysis; ``_finish``: ensemble, test,
report), and the loop that runs and times them (``_run``).
"""

from ._experiment import DEMO_HPARAMS, mnist1d_experiment
from ._listener import DemoListener
from ._options import DemoOptions
from ._result import DemoResult, FinalFigures, Stage, StageName
from ._run import plan, run_demo
from ._space import BASELINE, RECIPE_CHOICES, search_space

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
