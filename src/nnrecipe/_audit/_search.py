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
from ._join import EXACT_MAX, ExactJoin, Hits, Join
from ._neighbors import NearestTable, Representation, calibrated_threshold
from ._progress import Tracker
from ._scan import Scan
from ._threads import faiss_one_thread_each

__all__ = ["Neighbourhood", "search"]

_MIN_K = 5  # neighbours per query without label votes: enough to pass a few identical copies


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


def _join(scan: Scan, rep: Representation, budget: Budget, seed: int) -> Join:
    finite = int(scan.finite.sum())
    if finite <= EXACT_MAX:
        return ExactJoin(scan.tag, budget)
    # Only a large split embeds its sample twice: k-means learns the cells from it.
    sample = rep.transform(scan.sample.X) if scan.sample.X is not None else np.zeros((0, 1), np.float32)
    fits = finite * sample.shape[1] * 4 <= budget.share(0.3)
    return CellJoin(scan.tag, budget, sample, finite, vectors=np.float32 if fits else np.float16, seed=seed)


def search(
    scans: Sequence[Scan],
    rep: Representation,
    budget: Budget,
    tracker: Tracker,
    *,
    votes: Callable[[Hits], None] | None = None,
    k: int = _MIN_K,
    seed: int = 0,
) -> Neighbourhood:
    """Embed every split (second pass), join, and return the nearest-neighbour tables.

    Args:
        scans: The splits, train first, after their first pass.
        rep: The representation fitted on train.
        budget: Memory budget and temporary folder.
        tracker: Progress.
        votes: Receives train's neighbours of every labelled query (the label baseline).
        k: Neighbours per query.
        seed: Seed of k-means.
    """
    with faiss_one_thread_each():
        return _search(scans, rep, budget, tracker, votes, k, seed)


def _search(
    scans: Sequence[Scan], rep: Representation, budget: Budget, tracker: Tracker,
    votes: Callable[[Hits], None] | None, k: int, seed: int,
) -> Neighbourhood:
    train = scans[0]
    joins = {s.name: _join(s, rep, budget, seed) for s in scans if s.finite.sum() >= 2}
    try:
        with tracker.phase("representation", sum(s.rows for s in scans)):
            scales = [_embed(s, rep, budget, [j for n, j in joins.items() if n in (s.name, train.name)], tracker) for s in scans]
        dim, size = scales[0]
        within = {s.name: NearestTable(s.rows) for s in scans}
        to_train = {s.name: NearestTable(s.rows) for s in scans[1:]}
        for t in (*within.values(), *to_train.values()):
            t.tie = 1e-5 * size  # float rounding of identical inputs, far below any real distance

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
                    joins[s.name].run(_MIN_K, own_sink)
            finite = within[train.name].dist[np.isfinite(within[train.name].dist)]
            threshold = calibrated_threshold(finite)
            for name, j in joins.items():
                j.run_boundaries(threshold, train_sink if name == train.name else own_sink)
    finally:
        for j in joins.values():
            j.close()
    for s in scans:
        within[s.name].mark_unsearched(s.finite)
        if s.name in to_train:
            to_train[s.name].mark_unsearched(s.finite)
    return Neighbourhood(
        within=within, to_train=to_train, threshold=threshold,
        median_nearest=float(np.median(finite)) if len(finite) else float("nan"),
        dim=dim, index=joins[train.name].kind if train.name in joins else "none",
    )


def _embed(s: Scan, rep: Representation, budget: Budget, joins: list[Join], tracker: Tracker) -> tuple[int, float]:
    """Read the split again and add its finite rows' vectors to the joins it belongs to.

    Returns:
        The vectors' width and typical length (root mean square norm of the first chunk).
    """
    row = 0
    dim, size = 0, 0.0
    for chunk in s.source.chunks(budget.chunk_rows(s.source.width)):
        rows = np.arange(row, row + len(chunk.index), dtype=np.int64)
        if not np.array_equal(s.index[rows], chunk.index):
            raise DataError(
                f"{s.name}: the data returned different examples on a second read (first at position "
                f"{int(chunk.index[0])}); the audit reads twice: make the Dataset deterministic (no random "
                "augmentation) and its length fixed."
            )
        ok = s.finite[rows]
        if ok.any():
            Z = rep.transform(chunk.X[ok])
            if not dim:
                dim, size = Z.shape[1], float(np.sqrt(np.mean(np.einsum("ij,ij->i", Z, Z))))
            for j in joins:
                j.add(s.tag, rows[ok], Z)
        row += len(rows)
        tracker.advance(len(rows))
    return dim, size
