"""causality: output t of an autoregressive model must not depend on inputs after t."""

from __future__ import annotations

import torch
from torch import nn

from nnrecipe._checks import check

VOCAB, T = 16, 12


class TinyAttention(nn.Module):
    """One causal self-attention layer over token embeddings; ``diagonal`` sets the mask."""

    def __init__(self, diagonal: int) -> None:
        super().__init__()
        self.diagonal = diagonal
        self.embed = nn.Embedding(VOCAB, 16)
        self.pos = nn.Embedding(T, 16)
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        self.out = nn.Linear(16, VOCAB)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x) + self.pos(torch.arange(x.shape[1]))
        mask = torch.triu(torch.ones(x.shape[1], x.shape[1], dtype=torch.bool), diagonal=self.diagonal)
        h, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
        return self.out(h)


class CausalConv(nn.Module):
    """A 1-D convolution over (B, T, F) sequences padded on the left (causal) or both sides."""

    def __init__(self, causal: bool) -> None:
        super().__init__()
        self.causal = causal
        self.conv = nn.Conv1d(2, 2, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.transpose(1, 2)
        h = nn.functional.pad(h, (2, 0) if self.causal else (1, 1))
        return self.conv(h).transpose(1, 2)


def _tokens(shifted: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    seq = torch.randint(0, VOCAB, (64, T + 1), generator=torch.Generator().manual_seed(0))
    return (seq[:, :-1], seq[:, 1:]) if shifted else (seq[:, :-1], seq[:, :-1])


def test_mask_off_by_one_fails():
    result = check(TinyAttention(diagonal=2), _tokens(), "cross_entropy", causal_dim=1, only=["causality"])["causality"]
    assert result.status == "fail"
    assert "t+1" in result.measured


def test_correct_mask_passes():
    result = check(TinyAttention(diagonal=1), _tokens(), "cross_entropy", causal_dim=1, only=["causality"])["causality"]
    assert result.status == "pass"
    assert result.details["alignment"] == "shifted"


def test_symmetric_padding_fails():
    x = torch.randn(32, 10, 2)
    report = check(CausalConv(causal=False), (x, x), "mse", causal_dim=1, only=["causality"])
    assert report["causality"].status == "fail"


def test_left_padding_passes():
    x = torch.randn(32, 10, 2)
    y = torch.randn(32, 10, 2)
    assert check(CausalConv(causal=True), (x, y), "mse", causal_dim=1, only=["causality"])["causality"].status == "pass"


def test_unshifted_targets_fail():
    result = check(TinyAttention(diagonal=1), _tokens(shifted=False), "cross_entropy", causal_dim=1,
                   only=["causality"])["causality"]
    assert result.status == "fail"
    assert "not shifted" in result.measured


def test_causal_dim_out_of_range_fails_and_others_still_run():
    report = check(TinyAttention(diagonal=1), _tokens(), "cross_entropy", causal_dim=5,
                   only=["causality", "batch_independence"])
    assert report["causality"].status == "fail"
    assert "causal_dim=5 is outside" in report["causality"].measured
    assert report["batch_independence"].status == "pass"


def test_skipped_without_causal_dim():
    result = check(TinyAttention(diagonal=2), _tokens(), "cross_entropy", only=["causality"])["causality"]
    assert result.status == "skip"
    assert "causal_dim" in result.measured
