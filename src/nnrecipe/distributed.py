"""Training in many processes: the processes ``torchrun`` starts, one GPU or a share of the cores each.

nnrecipe has no launcher of its own: start the same command under PyTorch's ``torchrun``
and :func:`nnrecipe.fit`, :class:`nnrecipe.Trainer` and ``nnrecipe fit`` train one model
together, data-parallel (each process takes its share of every batch; the batch size stays
the global one)::

    torchrun --nproc-per-node 2 -m nnrecipe fit examples/mnist1d.py
    torchrun --nnodes 2 --nproc-per-node 8 --rdzv-backend c10d --rdzv-endpoint HOST:29400 \\
        -m nnrecipe fit examples/mnist1d.py

The trainer joins the process group by itself; this namespace is for scripts that do more
than one ``fit`` (print on rank 0 only, take the group down at the end) and for the CLI:
only ``nnrecipe fit`` trains in many processes; the other commands run on rank 0 alone
(:func:`alone`) and the other ranks exit at once. In a script, :func:`nnrecipe.check`
trains its short runs in the calling process only: call it on rank 0 alone or on every rank.

Example:
    >>> from nnrecipe.distributed import world
    >>> here = world()  # rank 0 of 1 without torchrun
    >>> here.is_main, here.size
    (True, 1)
"""

from ._core._world import World, alone, join, leave, world

__all__ = ["World", "alone", "join", "leave", "world"]
