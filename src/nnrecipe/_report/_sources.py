"""What a report is made of: turning paths and results into sections, or saying why not.

A run folder gives its training curves; an audit or check folder its section; a study file,
a study's storage or its folder the tuning section; a folder of those gives all of them. An
``ensemble.json`` (``nnrecipe ensemble`` saves it in the folder the runs share: a study's
folder, or the runs folder) gives the ensemble section, found in any folder searched, next
to a study file's runs, or named directly. Results held in memory (an ``AuditReport``, a
``CheckReport``, an ``Analysis``, an ``EnsembleResult``) give their section directly. Anything unreadable becomes a :class:`Missing` with the reason, and the
other sections are still built.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from .._audit._report import AuditReport
from .._checks._result import CheckReport, CheckResult
from .._ensemble._result import ENSEMBLE_FILE, EnsembleResult
from .._tune._analysis import Analysis, analyze
from .._tune._storage import study_folder
from .._tune._study import Study
from .._tune._study_file import load_study
from ._audit_section import audit_section
from ._checks_section import checks_section
from ._ensemble_section import ensemble_section, read_ensemble
from ._run_diagnostics import diagnostics_sections, reference_of
from ._section import Missing, Section
from ._study_storage import studies_in_storage
from ._training_section import TrainingSection, training_section
from ._tuning_section import tuning_section

__all__ = ["MAX_RUNS", "Collected", "Source", "collect"]

Source = str | os.PathLike[str] | AuditReport | CheckReport | Analysis | Study | EnsembleResult
MAX_RUNS = 12  # fit runs drawn from one folder, newest first
_SCAN_DEPTH = 2  # folders below the given one searched for runs
_STUDY_SUFFIXES = (".yaml", ".yml", ".py")
_SCHEMES = ("journal:", "sqlite:", "postgresql:", "postgresql+", "mysql:", "mysql+")
_READ_ERRORS = (OSError, ValueError, TypeError, KeyError, IndexError, ImportError)


@dataclasses.dataclass
class Collected:
    """Sections in the recipe's order (audit, checks, training, tuning, ensemble) and what is missing.

    ``ensemble_files``: every ensemble file met (read or not), so that one found twice (in a
    runs folder and next to a study file) is reported once.
    """

    audits: list[Section] = dataclasses.field(default_factory=list)
    checks: list[Section] = dataclasses.field(default_factory=list)
    runs: list[Section] = dataclasses.field(default_factory=list)
    studies: list[Section] = dataclasses.field(default_factory=list)
    ensembles: list[Section] = dataclasses.field(default_factory=list)
    missing: list[Missing] = dataclasses.field(default_factory=list)
    ensemble_files: set[Path] = dataclasses.field(default_factory=set)

    def sections(self) -> list[Section]:
        return [*self.audits, *self.checks, *self.runs, *self.studies, *self.ensembles]


def collect(sources: list[Source], *, storage: str | None = None) -> Collected:
    """Build every section the sources allow; what cannot be built is listed in ``missing``."""
    out = Collected()
    for source in sources:
        _add(source, out, storage)
    trained = [s for s in out.runs if isinstance(s, TrainingSection)]
    if trained and len(trained) == len(out.runs):
        out.missing.append(Missing(
            "prediction dynamics, weights and activations, interpretation (confusion matrix, top losses)",
            f"none of the {len(trained)} run folder(s) holds diagnostics: they were trained with diagnostics=False "
            "(--no-diagnostics) or by an older nnrecipe; train again to see them", failed=False,
        ))
    if out.studies and not out.ensemble_files:
        out.missing.append(Missing("ensemble", f"no {ENSEMBLE_FILE} in the folders of the studies reported here; run "
                                               "`nnrecipe ensemble STUDY`, then report again", failed=False))
    return out


def _add(source: Source, out: Collected, storage: str | None) -> None:
    if isinstance(source, AuditReport):
        out.audits.append(audit_section(source))
    elif isinstance(source, CheckReport):
        out.checks.append(checks_section(source))
    elif isinstance(source, EnsembleResult):
        try:
            out.ensembles.append(ensemble_section(source))
        except ValueError as e:
            out.missing.append(Missing(f"ensemble of {', '.join(source.sources)}", str(e)))
    elif isinstance(source, Analysis):
        _tuning(lambda: source, f"tuning of study {source.study.name!r}", out)
        _study_ensemble(source.study, out)
    elif isinstance(source, Study):
        _tuning(lambda: analyze(source, storage=storage), f"tuning of study {source.name!r}", out)
        _study_ensemble(source, out)
    elif isinstance(source, (str, os.PathLike)):
        text = os.fspath(source)
        if text.startswith(_SCHEMES):
            _storage(text, out)
        else:
            _path(Path(text), out, storage)
    else:
        raise TypeError(
            f"cannot report on a {type(source).__name__}; pass a path (run folder, runs folder, study file, "
            f"storage URL, ensemble.json), an AuditReport, a CheckReport, an Analysis, a Study or an EnsembleResult"
        )


def _tuning(make: Any, what: str, out: Collected, notes: tuple[str, ...] = ()) -> None:
    try:
        out.studies.append(tuning_section(make(), notes=notes))
    except _READ_ERRORS as e:
        out.missing.append(Missing(what, str(e)))


def _storage(url: str, out: Collected) -> None:
    try:
        studies = studies_in_storage(url)
    except _READ_ERRORS as e:
        out.missing.append(Missing(f"tuning from {url}", str(e)))
        return
    if not studies:
        out.missing.append(Missing(f"tuning from {url}", "the storage holds no study; run `nnrecipe tune` first"))
    for study, note in studies:
        _tuning(lambda s=study: analyze(s, storage=url), f"tuning of study {study.name!r}", out, (note,) if note else ())


def _path(path: Path, out: Collected, storage: str | None) -> None:
    if not path.exists():
        out.missing.append(Missing(str(path), "does not exist; pass a run folder, a folder of runs, a study file or a storage URL"))
    elif path.is_file():
        _file(path, out, storage)
    elif not _folder(path, out, storage, _SCAN_DEPTH):
        out.missing.append(Missing(str(path), "holds nothing to report: no audit.json, check.json, config.json, metrics.jsonl, "
                                              f"study.journal or {ENSEMBLE_FILE} in it or its sub-folders; pass a folder written by nnrecipe"))


def _file(path: Path, out: Collected, storage: str | None) -> None:
    if path.suffix in _STUDY_SUFFIXES:
        try:
            study = load_study(path)
        except _READ_ERRORS as e:
            out.missing.append(Missing(f"tuning of study file {path}", str(e)))
            return
        _tuning(lambda: analyze(study, storage=storage), f"tuning of study file {path}", out)
        _study_ensemble(study, out)
    elif path.suffix == ".journal":
        _storage(f"journal:///{path.resolve().as_posix().lstrip('/')}", out)
        _ensemble_in(path.parent, out)
    elif path.suffix in (".db", ".sqlite", ".sqlite3"):
        _storage(f"sqlite:///{path.resolve()}", out)
    elif path.name in ("audit.json", "check.json", "config.json", "metrics.jsonl", "result.json"):
        _path(path.parent, out, storage)
    elif path.suffix == ".json":  # ensemble.json, or an ensemble saved under another name (-o)
        _ensemble(path, out)
    else:
        out.missing.append(Missing(str(path), "is not a study file (.yaml, .py), a storage (.journal, .db), an ensemble (.json) or "
                                              "a file nnrecipe writes; pass its folder or the study file"))


def _ensemble_in(folder: Path, out: Collected) -> bool:
    """Add the ensemble saved in ``folder``, if there is one."""
    if not (folder / ENSEMBLE_FILE).is_file():
        return False
    _ensemble(folder / ENSEMBLE_FILE, out)
    return True


def _study_ensemble(study: Study, out: Collected) -> None:
    """Add the ensemble saved in the study's folder (where ``nnrecipe ensemble STUDY`` saves it)."""
    try:
        folder = study_folder(study.runs_dir, study.name)
    except ValueError:  # a name with no character usable in a folder name: the study has no folder
        return
    _ensemble_in(folder, out)


def _ensemble(path: Path, out: Collected) -> None:
    key = path.resolve()
    if key in out.ensemble_files:
        return
    out.ensemble_files.add(key)
    try:
        out.ensembles.append(read_ensemble(path))
    except _READ_ERRORS as e:
        out.missing.append(Missing(f"ensemble {path}", _reason(e)))


def _kind(folder: Path) -> str | None:
    for marker, kind in (("audit.json", "audit"), ("check.json", "check"), ("study.journal", "study"),
                         ("config.json", "run"), ("metrics.jsonl", "run")):
        if (folder / marker).is_file():
            return kind
    return None


def _folder(folder: Path, out: Collected, storage: str | None, depth: int) -> bool:
    """Add what ``folder`` (or, when it is none of ours, its sub-folders) holds; False if nothing."""
    ensemble = _ensemble_in(folder, out)
    kind = _kind(folder)
    if kind is not None:
        _one(folder, kind, out, storage)
        return True
    if depth == 0:
        return ensemble
    children = [c for c in folder.iterdir() if c.is_dir() and not c.name.startswith(".")]
    kinds = {c: _kind(c) for c in children}
    runs = sorted((c for c, k in kinds.items() if k == "run"), key=_age, reverse=True)
    found = False
    for child in sorted(children, key=_age, reverse=True):
        if kinds[child] == "run" and child not in runs[:MAX_RUNS]:
            continue
        found = _folder(child, out, storage, depth - 1) or found
    found = found or ensemble
    if len(runs) > MAX_RUNS:
        out.missing.append(Missing(f"{len(runs) - MAX_RUNS} older runs in {folder}",
                                   f"only the {MAX_RUNS} newest runs are drawn; report one run folder to see another", failed=False))
    return found


def _age(folder: Path) -> float:
    for marker in ("result.json", "metrics.jsonl", "config.json", "audit.json", "check.json", "study.journal"):
        if (folder / marker).exists():
            return (folder / marker).stat().st_mtime
    return folder.stat().st_mtime


def _one(folder: Path, kind: str, out: Collected, storage: str | None) -> None:
    what = {"audit": "audit", "check": "checks", "run": "training curves", "study": "tuning"}[kind]
    try:
        if kind == "audit":
            report = _read_audit(folder / "audit.json")
            out.audits.append(audit_section(report, folder=folder, title=f"Audit: {folder.name}"))
        elif kind == "check":
            out.checks.append(checks_section(_read_checks(folder / "check.json"), folder=folder, title=f"Checks: {folder.name}"))
        elif kind == "run":
            out.runs.append(training_section(folder))
            sections, missing = diagnostics_sections(folder, reference_of(_run_config(folder)))
            out.runs += sections
            out.missing += missing
        else:
            _storage(f"journal:///{(folder / 'study.journal').resolve().as_posix().lstrip('/')}", out)
    except _READ_ERRORS as e:
        out.missing.append(Missing(f"{what} of {folder}", _reason(e)))


def _run_config(folder: Path) -> dict[str, Any]:
    """``config.json`` as a dict (``{}`` when absent: the training section already said why)."""
    try:
        data = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _reason(e: BaseException) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"a file is not valid JSON ({e}); it was cut while being written or edited by hand"
    if isinstance(e, KeyError):
        return f"a file lacks the field {e}; it was written by an older or newer nnrecipe, or edited by hand"
    return str(e)


def _read_audit(path: Path) -> AuditReport:
    text = path.read_text()
    try:
        return AuditReport.from_json(text)
    except (TypeError, ValueError, KeyError) as e:
        if isinstance(e, json.JSONDecodeError):
            raise
        raise ValueError(f"{path} does not hold this nnrecipe's audit summary ({type(e).__name__}: {e}); it was written by an "
                         "older or newer nnrecipe, or edited by hand: run `nnrecipe audit` again") from e


def _read_checks(path: Path) -> CheckReport:
    data = json.loads(path.read_text())
    fields = {f.name for f in dataclasses.fields(CheckResult)}
    results = [CheckResult(**{k: v for k, v in r.items() if k in fields}) for r in data["results"]]
    return CheckReport(results)

