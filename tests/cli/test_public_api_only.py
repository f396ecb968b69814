"""The CLI is a thin shell over the public API: it imports `nnrecipe` and its public namespaces only."""

import ast
from pathlib import Path

import pytest

import nnrecipe
from nnrecipe._cli.main import SUBCOMMANDS

CLI = Path(nnrecipe.__file__).parent / "_cli"
PUBLIC = {"nnrecipe", *(f"nnrecipe.{ns}" for ns in nnrecipe._NAMESPACES)}

# _check, _audit, _tune and _analyze import private modules until the change listed in the
# cli-input branch's report is applied; strict, so the mark cannot outlive it.
NOT_YET = pytest.mark.xfail(strict=True, reason="still imports private nnrecipe modules")


def private_imports(path: Path) -> list[str]:
    """The nnrecipe modules ``path`` imports that are not public (sibling CLI modules are fine)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level != 1:  # level 1: the CLI's own modules
            names = [node.module or "" if node.level == 0 else ".".join(filter(None, ["nnrecipe", node.module]))]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [n for n in names if n.split(".")[0] == "nnrecipe" and n not in PUBLIC]
    return found


@pytest.mark.parametrize(
    "module",
    ["main", "_common", *[f"_{name}" if name in ("fit", "demo", "report", "tune", "analyze", "check", "ensemble") else pytest.param(f"_{name}", marks=NOT_YET) for name in SUBCOMMANDS]],
)
def test_cli_modules_import_only_the_public_api(module: str) -> None:
    assert private_imports(CLI / f"{module}.py") == []
