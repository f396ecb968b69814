"""The audit's memory budget: how many rows a chunk holds, and when a table moves to disk.

``AuditConfig.max_memory`` bounds the audit's own working set (chunks being read, tables of
per-example results, the representation, the neighbour search). Tables start in memory and
move to a temporary folder on disk when they outgrow their share, so the same code serves a
few thousand examples (nothing touches the disk) and tens of millions (everything streams).
What stays in memory per example is a handful of bytes, which is why peak memory barely
depends on the number of rows. The bound, for ``m`` examples:

    peak <= libraries (about 0.4 GB) + the data the caller holds in memory
            + max_memory (2 GiB by default) + about 20 bytes x m

where the 20 bytes are a finite flag (1), a class id (2, or 4 beyond 32,767 classes), the
nearest neighbour's distance and row within the split (8) and, for val/test examples, the
nearest training example's (8); while the first pass reads them, the labels take 8 more.
At 10 million examples that is about 0.2 GB. The working set only reaches ``max_memory``
when the data needs it: tables beyond their share (statistics 5%, hashes 10%, cell lists
15%, label baselines' probabilities 10% per split, samples 5%) move to disk, chunks hold at most 16 MiB of values.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["Budget", "parse_size"]

_UNITS = {"": 1, "B": 1, "K": 2**10, "KB": 10**3, "KIB": 2**10, "M": 2**20, "MB": 10**6, "MIB": 2**20, "G": 2**30, "GB": 10**9, "GIB": 2**30}
_CHUNK_BYTES = 16 * 2**20  # float32 bytes of one chunk of examples, at most
_MAX_CHUNK_ROWS = 65536


def parse_size(size: int | str) -> int:
    """Bytes from ``2147483648``, ``"2GiB"``, ``"500MB"`` or ``"1.5G"``.

    Raises:
        ValueError: Not a size.

    Example:
        >>> parse_size("1.5GiB"), parse_size(1024)
        (1610612736, 1024)
    """
    if isinstance(size, int):
        return size
    text = str(size).strip().upper().replace(" ", "")
    number = text.rstrip("KMGIB")
    unit = text[len(number) :]
    try:
        return int(float(number) * _UNITS[unit])
    except (KeyError, ValueError):
        raise ValueError(f"{size!r} is not a size; write bytes or a number with a unit, e.g. '2GiB' or '500MB'") from None


class Budget:
    """The working-memory budget of one audit and the temporary folder tables spill into.

    Args:
        max_memory: Bytes the audit may hold for its own work.
        parent: Where the temporary folder is created (the system's default otherwise).
    """

    def __init__(self, max_memory: int, parent: str | Path | None = None) -> None:
        self.max_memory = max_memory
        self._parent = parent
        self._folder: Path | None = None

    def share(self, fraction: float) -> int:
        """Bytes a table may keep in memory before it moves to disk."""
        return int(self.max_memory * fraction)

    def chunk_rows(self, width: int) -> int:
        """Rows per chunk of ``width`` float32 features: a few copies of a chunk fit easily."""
        target = min(_CHUNK_BYTES, self.max_memory // 32)
        return int(max(1, min(_MAX_CHUNK_ROWS, target // max(4 * width, 1))))

    @property
    def folder(self) -> Path:
        """The temporary folder, created on first use and removed by :meth:`cleanup`."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="nnrecipe-audit-", dir=self._parent))
        return self._folder

    @property
    def spilled(self) -> bool:
        """Whether anything went to disk."""
        return self._folder is not None

    def cleanup(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    @contextlib.contextmanager
    def scope(self) -> Iterator[Budget]:
        """Use the budget; its temporary folder is removed however the block ends."""
        try:
            yield self
        finally:
            self.cleanup()
