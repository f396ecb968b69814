from pathlib import Path

import pytest
import torch

from nnrecipe.callbacks import TrainerState


@pytest.fixture
def state(tmp_path: Path) -> TrainerState:
    """A trainer state around a tiny model, for feeding callbacks logs without training."""
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    return TrainerState(model=model, optimizer=opt, run_dir=tmp_path, total_steps=100)
