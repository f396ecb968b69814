"""Where a study's trials live: a journal file by default, SQLite or PostgreSQL on request.

Measured on the 2-core dev machine (``benchmarks/tune_throughput.py --storage-contention``):
with 4 local worker processes finishing trivial trials, Optuna's SQLite RDB storage costs
about 180-300 ms of storage work per trial (60 ms with a single worker) and its writers
queue on one file lock; the append-only journal file costs 7-35 ms (16 ms mean) and never reports
"database is locked". The default is therefore a journal file in the study's runs folder,
with nothing to start. Trials of a local worker that dies are found by process id and
re-run. Across machines, PostgreSQL (``--storage postgresql://...``) with Optuna's
heartbeat does the same for workers anywhere.
"""

from __future__ import annotations

import os
import socket
import warnings
from pathlib import Path

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.storages import BaseStorage, JournalStorage, RDBStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import FrozenTrial

from .._core._errors import ConfigError
from .._core._files import safe_name

__all__ = ["ADOPT_SUFFIX", "BEST_WEIGHTS", "MAX_RETRIES", "OVER_BUDGET", "RESULT", "RETRY_OF", "WORKER", "default_storage_url", "open_storage", "retry_trial", "study_folder"]

# Names of the trial attributes the workers store (and the analyses read).
RETRY_OF = "retry_of"  # number of the trial this one re-runs
WORKER = "worker"  # "host:pid" of the process running the trial
OVER_BUDGET = "over_budget"  # the trial started after the budget was spent and ran nothing
BEST_WEIGHTS = "best_weights"  # the weights file of the trial's best validation step
RESULT = "result"  # what the trial measured (curves, best step, ...), in one attribute: one storage write
ADOPT_SUFFIX = ".adopt"  # the companion study of a study's adoption runs: "<name>.adopt"
MAX_RETRIES = 3


def study_folder(runs_dir: str | Path, study_name: str) -> Path:
    """``<runs_dir>/<study>``: the study's run folders (adoption runs included) and default journal.

    The name is made a folder name (``safe_name``), so a study never writes outside ``runs_dir``.
    """
    return Path(runs_dir) / safe_name(study_name.removesuffix(ADOPT_SUFFIX), what="study name")


def default_storage_url(runs_dir: str | Path, study_name: str) -> str:
    """``journal:///<runs_dir>/<study>/study.journal``: a local file, nothing to start."""
    return f"journal:///{(study_folder(runs_dir, study_name) / 'study.journal').resolve().as_posix().lstrip('/')}"


def open_storage(url: str, *, heartbeat: int = 30) -> BaseStorage:
    """Open (and check) the storage at ``url``; create nothing in it yet.

    Args:
        url: ``journal:///abs/path.journal``, ``sqlite:///path.db`` or
            ``postgresql://user:pass@host:port/db``.
        heartbeat: Seconds between heartbeats of a running trial (RDB storages); a trial
            without one for ``3 * heartbeat`` seconds is failed and re-run.

    Raises:
        ConfigError: The URL scheme is unknown, its folder does not exist, or the server
            cannot be reached; the message says how to fix it.

    Example:
        >>> open_storage("journal:///tmp/demo.journal")  # doctest: +ELLIPSIS
        <optuna.storages.journal._storage.JournalStorage object at ...>
    """
    if heartbeat < 1:
        raise ConfigError(f"heartbeat must be >= 1 second; got {heartbeat=}")
    scheme = url.split(":", 1)[0]
    if scheme == "journal":
        path = Path("/" + url.removeprefix("journal:").lstrip("/"))
        _parent_exists(path, url)
        return JournalStorage(JournalFileBackend(str(path)))
    if scheme == "sqlite":
        _parent_exists(Path(url.removeprefix("sqlite:///")), url)
        # Writers wait for the file lock instead of failing after SQLite's 5 s default.
        return _rdb(url, {"connect_args": {"timeout": 120}}, heartbeat, shown=url)
    if scheme.startswith("postgresql"):
        # pool_pre_ping: reconnect after the server dropped an idle connection.
        return _rdb(_with_driver(url), {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}, heartbeat, shown=url)
    raise ConfigError(
        f"storage URL {url!r} is not supported; use journal:///abs/path/study.journal (default), "
        f"sqlite:///path/study.db or postgresql://user:password@host:5432/dbname"
    )


def _rdb(url: str, engine_kwargs: dict[str, object], heartbeat: int, *, shown: str) -> RDBStorage:
    try:
        # Heartbeats are marked experimental by Optuna; relying on them is a deliberate choice.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExperimentalWarning)
            return RDBStorage(
                url,
                engine_kwargs=engine_kwargs,
                heartbeat_interval=heartbeat,
                grace_period=3 * heartbeat,
                heartbeat_stale_trial_callback=retry_trial,
            )
    except ImportError as e:
        raise ConfigError(f"storage {_redact(shown)} needs a database driver: {e}; for PostgreSQL: pip install 'nnrecipe[postgres]'") from None
    except Exception as e:  # noqa: BLE001 - SQLAlchemy's OperationalError and friends: unreachable or refused
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ConfigError(
            f"cannot open storage {_redact(shown)}: {reason}. Check that the server is running and "
            f"reachable, and the user, password and database name in the URL."
        ) from None


def retry_trial(study: optuna.Study, trial: FrozenTrial) -> None:
    """Queue a re-run of a trial whose worker died, up to ``MAX_RETRIES`` times.

    The re-run has the same parameters and records the original trial's number in
    ``user_attrs["retry_of"]``; the dead trial stays FAIL, so nothing is counted twice.
    """
    original = trial.user_attrs.get(RETRY_OF, trial.number)
    attempts = sum(1 for t in study.get_trials(deepcopy=False) if t.user_attrs.get(RETRY_OF) == original)
    if attempts >= MAX_RETRIES:
        return
    study.enqueue_trial(trial.params, user_attrs={RETRY_OF: original}, skip_if_exists=False)


def reap_dead_local_trials(study: optuna.Study) -> int:
    """Fail and re-run RUNNING trials whose worker was a process of this host that has died.

    The journal storage has no heartbeat; a trial records ``host:pid`` of its worker, and any
    worker on the same host can tell that process is gone.

    Returns:
        How many trials were failed and queued again.
    """
    host = socket.gethostname()
    reaped = 0
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        worker_host, _, pid = str(trial.user_attrs.get(WORKER, "")).rpartition(":")
        if worker_host != host or not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            if study._storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL):
                retry_trial(study, trial)
                reaped += 1
        except optuna.exceptions.UpdateFinishedTrialError:
            pass  # another worker reaped it first
    return reaped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed, not yet reaped by its parent) is dead for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def _with_driver(url: str) -> str:
    # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; use psycopg2 when only it is installed.
    if not url.startswith("postgresql://"):
        return url
    import importlib.util

    if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2") is not None:
        return "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return url


def _parent_exists(path: Path, url: str) -> None:
    if not path.parent.is_dir():
        raise ConfigError(f"storage {url!r}: folder {str(path.parent)!r} does not exist; create it or pick another path")


def _redact(url: str) -> str:
    if "@" not in url:
        return repr(url)
    scheme, rest = url.split("://", 1)
    return repr(f"{scheme}://***@{rest.rsplit('@', 1)[1]}")
