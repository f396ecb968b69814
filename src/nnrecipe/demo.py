"""The experiment behind ``nnrecipe demo``: MNIST-1D (generated offline) and a residual CNN.

Example:
    >>> from nnrecipe.demo import mnist1d_experiment
    >>> exp = mnist1d_experiment(epochs=1)
    >>> exp.name, len(exp.val[0])
    ('mnist1d-cnn', 500)
"""

from ._demo import DEMO_HPARAMS, mnist1d_experiment

__all__ = ["DEMO_HPARAMS", "mnist1d_experiment"]
