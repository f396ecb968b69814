"""Small models for the zoo, written the way public minimal implementations write them."""

from __future__ import annotations

import math
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

Mask = Literal["causal", "off_by_one", "zero_fill", "none"]


def mlp(d: int = 16, out: int = 4, hidden: int = 64, depth: int = 1) -> nn.Sequential:
    layers: list[nn.Module] = []
    width = d
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    return nn.Sequential(*layers, nn.Linear(width, out))


class CausalSelfAttention(nn.Module):
    """nanoGPT's attention with a registered lower-triangular mask; the knobs reproduce known bugs."""

    def __init__(self, d: int, heads: int, block: int, mask: Mask = "causal", softmax_dim: int = -1) -> None:
        super().__init__()
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.heads, self.mask, self.softmax_dim = heads, mask, softmax_dim
        self.register_buffer("bias", torch.tril(torch.ones(block, block)).view(1, 1, block, block))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.shape[-1])
        keep = self.bias[:, :, :t, :t]
        if self.mask == "off_by_one":
            keep = torch.tril(torch.ones(t, t, device=x.device), diagonal=1).view(1, 1, t, t)
        if self.mask == "zero_fill":
            att = att.masked_fill(keep == 0, 0.0)  # a zero score still gets weight after the softmax
        elif self.mask != "none":
            att = att.masked_fill(keep == 0, float("-inf"))
        att = F.softmax(att, dim=self.softmax_dim)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.c_proj(y)


class Block(nn.Module):
    """Pre-norm transformer block; ``closure`` stores the MLP as a lambda, as minGPT does."""

    def __init__(self, d: int, heads: int, block: int, *, norm: str = "layer", closure: bool = False,
                 detach_mlp: bool = False, **attn: object) -> None:
        super().__init__()
        self.norm = norm
        self.ln_1 = nn.LayerNorm(d) if norm == "layer" else nn.BatchNorm1d(d)
        self.ln_2 = nn.LayerNorm(d) if norm == "layer" else nn.BatchNorm1d(d)
        self.attn = CausalSelfAttention(d, heads, block, **attn)  # type: ignore[arg-type]
        self.mlp = nn.ModuleDict({"c_fc": nn.Linear(d, 4 * d), "act": nn.GELU(), "c_proj": nn.Linear(4 * d, d)})
        m = self.mlp
        if closure:
            self.mlpf = lambda x: m.c_proj(m.act(m.c_fc(x))).detach() if detach_mlp else m.c_proj(m.act(m.c_fc(x)))
        else:
            self.mlpf = None

    def _norm(self, layer: nn.Module, x: torch.Tensor) -> torch.Tensor:
        # Batch norm over (B, C, T): statistics over the batch and over time.
        return layer(x) if self.norm == "layer" else layer(x.transpose(1, 2)).transpose(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self._norm(self.ln_1, x))
        h = self._norm(self.ln_2, x)
        m = self.mlp
        return x + (self.mlpf(h) if self.mlpf is not None else m.c_proj(m.act(m.c_fc(h))))


class GPT(nn.Module):
    """A minimal GPT: token and position embeddings, causal blocks, tied output head without bias."""

    def __init__(self, vocab: int = 16, block: int = 16, d: int = 32, heads: int = 2, layers: int = 2, *,
                 gpt_init: bool = True, softmax_output: bool = False, **knobs: object) -> None:
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(block, d)
        self.h = nn.ModuleList([Block(d, heads, block, **knobs) for _ in range(layers)])  # type: ignore[arg-type]
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.wte.weight  # weight tying
        self.softmax_output = softmax_output
        if gpt_init:
            for p in self.parameters():
                if p.ndim == 2:
                    nn.init.normal_(p, std=0.02)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(idx.shape[1], device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return logits.softmax(-1) if self.softmax_output else logits


class TimeMajorCNN(nn.Module):
    """Conv over (B, C, L), then a time-major (L, B, C) stage; ``view`` where ``permute`` is meant mixes examples."""

    def __init__(self, buggy: bool, classes: int = 3) -> None:
        super().__init__()
        self.buggy = buggy
        self.conv = nn.Conv1d(1, 16, 5, padding=2)
        self.head = nn.Linear(16, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.conv(x))
        b, c, length = h.shape
        h = h.view(length, b, c) if self.buggy else h.permute(2, 0, 1)
        return self.head(h.mean(0))
