"""Batch norm over the global batch when processes train together (``sync_batchnorm=True``).

Each process sees only its part of a batch; plain batch norm normalises with the part's
statistics. Synchronised, every process normalises with the statistics of the whole batch,
as one process would, and the running statistics move identically everywhere.

PyTorch's own ``nn.SyncBatchNorm`` (``convert_sync_batchnorm``) cannot train on the CPU: in
torch 2.13 ``DistributedDataParallel`` refuses it there ("SyncBatchNorm layers only work with
GPU modules"). So this is ours, one code path for gloo and NCCL: two sums over the
processes per layer (the mean, then the variance about it, which keeps the variance
accurate), each with a gradient that is the same sum of the incoming gradients.
Training batch norm layers are swapped for the run and put back afterwards; they share
parameters and buffers, so the user's model keeps everything it learned.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

__all__ = ["has_batchnorm", "synchronised_batchnorm"]


class _SumOverProcesses(torch.autograd.Function):
    """``all_reduce(SUM)`` with its gradient: every process's input feeds every output."""

    @staticmethod
    def forward(ctx: Any, tensor: torch.Tensor) -> torch.Tensor:
        total = tensor.clone()
        dist.all_reduce(total)
        return total

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        total = grad.clone()
        dist.all_reduce(total)
        return total


class _GlobalBatchNorm(_BatchNorm):
    """Stands in for one batch norm layer, holding its very parameters and buffers (so the
    model's state dict, and every checkpoint, keeps its keys and values)."""

    def __init__(self, bn: _BatchNorm) -> None:
        nn.Module.__init__(self)  # not _BatchNorm's: it would make new parameters
        self.__dict__["original"] = bn  # not a child module: its keys would appear twice
        self.num_features, self.eps, self.momentum = bn.num_features, bn.eps, bn.momentum
        self.affine, self.track_running_stats = bn.affine, bn.track_running_stats
        self.weight, self.bias = bn.weight, bn.bias
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            self.register_buffer(name, getattr(bn, name))
        self.train(bn.training)

    def _check_input_dim(self, x: torch.Tensor) -> None:
        original: _BatchNorm = self.__dict__["original"]
        original._check_input_dim(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return super().forward(x)  # running statistics: nothing to share
        self._check_input_dim(x)
        dims = [0, *range(2, x.dim())]
        shape = [1, -1] + [1] * (x.dim() - 2)
        xf = x.float()  # statistics in float32, also under autocast
        count = torch.full((1,), x.numel() // x.shape[1], dtype=xf.dtype, device=x.device)
        summed = _SumOverProcesses.apply(torch.cat([xf.sum(dims), count]))
        n = summed[-1]
        mean = summed[:-1] / n
        centered = xf - mean.view(shape)
        var = _SumOverProcesses.apply(centered.square().sum(dims)) / n
        y = centered * torch.rsqrt(var + self.eps).view(shape)
        if self.weight is not None and self.bias is not None:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        if self.track_running_stats and self.running_mean is not None:
            self._track(mean.detach(), var.detach() * n / (n - 1).clamp(min=1))
        return y.to(x.dtype)

    def _track(self, mean: torch.Tensor, unbiased_var: torch.Tensor) -> None:
        assert self.running_mean is not None and self.running_var is not None and self.num_batches_tracked is not None
        self.num_batches_tracked.add_(1)
        # momentum=None: a cumulative average, as torch's batch norm (read on the host there too)
        factor = self.momentum if self.momentum is not None else 1.0 / float(self.num_batches_tracked)
        self.running_mean.lerp_(mean.to(self.running_mean.dtype), factor)
        self.running_var.lerp_(unbiased_var.to(self.running_var.dtype), factor)


def has_batchnorm(model: nn.Module) -> bool:
    return any(isinstance(m, _BatchNorm) for m in model.modules())


@contextlib.contextmanager
def synchronised_batchnorm(model: nn.Module) -> Iterator[None]:
    """Within the block, every batch norm layer of ``model`` normalises over the global batch.

    The layers are swapped in place (the model object stays the caller's) and put back on
    leaving, even after an exception.
    """
    swapped: list[tuple[nn.Module, str, _BatchNorm]] = []
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, _BatchNorm):
                setattr(parent, name, _GlobalBatchNorm(child))
                swapped.append((parent, name, child))
    try:
        yield
    finally:
        for parent, name, child in swapped:
            child.train(getattr(parent, name).training)
            setattr(parent, name, child)
