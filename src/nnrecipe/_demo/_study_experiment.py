"""The demo's experiment as a file: what the tuning workers load by path.

A study names its experiment as ``path.py[:name]`` and every worker process loads it from
there (``Study.experiment``); this file is that path for the demo's study. It is loaded as
a file, not as a module of the package, hence the absolute import.
"""

from nnrecipe.demo import mnist1d_experiment as experiment

__all__ = ["experiment"]
