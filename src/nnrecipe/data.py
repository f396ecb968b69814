"""Data plumbing: the forms nnrecipe reads, and the task kind it infers from them.

Every stage takes ``(X, y)`` arrays or tensors, a ``Dataset`` of pairs or a ``DataLoader``
directly. This namespace is for code that wraps data itself (:func:`as_source`), writes a
source of its own (subclass :class:`DataSource`), or asks which task nnrecipe will assume.

Example:
    >>> import torch
    >>> from nnrecipe.data import as_source, infer_task
    >>> X, y = torch.randn(10, 3), torch.arange(10) % 2
    >>> len(as_source((X, y))), infer_task(y, "cross_entropy")
    (10, 'classification')
"""

from ._core._data import Batch, DataLike, DataSource, TensorData, as_source
from ._core._task import TaskKind, infer_task

__all__ = ["Batch", "DataLike", "DataSource", "TaskKind", "TensorData", "as_source", "infer_task"]
