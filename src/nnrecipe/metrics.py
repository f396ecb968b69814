"""Validation metrics: by name (``"accuracy"``, ``"top5"``, ``"mae"``...), callable or :class:`Metric`.

Subclass :class:`Metric` for a metric that is not a mean over examples; a plain callable
``(output, target) -> scalar`` is averaged over the validation set.

Example:
    >>> from nnrecipe.metrics import resolve_metrics
    >>> [m.name for m in resolve_metrics(["accuracy", "top5"], "classification")]
    ['accuracy', 'top5']
"""

from ._core._metrics import Metric, MetricLike, default_metrics, resolve_metrics

__all__ = ["Metric", "MetricLike", "default_metrics", "resolve_metrics"]
