"""``nnrecipe report``: one self-contained HTML page of runs, checks, audits and studies."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nnrecipe

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="write one offline HTML page: what is wrong, the audit, the checks, training curves, tuning, the ensemble",
        description="Write one self-contained HTML page (it loads nothing and opens from disk) with what is "
        "wrong first, then the audit, the checks, the training curves, the tuning analyses and the ensemble. "
        "Give a run folder, a folder of runs (runs/), a study file, a study's storage URL or journal file, an "
        "ensemble.json, or several (an ensemble.json next to the runs or a study's trials is found). "
        "Parts that cannot be read are named in the page and here; exit code 2 when nothing can be shown.",
    )
    p.add_argument("sources", nargs="+", metavar="RUN_OR_STUDY_OR_FOLDER", help="what to report on")
    p.add_argument("-o", "--output", metavar="FILE", help="the page to write (default: report.html in the folder given, else here)")
    p.add_argument("--storage", metavar="URL", help="storage URL for study files (default: the study file's)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    result = nnrecipe.report(*args.sources, storage=args.storage)
    if result.empty:
        print(f"nnrecipe report: error: {result.explain_empty()}", file=sys.stderr)
        return 2
    for m in result.missing:
        print(f"not shown: {m.what}: {m.reason}", file=sys.stderr)
    first = Path(args.sources[0])
    out = Path(args.output) if args.output else (first / "report.html" if first.is_dir() else Path("report.html"))
    path = result.write(out)
    size = path.stat().st_size
    Console(soft_wrap=True).print(
        f"wrote {path} ({size / 1e6:.2f} MB, {len(result.sections)} sections): {result.summary.verdict}", markup=False, highlight=False
    )
    return 0
