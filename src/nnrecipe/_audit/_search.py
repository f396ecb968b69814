"""The second pass and the neighbour search: embed every split chunk by chunk, join, and keep
each example's nearest neighbour (and the label votes).

Train is joined with itself and with val and test (their rows query train's index); val
and test are also joined with themselves for their own near duplicates. A split of up to
``EXACT_MAX`` rows is searched exactly in memory, a larger one through cells
(``_cells``), whose lists move to disk when they outgrow the budget.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from .._core._errors import DataError
from ._budget import Budget
from ._cells import CellJoin
from ._duplicates import Copies
from ._join import EXACT_MAX, ExactJoin, Hits, Join
from ._neighbors import NearestTable, Representation, calibrated_threshold
from ._progress import Tracker
from ._scan import Scan
from ._threads import one_thread_per_call

__all__ = ["Neighbourhood", "search"]


@dataclasses.dataclass
class Neighbourhood:
    """What the neighbour search found.

    Attributes:
        within: Per split, each row's nearest non-identical row of the same split.
        to_train: Per val/test split, each row's nearest non-identical training row.
        threshold: The near-duplicate distance, calibrated on train.
        median_nearest: The median nearest distance in train.
        dim: Width of the representation.
        index: The train index, in words.
    """

    within: dict[str, NearestTable]
    to_train: dict[str, NearestTable]
    threshold: float
    median_nearest: float
    dim: int
    index: str


def _join(scan: Scan, rep: Representation, budget: Budget, copies: Copies, queries: int, seed: int) -> Join:
    finite = int((scan.finite & ~copies.skipped(scan.name, scan.rows)).sum())
    if finite <= EXACT_MAX:
        return ExactJoin(scan.tag, budget)
    # Only a large split embeds its sample twice: k-means learns the cells from it.
    sample = rep.transform(scan.sample.X) if scan.sample.X is not None else np.zeros((0, 1), np.float32)
    fits = (finite + queries) * sample.shape[1] * 4 <= budget.share(0.1)
    vectors = np.float32 if fits else np.float16
    return CellJoin(scan.tag, budget, sample, finite, vectors=vectors, queries=queries, seed=seed)


def search(
    scans: Sequence[Scan],
    rep: Representation,
    budget: Budget,
    tracker: Tracker,
    copies: Copies,
    *,
    votes: Callable[[Hits], None] | None = None,
    k: int = 1,
    seed: int = 0,
) -> Neighbourhood:
    """Embed every split (second pass), join, and return the nearest-neighbour tables.

    Args:
        scans: The splits, train first, after their first pass.
        rep: The representation fitted on train.
        budget: Memory budget and temporary folder.
        tracker: Progress.
        copies: Identical rows: each value is searched once.
        votes: Receives train's neighbours (and vectors) of every labelled query (the label
            baselines).
        k: Neighbours per query (1 without votes).
        seed: Seed of k-means.
    """
    with one_thread_per_call():
        return _search(scans, rep, budget, tracker, copies, votes, k, seed)


def _search(
    scans: Sequence[Scan], rep: Representation, budget: Budget, tracker: Tracker, copies: Copies,
    votes: Callable[[Hits], None] | None, k: int, seed: int,
) -> Neighbourhood:
    train = scans[0]
    others = sum(s.rows for s in scans[1:])  # val and test rows query train's index
    joins = {s.name: _join(s, rep, budget, copies, others if s is train else 0, seed) for s in scans if s.finite.sum() >= 2}
    try:
        with tracker.phase("representation", sum(s.rows for s in scans)):
            dims = [_embed(s, rep, budget, joins.get(s.name), None if s is train else joins.get(train.name), copies, tracker) for s in scans]
        dim = dims[0]
        within = {s.name: NearestTable(s.rows) for s in scans}
        to_train = {s.name: NearestTable(s.rows) for s in scans[1:]}

        def train_sink(h: Hits) -> None:
            (within if h.tag == train.tag else to_train)[scans[h.tag].name].update(h)
            if votes is not None:
                votes(h)
            if h.home:
                tracker.advance(len(h.rows))

        def own_sink(h: Hits) -> None:
            within[scans[h.tag].name].update(h)
            if h.home:
                tracker.advance(len(h.rows))

        with tracker.phase("neighbours", sum(s.rows for s in scans) + sum(s.rows for s in scans[1:])):
            if train.name in joins:
                joins[train.name].run(k, train_sink)
            for s in scans[1:]:
                if s.name in joins:
                    joins[s.name].run(1, own_sink)
            finite = within[train.name].dist[np.isfinite(within[train.name].dist)]
            threshold = calibrated_threshold(finite)
            for name, j in joins.items():
                j.run_boundaries(threshold, train_sink if name == train.name else own_sink)
    finally:
        for j in joins.values():
            j.close()
    for s in scans:
        if s.name in copies.copy:
            within[s.name].copy_from(*copies.copy[s.name])
            if s.name in to_train:
                to_train[s.name].copy_from(*copies.copy[s.name])
        within[s.name].mark_unsearched(s.finite)
        if s.name in to_train:
            to_train[s.name].mark_unsearched(s.finite)
    return Neighbourhood(
        within=within, to_train=to_train, threshold=threshold,
        median_nearest=float(np.median(finite)) if len(finite) else float("nan"),
        dim=dim, index=joins[train.name].kind if train.name in joins else "none",
    )


def _embed(
    s: Scan, rep: Representation, budget: Budget, own: Join | None, train: Join | None, copies: Copies, tracker: Tracker
) -> int:
    """Read the split again and add its rows' vectors to its own join and to train's.

    Non-finite rows and identical copies are left out (copies of a training row also from
    the search among training rows).

    Returns:
        The vectors' width.
    """
    row, dim = 0, 0
    mine = s.finite & ~copies.skipped(s.name, s.rows)
    cross = s.finite & ~copies.skipped(s.name, s.rows, cross=True)
    for chunk in s.source.chunks(budget.chunk_rows(s.source.width)):
        rows = np.arange(row, row + len(chunk.index), dtype=np.int64)
        if not np.array_equal(s.index[rows], chunk.index):
            raise DataError(
                f"{s.name}: the data returned different examples on a second read (first at position "
                f"{int(chunk.index[0])}); the audit reads twice: make the Dataset deterministic (no random "
                "augmentation) and its length fixed."
            )
        ok = mine[rows] | cross[rows]
        if ok.any():
            Z = rep.transform(chunk.X[ok])
            dim = Z.shape[1]
            kept = rows[ok]
            if own is not None:
                at = mine[kept]
                own.add(s.tag, kept[at], Z[at])
            if train is not None:
                at = cross[kept]
                train.add(s.tag, kept[at], Z[at])
        row += len(rows)
        tracker.advance(len(rows))
    return dim
