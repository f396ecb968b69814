"""One pass over a split: confusion, per-class metrics, the worst examples, regression errors."""

from __future__ import annotations

import math
import warnings
from collections import Counter

import numpy as np
import torch
from torch import nn

from .._audit._split import input_kind
from .._core._data import DataSource
from .._core._evaluate import EVAL_BATCH
from .._core._losses import LossFn
from .._core._task import TaskKind
from .._ensemble._outputs import OutputRule
from ._interpretation_data import _TOP_FIELDS, ClassMetrics, InterpretationData, Scatter, TopLosses
from ._probe import quiet, untouched_rng

__all__ = ["interpret", "per_example_loss"]

TOP_K = 16
MAX_POINTS = 2000  # regression points kept for the scatter
DENSE_CLASSES = 1000  # a full confusion matrix is counted up to this many classes...
SHOWN_CLASSES = 100  # ...and stored up to this many
CONFUSED = 20  # most frequent mistakes listed
MAX_SIDE, MAX_VALUES = 64, 4096  # a stored input: pixels per side, values in all
MAX_OUTPUTS = 4  # regression outputs kept per example


def per_example_loss(loss_fn: LossFn, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``(batch,)``: the loss of each example alone (``loss_fn`` averages over a batch)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # vmap's note about a slow fallback: we only want the numbers
            return torch.func.vmap(lambda o, t: loss_fn(o.unsqueeze(0), t.unsqueeze(0)))(out, y).float().reshape(-1)
    except Exception:  # noqa: BLE001 - a loss vmap cannot batch (an .item(), a Python branch): one by one
        return torch.stack([loss_fn(out[i : i + 1], y[i : i + 1]).float() for i in range(len(out))]).reshape(-1)


def _compact(x: torch.Tensor) -> torch.Tensor:
    """Inputs downsampled for storage: images to at most 64 pixels a side, anything to 4096 values."""
    shape = tuple(x.shape[1:])
    if x.is_floating_point() and len(shape) in (2, 3) and input_kind(shape) == "image":
        hwc = len(shape) == 3 and shape[2] in (1, 3, 4) and shape[0] not in (1, 3, 4)
        h, w = (shape[0], shape[1]) if hwc or len(shape) == 2 else (shape[1], shape[2])
        s = max(1, math.ceil(max(h, w) / MAX_SIDE))
        x = x[:, ::s, ::s] if hwc or len(shape) == 2 else x[:, :, ::s, ::s]
    flat = x.reshape(len(x), -1)
    if flat.shape[1] > MAX_VALUES:
        return flat[:, torch.linspace(0, flat.shape[1] - 1, MAX_VALUES, device=x.device).long()]
    return x


class _Worst:
    """The ``k`` highest losses seen so far, with what is shown of each example."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.parts: dict[str, torch.Tensor] = {}

    def add(self, losses: torch.Tensor, **fields: torch.Tensor) -> None:
        v, i = losses.topk(min(self.k, len(losses)))
        new = {"losses": v.cpu(), **{name: (_compact(f[i]) if name == "inputs" else f[i]).cpu() for name, f in fields.items()}}
        merged = {name: torch.cat([self.parts[name], t]) if self.parts else t for name, t in new.items()}
        order = merged["losses"].topk(min(self.k, len(merged["losses"]))).indices
        self.parts = {name: t[order] for name, t in merged.items()}


class _Classes:
    """Confusion counts: a dense matrix up to :data:`DENSE_CLASSES` classes, per-class counts
    and the most frequent mistakes above."""

    def __init__(self, classes: int, device: torch.device) -> None:
        self.c = classes
        self.dense = torch.zeros(classes * classes, dtype=torch.long, device=device) if classes <= DENSE_CLASSES else None
        self.counts = torch.zeros(3, classes, dtype=torch.long, device=device)  # support, predicted, right
        self.pairs: Counter[int] = Counter()

    def add(self, t: torch.Tensor, p: torch.Tensor) -> None:
        codes = t * self.c + p
        if self.dense is not None:
            self.dense += torch.bincount(codes, minlength=self.c * self.c)
            return
        for row, v in enumerate((t, p, t[t == p])):
            self.counts[row] += torch.bincount(v, minlength=self.c)
        wrong, n = torch.unique(codes[t != p], return_counts=True)
        self.pairs.update(dict(zip(wrong.tolist(), n.tolist())))

    def finish(self) -> tuple[np.ndarray | None, ClassMetrics, tuple[tuple[int, int, int], ...], float]:
        if self.dense is not None:
            m = self.dense.reshape(self.c, self.c).cpu().numpy()
            support, predicted, right = m.sum(1), m.sum(0), np.diag(m).copy()
            off = m.copy()
            np.fill_diagonal(off, 0)
            flat = np.argsort(off, axis=None, kind="stable")[::-1][:CONFUSED]
            confused = tuple((int(i // self.c), int(i % self.c), int(off.flat[i])) for i in flat if off.flat[i] > 0)
        else:
            m = None
            support, predicted, right = (row.cpu().numpy() for row in self.counts)
            confused = tuple((code // self.c, code % self.c, n) for code, n in self.pairs.most_common(CONFUSED))
        with np.errstate(divide="ignore", invalid="ignore"):
            precision, recall = right / predicted, right / support
            f1 = 2 * precision * recall / (precision + recall)
        total = max(int(support.sum()), 1)
        shown = m if m is not None and self.c <= SHOWN_CLASSES else None
        return shown, ClassMetrics(precision, recall, f1, support), confused, float(right.sum() / total)


def interpret(
    model: nn.Module, source: DataSource, loss_fn: LossFn, task: TaskKind, *, loss_name: str, device: torch.device,
    top_k: int = TOP_K,
) -> InterpretationData:
    """Confusion and per-class metrics (classification), errors and a scatter (regression) and
    the ``top_k`` worst examples, over all of ``source``, in eval mode; the model's and the
    generators' state are left as they were. ``weights``/``step``/``monitor`` are left blank."""
    worst, classes, rule = _Worst(top_k), None, None
    points: list[tuple[torch.Tensor, torch.Tensor]] = []
    sums = torch.zeros(5, dtype=torch.float64, device=device)  # |e|, e^2, n, y, y^2 (regression)
    stride, seen = max(1, math.ceil(len(source) / MAX_POINTS)), 0
    with quiet(model, device), untouched_rng(device):
        for x, y in source.batches(EVAL_BATCH, seed=0, epoch=0, shuffle=False):
            x, y = x.to(device), y.to(device)
            out = model(x)
            rule = rule or OutputRule.infer(out, y, task, loss_name)
            pred, losses = rule.apply(out), per_example_loss(loss_fn, out, y)
            index = torch.arange(seen, seen + len(x), device=device)
            if rule.task == "regression":
                p, t = pred.reshape(len(x), -1).float(), y.reshape(len(y), -1).float()
                e = p - t.reshape(p.shape) if p.shape == t.shape else p.flatten() - t.flatten()
                sums += torch.stack([e.abs().sum(), (e**2).sum(), torch.tensor(e.numel(), device=device), t.sum(), (t**2).sum()]).double()
                keep = index % stride == 0
                points.append((p[keep, :MAX_OUTPUTS].cpu(), t[keep, :MAX_OUTPUTS].cpu()))
                worst.add(losses, indices=index, targets=t[:, :MAX_OUTPUTS], predicted=p[:, :MAX_OUTPUTS],
                          confidence=torch.full_like(losses, math.nan), inputs=x)
            else:
                if rule.task == "binary":
                    prob = pred.reshape(y.shape) if pred.numel() == y.numel() else pred
                    top, t = (prob > 0.5).long(), (y > 0.5).long()
                    conf = torch.where(top == 1, prob, 1 - prob)
                else:
                    conf, top = pred.max(-1)
                    t = y.long()
                classes = classes or _Classes(2 if rule.task == "binary" else int(rule.classes or 2), device)
                classes.add(t.flatten(), top.flatten())
                single = top.ndim == 1  # one class per example (not a sequence, not multi-label)
                worst.add(losses, indices=index, targets=t if single else torch.full_like(losses, -1).long(),
                          predicted=top if single else torch.full_like(losses, -1).long(),
                          confidence=conf.float() if single else torch.full_like(losses, math.nan), inputs=x)
            seen += len(x)
    assert rule is not None, "a data source yields at least one batch"
    parts = worst.parts
    worst_shown = TopLosses(**{k: parts[k].numpy() for k in _TOP_FIELDS}, input_shape=tuple(x.shape[1:]))
    if classes is None:
        abs_e, sq_e, n, ys, ys2 = sums.tolist()
        sst = ys2 - ys * ys / max(n, 1)
        scatter = Scatter(torch.cat([p for p, _ in points]).numpy(), torch.cat([t for _, t in points]).numpy(), abs_e / max(n, 1),
                          math.sqrt(sq_e / max(n, 1)), 1 - sq_e / sst if sst > 0 else math.nan)
        return InterpretationData(rule.task, "", seen, "", 0, None, None, None, None, None, (), worst_shown, scatter)
    confusion, per_class, confused, accuracy = classes.finish()
    return InterpretationData(rule.task, "", seen, "", 0, None, classes.c, accuracy, confusion, per_class, confused, worst_shown, None)
