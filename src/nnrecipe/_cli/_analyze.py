"""``nnrecipe analyze``: the playbook's analyses of a study, as text and PNG figures."""

from __future__ import annotations

import argparse

import nnrecipe


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "analyze",
        help="analyse a study: isolation and axis plots, enough trials?, curves, how long to train, adoption",
        description="Compute the Deep Learning Tuning Playbook's analyses from a study's trials, print "
        "them and write PNG figures (default: into the study's runs folder). The study is read from its "
        "study file, or from its storage alone (a URL, or a .journal / .db file), which keeps the study's "
        "definition.",
    )
    p.add_argument("study", metavar="STUDY", help="study file (.yaml, .py), storage URL (postgresql://..., sqlite:///..., journal:///...) or .journal / .db file")
    p.add_argument("--storage", metavar="URL", help="storage URL (default: the study file's, else its journal file)")
    p.add_argument("--study-name", metavar="NAME", help="which study of a storage holding several")
    p.add_argument("--plots", metavar="DIR", help="folder for the PNG figures (default: RUNS/STUDY/analysis)")
    p.add_argument("--no-plots", action="store_true", help="text only")
    p.add_argument("--test", action="store_true", help="also evaluate the test split, once, on the best trial's best checkpoint")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from nnrecipe.tuning import final_test, render_text, save_plots

    console = Console(soft_wrap=True)  # long findings stay one line each, as in a log
    analysis = nnrecipe.analyze(args.study, storage=args.storage, name=args.study_name)
    console.print(render_text(analysis), markup=False, highlight=False)
    if args.test:
        console.print(final_test(analysis.study, storage=args.storage).message, markup=False, highlight=False)
    if not args.no_plots:
        for path in save_plots(analysis, args.plots):
            console.print(f"wrote {path}", markup=False, highlight=False)
    return 0
