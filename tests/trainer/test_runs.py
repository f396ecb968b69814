"""Run folders: the default parent is the latest run with exactly the same name."""

import os
from pathlib import Path

from nnrecipe._train._runs import create_run_dir, find_parent, write_run_config


def run(runs: Path, name: str, mtime: float) -> Path:
    path = create_run_dir(runs, name)
    write_run_config(path, {"lr": 1.0}, {"name": name}, None)
    os.utime(path / "config.json", (mtime, mtime))
    return path


def test_parent_is_the_latest_run_of_exactly_the_same_name(tmp_path: Path) -> None:
    old = run(tmp_path, "tiny", 1000)
    run(tmp_path, "tiny-wide", 3000)  # newer, but another experiment
    run(tmp_path, "tiny2", 4000)
    new = run(tmp_path, "tiny", 2000)
    current = create_run_dir(tmp_path, "tiny")
    assert find_parent(tmp_path, "tiny", exclude=current) == new
    assert find_parent(tmp_path, "tiny-wide", exclude=current).name.startswith("tiny-wide-")
    assert find_parent(tmp_path, "tin", exclude=current) is None
    assert old != new


def test_names_are_made_safe_before_matching(tmp_path: Path) -> None:
    first = run(tmp_path, "my run/v2", 1000)
    assert first.parent == tmp_path and first.name.startswith("my-run-v2-")
    assert find_parent(tmp_path, "my run/v2", exclude=create_run_dir(tmp_path, "my run/v2")) == first
