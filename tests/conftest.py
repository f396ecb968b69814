import os

import pytest
import torch

# Small models run fastest on one thread, and tests must not fight over the 2 cores.
torch.set_num_threads(1)
os.environ.setdefault("NNRECIPE_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "nnrecipe"))


@pytest.fixture
def blobs() -> tuple[torch.Tensor, torch.Tensor]:
    """A learnable 3-class problem: labels follow the inputs."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(300, 10, generator=g)
    y = (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()
    return X, y
