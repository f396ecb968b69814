"""A table as plain data: a title, column names and rows of text, drawn by the renderer."""

from __future__ import annotations

import dataclasses

__all__ = ["Table"]


@dataclasses.dataclass(frozen=True)
class Table:
    """Rows of text under column names.

    Attributes:
        title: What the table shows, above it.
        header: The column names.
        rows: One tuple of cells per row, as many as columns.
        note: One line under the table (what was left out).

    Example:
        >>> Table("splits", ("split", "examples"), (("train", "60"),)).rows[0][1]
        '60'
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"table {self.title!r}: row {row!r} has {len(row)} cells for {len(self.header)} columns")
