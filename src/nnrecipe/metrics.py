"""Validation metrics: by name (``"accuracy"``, ``"top5"``, ``"mae"``...), callable or :class:`Metric`.

A :class:`Monitor` is a logged name and the direction in which it improves, resolved from
what the metric declares; the callbacks, ``FitResult.best`` and a study's goal share it.
Subclass :class:`Metric` for a metric that is not a mean over examples; a plain callable
``(output, target) -> scalar`` is averaged over the validation set.

Example:
    >>> from nnrecipe.metrics import resolve_metrics
    >>> [m.name for m in resolve_metrics(["accuracy", "top5"], "classification")]
    ['accuracy', 'top5']
"""

from ._core._metrics import Metric, MetricLike, default_metrics, resolve_metrics
from ._core._monitor import Monitor, named_direction

__all__ = ["Metric", "MetricLike", "Monitor", "default_metrics", "named_direction", "resolve_metrics"]
