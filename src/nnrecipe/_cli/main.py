"""Entry point: parse, dispatch to a subcommand module, turn errors into exit codes.

Exit codes: 0 success, 1 the run found problems (a failed check, an audit error),
2 bad usage or bad input. Tracebacks only with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from .._core._errors import NnrecipeError

# Each module defines `register(subparsers)`, which adds its parser and sets `func`.
SUBCOMMANDS = ("fit", "demo", "check", "audit", "tune", "analyze", "report")

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnrecipe",
        description="Disciplined neural-network training for PyTorch: audit, check, fit, tune.",
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"nnrecipe._cli._{name}")
        except ModuleNotFoundError as e:
            if e.name != f"nnrecipe._cli._{name}":
                raise
            continue  # a subcommand not built yet
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # The library logs what a user of the CLI wants to see (the model summary, resumes,
    # early stops) at INFO; the CLI shows it as plain lines.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    library = logging.getLogger("nnrecipe")
    library.setLevel(logging.DEBUG if args.debug else logging.INFO)
    library.addHandler(handler)
    library.propagate = False
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted; the last checkpoint and logs are kept", file=sys.stderr)
        return 130
    except (NnrecipeError, ValueError, TypeError, FileNotFoundError, ImportError) as e:
        if args.debug:
            raise
        print(f"nnrecipe {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
