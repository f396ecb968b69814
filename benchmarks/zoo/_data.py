"""Small, learnable, seeded data sets for the zoo (train and validation splits)."""

from __future__ import annotations

import math

import torch

Split = tuple[torch.Tensor, torch.Tensor]


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def vectors(n: int = 768, d: int = 16, classes: int = 4, seed: int = 0) -> tuple[Split, Split]:
    """Standardised vectors; the class is the argmax of a fixed linear map."""
    g = _gen(seed)
    X = torch.randn(n + 256, d, generator=g)
    y = (X @ torch.randn(d, classes, generator=g)).argmax(1)
    return (X[:n], y[:n]), (X[n:], y[n:])


def regression(n: int = 768, d: int = 8, seed: int = 1) -> tuple[Split, Split]:
    """Standardised vectors and a noisy linear target with unit variance."""
    g = _gen(seed)
    X = torch.randn(n + 256, d, generator=g)
    y = X @ torch.randn(d, generator=g) / math.sqrt(d) + 0.3 * torch.randn(n + 256, generator=g)
    y = (y - y.mean()) / y.std()
    return (X[:n], y[:n]), (X[n:], y[n:])


def binary(n: int = 768, d: int = 16, rate: float = 0.3, seed: int = 2) -> tuple[Split, Split]:
    """0/1 float targets: a linear score above its ``1 - rate`` quantile."""
    g = _gen(seed)
    X = torch.randn(n + 256, d, generator=g)
    score = X @ torch.randn(d, generator=g) + 0.5 * torch.randn(n + 256, generator=g)
    y = (score > score.quantile(1 - rate)).float()
    return (X[:n], y[:n]), (X[n:], y[n:])


def sequences(n: int = 512, length: int = 32, classes: int = 3, seed: int = 3) -> tuple[Split, Split]:
    """Noisy sine waves ``(N, 1, L)``; the class is the frequency."""
    g = _gen(seed)
    y = torch.randint(0, classes, (n + 192,), generator=g)
    phase = 6.283 * torch.rand(n + 192, 1, generator=g)
    t = torch.arange(length).float()
    X = torch.sin(6.283 * (1 + 2 * y[:, None]).float() * t / length + phase) + 0.5 * torch.randn(n + 192, length, generator=g)
    X = ((X - X.mean()) / X.std())[:, None, :]
    return (X[:n], y[:n]), (X[n:], y[n:])


def images(n: int = 512, size: int = 8, classes: int = 4, seed: int = 4) -> tuple[Split, Split]:
    """``(N, 1, size, size)`` images; the class is the quadrant holding a bright square."""
    g = _gen(seed)
    y = torch.randint(0, classes, (n + 192,), generator=g)
    X = 0.3 * torch.randn(n + 192, 1, size, size, generator=g)
    h = size // 2
    for i, c in enumerate(y.tolist()):
        r, k = divmod(c % 4, 2)
        X[i, 0, h * r : h * r + h - 1, h * k : h * k + h - 1] += 2.0
    X = (X - X.mean()) / X.std()
    return (X[:n], y[:n]), (X[n:], y[n:])


def tokens(n: int = 384, length: int = 16, vocab: int = 16, noise: float = 0.25, seed: int = 5, shift: int = 1) -> tuple[Split, Split]:
    """Token sequences from a sparse Markov chain; targets are the inputs shifted by ``shift``.

    ``noise`` is the chance that a token is drawn uniformly instead: the next token is then
    not determined by the context, and the best achievable loss is above zero.
    """
    g = _gen(seed)
    successor = torch.randperm(vocab, generator=g)
    total = n + 128
    seq = torch.empty(total, length + 4, dtype=torch.long)
    seq[:, 0] = torch.randint(0, vocab, (total,), generator=g)
    for t in range(1, length + 4):
        follow = successor[seq[:, t - 1]]
        rand = torch.randint(0, vocab, (total,), generator=g)
        seq[:, t] = torch.where(torch.rand(total, generator=g) < noise, rand, follow)
    # Each input sequence once: one in both splits would be leakage the audit rightly reports.
    first = {tuple(row): i for i, row in reversed(list(enumerate(seq[:, 2 : length + 2].tolist())))}
    seq = seq[sorted(first.values())]
    x = seq[:, 2 : length + 2]
    y = seq[:, 2 + shift : length + 2 + shift]
    cut = len(seq) * n // total
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
