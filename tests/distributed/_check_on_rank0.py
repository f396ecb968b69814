"""Under torchrun: the group is formed, rank 0 alone runs ``nnrecipe.check``, then both meet.

``python -m torch.distributed.run --nproc-per-node 2 _check_on_rank0.py OUT`` writes
``OUT/rank0.json`` (the checks' statuses) and ``OUT/rank<r>.done`` on each rank.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

import nnrecipe
from nnrecipe.checking import select_checks

if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    here = nnrecipe.distributed.join()
    if here.rank == 0:
        g = torch.Generator().manual_seed(0)
        X = torch.randn(256, 8, generator=g)
        y = (X[:, 0] > 0).long()
        report = nnrecipe.check(nnrecipe.models.MLP(8, 2), (X, y), "cross_entropy",
                                checks=select_checks(only=["loss_decreases", "overfit_batch"]))
        (out / "rank0.json").write_text(json.dumps({r.name: r.status for r in report.results}))
    torch.distributed.barrier()
    (out / f"rank{here.rank}.done").write_text("ok")
    nnrecipe.distributed.leave(together=True)
