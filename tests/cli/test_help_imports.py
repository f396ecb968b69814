"""`nnrecipe --help`, `nnrecipe <cmd> --help` and argument errors import no heavy library.

Each subcommand module registers its parser with light imports and imports torch, Optuna,
matplotlib... inside its `run`. Checked in fresh processes (this one has torch loaded);
no timing is asserted: what is imported decides the time.
"""

import re
import subprocess
import sys

from nnrecipe._cli.main import SUBCOMMANDS

HEAVY = ("torch", "numpy", "optuna", "matplotlib", "scipy", "sklearn", "pandas", "safetensors", "tensorboard", "faiss", "cleanlab")


def heavy_in(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; the heavy packages it printed as imported."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return proc.stdout.split()


def test_importing_nnrecipe_and_its_config_and_errors_is_light() -> None:
    code = f"import sys, nnrecipe; nnrecipe.TrainConfig(lr=1e-3); nnrecipe.ConfigError; print(*[m for m in {HEAVY!r} if m in sys.modules])"
    assert heavy_in(code) == []


def test_fit_demo_and_ensemble_register_their_parsers_with_light_imports() -> None:
    code = (
        "import argparse, sys\n"
        "from nnrecipe._cli import _demo, _ensemble, _fit, main\n"
        "sub = argparse.ArgumentParser(prog='nnrecipe').add_subparsers()\n"
        "_fit.register(sub); _demo.register(sub); _ensemble.register(sub)\n"
        "[p.format_help() for p in sub.choices.values()]\n"
        f"print(*[m for m in {HEAVY!r} if m in sys.modules])"
    )
    assert heavy_in(code) == []


def test_every_help_and_an_argument_error_import_nothing_heavy() -> None:
    runs = [["--help"], *[[name, "--help"] for name in SUBCOMMANDS], ["fit", "--no-such-flag"]]
    code = (
        "import contextlib, io, sys\n"
        "from nnrecipe._cli.main import main\n"
        f"for argv in {runs!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit as e:\n"
        "            assert e.code == (2 if '--no-such-flag' in argv else 0), (argv, e.code)\n"
        f"print(*[m for m in {HEAVY!r} if m in sys.modules])"
    )
    assert heavy_in(code) == []


def test_python_m_nnrecipe_help_imports_no_torch() -> None:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "nnrecipe", "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "usage: nnrecipe" in proc.stdout
    imported = {m.group(1).split(".")[0] for m in re.finditer(r"^import time:.*\|\s*(\S+)$", proc.stderr, re.MULTILINE)}
    assert "nnrecipe" in imported and sorted(imported & set(HEAVY)) == []
