"""causality: output t of an autoregressive model must not depend on inputs after t, in eval or training."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nnrecipe._checks._causality import target_shift

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

    def __init__(self, causal: bool, norm: bool = False) -> None:
        super().__init__()
        self.causal = causal
        self.conv = nn.Conv1d(2, 2, 3)
        self.norm = nn.BatchNorm1d(2) if norm else nn.Identity()  # statistics over batch and time

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.transpose(1, 2)
        h = nn.functional.pad(h, (2, 0) if self.causal else (1, 1))
        return self.norm(self.conv(h)).transpose(1, 2)


def _tokens(shift: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    seq = torch.randint(0, VOCAB, (64, T + 5), generator=torch.Generator().manual_seed(0))
    return seq[:, 2 : T + 2], seq[:, 2 + shift : T + 2 + shift]


def causality(run_check, model, data, loss="cross_entropy"):
    return run_check("causality", model, data, loss, causal_dim=1)


def test_mask_off_by_one_fails(run_check):
    result = causality(run_check, TinyAttention(diagonal=2), _tokens())
    assert result.status == "fail"
    assert "t+1" in result.measured


def test_correct_mask_passes(run_check):
    result = causality(run_check, TinyAttention(diagonal=1), _tokens())
    assert result.status == "pass"
    assert result.details["target_shift"] == 1


def test_symmetric_padding_fails(run_check):
    x = torch.randn(32, 10, 2)
    assert causality(run_check, CausalConv(causal=False), (x, x), "mse").status == "fail"


def test_left_padding_passes(run_check):
    x, y = torch.randn(32, 10, 2), torch.randn(32, 10, 2)
    assert causality(run_check, CausalConv(causal=True), (x, y), "mse").status == "pass"


def test_batch_norm_over_time_leaks_the_future_in_training_mode_only(run_check):
    x, y = torch.randn(32, 10, 2), torch.randn(32, 10, 2)
    result = causality(run_check, CausalConv(causal=True, norm=True), (x, y), "mse")
    assert result.status == "fail"
    assert "in training mode" in result.measured
    assert result.details["future_hits_eval"] == []


@pytest.mark.parametrize(("shift", "words"), [(0, "not shifted"), (-1, "shifted the wrong way"), (2, "shifted by 2")])
def test_targets_not_shifted_once_fail(run_check, shift, words):
    result = causality(run_check, TinyAttention(diagonal=1), _tokens(shift))
    assert result.status == "fail"
    assert words in result.measured


def test_target_shift_is_read_from_the_data():
    x = torch.arange(20).reshape(2, 10)
    assert target_shift(x[:, :-1], x[:, 1:], 1) == 1
    assert target_shift(x[:, 1:], x[:, :-1], 1) == -1
    assert target_shift(x, torch.zeros_like(x), 1) is None


def test_skipped_without_causal_dim(run_check):
    result = run_check("causality", TinyAttention(diagonal=2), _tokens(), "cross_entropy")
    assert result.status == "skip"
    assert "causal_dim" in result.measured
