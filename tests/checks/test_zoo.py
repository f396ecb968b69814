"""The bug zoo as tests: each bug fails the check meant for it, and its clean twin does not.

The zoo lives in ``benchmarks/zoo`` (one family per file); ``benchmarks/bug_zoo.py`` runs the
full checks and the audit on every twin and prints the scoreboard. Here each twin runs only
its intended check (or the audit), to keep the suite fast.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nnrecipe import audit, check
from nnrecipe.checking import select_checks

ZOO = Path(__file__).resolve().parents[2] / "benchmarks" / "zoo"


def _families():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("nnrecipe_bug_zoo", ZOO / "__init__.py", submodule_search_locations=[str(ZOO)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["nnrecipe_bug_zoo"] = module
    spec.loader.exec_module(module)
    return module.load_families()


FAMILIES = _families()
TWINS = [pytest.param(True, id="bug"), pytest.param(False, id="clean")]


def _marks(family):  # type: ignore[no-untyped-def]
    marks = [] if family.fast else [pytest.mark.slow]
    if family.needs:
        marks.append(pytest.mark.xfail(reason=f"needs {family.needs}", strict=False))
    return marks


def test_the_zoo_is_large_and_varied():
    assert len(FAMILIES) >= 40
    assert {f.domain for f in FAMILIES} == {"classification", "binary", "regression", "sequence classification",
                                            "next-token", "images"}


@pytest.mark.parametrize("buggy", TWINS)
@pytest.mark.parametrize("family", [pytest.param(f, id=f.name, marks=_marks(f)) for f in FAMILIES if not f.is_audit])
def test_the_intended_check_fails_on_the_bug_only(family, buggy):
    case = family.build(buggy)
    result = check(case.model, case.train, case.loss, val=case.val, config=case.config, options=case.options,
                   checks=select_checks(only=[family.intended]))[family.intended]
    assert (result.status == "fail") == buggy, f"{family.intended}: {result.status}: {result.measured}"


@pytest.mark.parametrize("buggy", TWINS)
@pytest.mark.parametrize("family", [pytest.param(f, id=f.name, marks=_marks(f)) for f in FAMILIES if f.is_audit])
def test_the_intended_audit_finding_is_an_error_on_the_bug_only(family, buggy):
    case = family.build(buggy)
    report = audit(tuple(t.numpy() for t in case.train), val=tuple(t.numpy() for t in case.val), config=case.audit_config)
    errors = [f.kind for f in report.findings if f.severity == "error"]
    assert family.hit([], errors) == buggy, errors
    if not buggy:
        assert errors == [], errors
