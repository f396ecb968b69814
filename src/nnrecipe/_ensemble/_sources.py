"""From what the user names (a study, a storage, a folder of runs, run folders) to run folders.

A study (its file, its storage URL, its journal or SQLite file, or its folder holding
``study.journal``) gives its finished trials; its infeasible, failed and running trials
are listed as left out. A run folder gives itself; a folder of runs gives every run folder
and study folder directly inside it.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from .._core._errors import ConfigError
from .._tune._records import records_of
from .._tune._stored import STORAGE_SUFFIXES, STUDY_FILE_SUFFIXES, resolve_study
from .._tune._study import Study
from .._tune._tuning import connect, storage_url_of
from ._result import Excluded

__all__ = ["Candidate", "Source", "collect_runs"]

Source = str | os.PathLike[str] | Study
RUN_MARK = "config.json"
JOURNAL = "study.journal"


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A run folder that may join the library, with a short label (``trial 7`` or its folder name)."""

    run_dir: Path
    label: str


def collect_runs(sources: tuple[Source, ...], *, storage: str | None = None, study_name: str | None = None) -> tuple[list[Candidate], list[Excluded]]:
    """The run folders behind ``sources`` (each once, in order) and the trials left out.

    Raises:
        ConfigError: A source that does not exist or holds no run and no study.
    """
    found: list[Candidate] = []
    excluded: list[Excluded] = []
    for source in sources:
        runs, left = _expand(source, storage, study_name)
        found += runs
        excluded += left
    seen: set[Path] = set()
    unique = []
    for c in found:
        key = c.run_dir.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return unique, excluded


def _expand(source: Source, storage: str | None, study_name: str | None) -> tuple[list[Candidate], list[Excluded]]:
    if isinstance(source, Study):
        return _study(source, storage, study_name)
    text = os.fspath(source)
    if "://" in text:
        return _study(text, storage, study_name)
    path = Path(text)
    if path.is_file():
        if path.suffix in STUDY_FILE_SUFFIXES or path.suffix in STORAGE_SUFFIXES:
            return _study(path, storage, study_name)
        if path.name == RUN_MARK:
            return [Candidate(path.parent, path.parent.name)], []
        raise ConfigError(f"{text!r} is not a study file ({', '.join(STUDY_FILE_SUFFIXES)}), a storage file or a run folder; {_WHAT}")
    if not path.is_dir():
        raise ConfigError(f"{text!r} does not exist; {_WHAT}")
    if (path / RUN_MARK).is_file():
        return [Candidate(path, path.name)], []
    if (path / JOURNAL).is_file():
        return _study(path / JOURNAL, storage, study_name)
    runs: list[Candidate] = []
    excluded: list[Excluded] = []
    for child in sorted(c for c in path.iterdir() if c.is_dir() and not c.name.startswith(".")):
        if (child / RUN_MARK).is_file():
            runs.append(Candidate(child, child.name))
        elif (child / JOURNAL).is_file():
            more, left = _study(child / JOURNAL, storage, study_name)
            runs += more
            excluded += left
    if not runs and not excluded:
        raise ConfigError(f"{text!r} holds no run folder ({RUN_MARK}) and no study ({JOURNAL}), in it or directly below it; {_WHAT}")
    return runs, excluded


_WHAT = "pass a study file, a study's storage (URL, .journal or .db file), a folder of runs, or run folders"


def _study(source: Study | str | Path, storage: str | None, study_name: str | None) -> tuple[list[Candidate], list[Excluded]]:
    study, url = resolve_study(source, storage=storage, name=study_name)
    records = records_of(connect(study, storage_url_of(study, url), create=False))
    if not records:
        raise ConfigError(f"study {study.name!r} has no trials yet; run `nnrecipe tune` first")
    runs: list[Candidate] = []
    excluded: list[Excluded] = []
    for r in records:
        label = f"trial {r.number}"
        if r.outcome == "complete" and r.run_dir:
            runs.append(Candidate(_resolved(r.run_dir), label))
        elif r.outcome != "failed" or not r.retried:  # a retried failure was re-run: the re-run speaks for it
            excluded.append(Excluded(label, f"{r.outcome}" + (f": {r.error}" if r.error else "")))
    return runs, excluded


def _resolved(run_dir: str) -> Path:
    # Trials record their folder as the worker saw it: absolute for study files, maybe relative for Python studies.
    path = Path(run_dir)
    return path if path.is_absolute() else Path.cwd() / path

