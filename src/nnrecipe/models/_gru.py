from __future__ import annotations

import torch
from torch import nn

__all__ = ["GRUClassifier"]


class GRUClassifier(nn.Module):
    """A GRU reading a sequence ``(N, L)`` or ``(N, L, F)`` and predicting from its last state.

    Args:
        in_features: Features per time step (1 for ``(N, L)`` inputs).
        num_outputs: Classes (logits) or regression targets.
        hidden: GRU hidden size.
        layers: Stacked GRU layers.
        bidirectional: Read the sequence both ways.

    Example:
        >>> GRUClassifier(1, 10)(torch.randn(4, 40)).shape
        torch.Size([4, 10])
    """

    def __init__(
        self, in_features: int, num_outputs: int, *, hidden: int = 64, layers: int = 1, bidirectional: bool = True
    ) -> None:
        super().__init__()
        self.gru = nn.GRU(in_features, hidden, num_layers=layers, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden * (2 if bidirectional else 1), num_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 2:
            x = x.unsqueeze(-1)
        _, h = self.gru(x)
        # h: (layers * directions, N, hidden); the last layer's states, both directions.
        last = h[-2:] if self.gru.bidirectional else h[-1:]
        return self.head(last.permute(1, 0, 2).reshape(x.shape[0], -1))
