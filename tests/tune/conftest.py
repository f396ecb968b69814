"""Fixtures for the tuning tests: study files on tiny trials, and a throwaway PostgreSQL server."""

from __future__ import annotations

import glob
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).parent
TINY = HERE / "tiny_experiment.py"


@pytest.fixture(autouse=True)
def _restore_library_logging() -> Iterator[None]:
    """``main()`` adds a handler on the captured stderr of its test at each call and leaves it there.

    Each test here starts without the handlers earlier tests left (whose streams are closed:
    writing to them prints "Logging error" tracebacks), and the logger is restored after it.
    """
    library = logging.getLogger("nnrecipe")
    handlers, propagate, level = list(library.handlers), library.propagate, library.level
    library.handlers[:] = []
    yield
    library.handlers[:] = handlers
    library.propagate, library.level = propagate, level


@pytest.fixture
def tiny_experiment() -> Path:
    return TINY


@pytest.fixture
def write_study(tmp_path: Path) -> Callable[..., Path]:
    """Write a study YAML file on the tiny digits experiment; keyword arguments replace keys."""

    def write(**changes: Any) -> Path:
        raw: dict[str, Any] = {
            "name": "tiny",
            "experiment": str(TINY),
            "goal": {"metric": "val_accuracy", "direction": "maximize"},
            "scientific": {"optimizer": {"choices": ["adam", "sgd"]}},
            "nuisance": {
                "adam_lr": {"hparam": "lr", "log": [1e-3, 1e-1], "when": {"optimizer": "adam"}},
                "sgd_lr": {"hparam": "lr", "log": [1e-2, 1.0], "when": {"optimizer": "sgd"}},
            },
            "budget": {"trials": 4},
            "runs_dir": str(tmp_path / "runs"),
        }
        for key, value in changes.items():
            if value is None:
                raw.pop(key, None)
            else:
                raw[key] = value
        path = tmp_path / "study.yaml"
        path.write_text(yaml.safe_dump(raw))
        return path

    return write


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server in a temporary folder, run as the ``postgres`` user; its URL."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        pytest.skip("no PostgreSQL binaries (apt-get install postgresql); .ci/run installs them")
    bindir = Path(bins[-1]).parent
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = Path(tempfile.mkdtemp(prefix="nnrecipe-pg-"))
    if as_pg:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    subprocess.run([*as_pg, str(bindir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"], check=True, capture_output=True)
    opts = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*as_pg, str(bindir / "pg_ctl"), "-D", str(data / "db"), "-o", opts, "-l", str(data / "log"), "-w", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_pg, str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def wait_for() -> Callable[[Callable[[], bool], float, str], None]:
    """``wait_for(condition, timeout, what)``: poll until true, fail naming ``what``."""
    return _wait_for


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)
