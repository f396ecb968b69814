"""Entry point: parse, dispatch to a subcommand module, turn errors into exit codes.

Exit codes:
    0: success.
    1: the run found problems (a failed check, an audit error, a diverged run), the run
       failed (:class:`~nnrecipe.RunError`, a full or read-only disk), or an unexpected
       error: a one-line message names it and ``--debug`` shows the traceback.
    2: the user's input was wrong, and only nnrecipe's own validation says so: an argparse
       error, a :class:`~nnrecipe.ConfigError`, :class:`~nnrecipe.DataError` or
       :class:`~nnrecipe.CheckpointError`. A ``ValueError`` from anywhere else is not proof
       of bad input: it may be a bug, and is reported as one (exit 1).

Under ``torchrun`` only ``fit`` trains in many processes: every other command is a
single-process tool that runs on rank 0 alone while the other ranks exit at once (0), and
only rank 0 prints the library's progress lines.

Parsing imports no heavy library: each subcommand module registers its parser with
light imports only and imports torch and the rest inside its ``run``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import sys
from collections.abc import Iterator, Sequence

from nnrecipe import CheckpointError, ConfigError, DataError, NnrecipeError, distributed

# Each module defines `register(subparsers)`, which adds its parser and sets `func`.
SUBCOMMANDS = ("fit", "demo", "check", "audit", "tune", "analyze", "ensemble", "report")

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

# The commands whose processes train together under torchrun; the others run on rank 0 alone.
MANY_PROCESSES = ("fit",)

# The errors that mean "your input was wrong" (exit 2); every other one is exit 1.
BAD_INPUT: tuple[type[Exception], ...] = (ConfigError, DataError, CheckpointError)

_DEBUG_HINT = "(run with --debug for the traceback)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnrecipe",
        description="Disciplined neural-network training for PyTorch: audit, check, fit, tune.",
        epilog="Exit codes: 0 success; 1 problems found, the run failed, or an unexpected error; "
        "2 bad usage or bad input (the message names the fix).",
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


def exit_status(error: Exception) -> tuple[int, str]:
    """The exit code and the one message a failed command prints for ``error``.

    Example:
        >>> exit_status(ConfigError("lr must be > 0"))
        (2, 'error: lr must be > 0')
        >>> exit_status(KeyError("x"))
        (1, "internal error: KeyError: 'x' (run with --debug for the traceback)")
    """
    if isinstance(error, BAD_INPUT):
        return EXIT_USAGE, f"error: {error}"
    if isinstance(error, NnrecipeError):
        return EXIT_PROBLEMS, f"error: {error}"
    first_line = next(iter(str(error).splitlines()), "")
    named = f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
    if isinstance(error, OSError):  # the machine refused (disk full, permissions): not a bug
        return EXIT_PROBLEMS, f"error: {named} {_DEBUG_HINT}"
    return EXIT_PROBLEMS, f"internal error: {named} {_DEBUG_HINT}"


class _CliHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Plain lines on whatever ``sys.stderr`` is when a record is written (never a stale,
    closed stream), installed by `main` for the length of one command."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    @property  # type: ignore[override]
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        del value  # always the current sys.stderr


@contextlib.contextmanager
def _cli_logging(debug: bool) -> Iterator[None]:
    """Show the library's INFO lines (the model summary, resumes, early stops) as plain lines
    while a command runs, and put the logger back as it was afterwards."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    library = logging.getLogger("nnrecipe")
    before = (library.level, library.propagate)
    handler = _CliHandler()
    library.setLevel(logging.DEBUG if debug else logging.INFO)
    library.addHandler(handler)
    library.propagate = False
    try:
        yield
    finally:
        library.removeHandler(handler)
        library.setLevel(before[0])
        library.propagate = before[1]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # usage errors exit 2 here, from argparse
    with _cli_logging(args.debug):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        here = distributed.world()
        if here.size > 1 and args.command not in MANY_PROCESSES:
            if not here.is_main:
                print(f"nnrecipe {args.command}: a single-process tool, run by rank 0 alone; rank {here.rank} has nothing to do", file=sys.stderr)
                return EXIT_OK
            distributed.alone()
        if not here.is_main:
            logging.getLogger("nnrecipe").setLevel(logging.WARNING)  # rank 0 tells the story
        code = int(args.func(args))
        distributed.leave(together=True)  # every process got here: none leaves while a peer still talks
        return code
    except KeyboardInterrupt:
        print("interrupted; the last checkpoint and logs are kept", file=sys.stderr)
        return 130
    except Exception as e:
        if args.debug:
            raise
        code, message = exit_status(e)
        print(f"nnrecipe {args.command}: {message}", file=sys.stderr)
        return code
    finally:
        distributed.leave()  # the process group this command formed, if any


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
