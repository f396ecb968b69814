"""Tables that move to disk when they outgrow their share of the budget."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnrecipe._audit._budget import Budget, parse_size
from nnrecipe._audit._spool import Spool


def test_a_table_stays_in_memory_until_its_limit_then_reads_back_the_same_from_disk(tmp_path: Path) -> None:
    budget = Budget(1 << 30, parent=tmp_path)
    rows = np.arange(40, dtype=np.float32).reshape(20, 2)
    small, large = Spool(budget, np.float32, 2, limit=1 << 20), Spool(budget, np.float32, 2, limit=64)
    for lo in range(0, 20, 6):
        small.append(rows[lo : lo + 6])
        large.append(rows[lo : lo + 6])
    assert not small.on_disk and large.on_disk and budget.spilled
    for t in (small, large):
        np.testing.assert_array_equal(np.concatenate([c for _, c in t.chunks(7)]), rows)
        np.testing.assert_array_equal(t.read(3, 9), rows[3:9])
        np.testing.assert_array_equal(t.take(np.array([19, 0, 5])), rows[[19, 0, 5]])
    large.close()
    budget.cleanup()
    assert list(tmp_path.iterdir()) == []


def test_structured_records_round_trip_through_disk(tmp_path: Path) -> None:
    record = np.dtype([("row", np.int64), ("vec", np.float16, (3,))])
    table = Spool(Budget(1 << 30, parent=tmp_path), record, 0, limit=8)
    rec = np.zeros(5, record)
    rec["row"], rec["vec"] = np.arange(5), np.ones((5, 3))
    table.append(rec)
    assert table.on_disk
    back = table.read(0, 5)
    np.testing.assert_array_equal(back["row"], np.arange(5))
    assert back["vec"].dtype == np.float16 and back["vec"].shape == (5, 3)


def test_sizes_read_with_units() -> None:
    assert parse_size("2GiB") == 2 * 2**30 and parse_size("500MB") == 500 * 10**6 and parse_size(4096) == 4096
