"""Files written safely: atomic writes, run-folder names and the one clock they use.

Every file nnrecipe writes for a user (configs, metrics snapshots, checkpoints, reports)
goes through here, so a crash at any instant leaves either the old file or the new one,
never half of one, and every folder name comes from one sanitiser and one (UTC) clock.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ._errors import ConfigError

__all__ = [
    "TMP_MARK",
    "atomic_folder",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "create_run_dir",
    "remove_stale_temporaries",
    "safe_name",
    "utc_iso",
    "utc_stamp",
]

# Temporary files and folders are named ".<final name>.tmp-<pid>": hidden, and recognisable
# by `remove_stale_temporaries` after a crash.
TMP_MARK = ".tmp-"
_NAME_MAX = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]+")


def utc_stamp() -> str:
    """``20261201-141500``: the UTC time used in every folder name."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime())


def utc_iso() -> str:
    """``2026-12-01T14:15:00Z``: the UTC time recorded inside files."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    tmp = _tmp_name(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path to write ``path`` with a library's own writer, renamed on success.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> with atomic_path(folder / "x.txt") as tmp:
        ...     _ = tmp.write_text("hello")
        >>> (folder / "x.txt").read_text()
        'hello'
    """
    path = Path(path)
    tmp = _tmp_name(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


@contextlib.contextmanager
def atomic_folder(path: Path, *, replace: bool = False) -> Iterator[Path]:
    """A temporary folder filled by the caller and renamed to ``path`` on success.

    Args:
        path: The final folder.
        replace: Replace an existing ``path``; otherwise an existing one is an error.
    """
    path = Path(path)
    tmp = _tmp_name(path)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
        if path.exists():
            if not replace:
                raise FileExistsError(f"{path} already exists")
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(path.parent)


def remove_stale_temporaries(folder: Path, *, alive: Callable[[int], bool] | None = None) -> list[Path]:
    """Delete temporaries left in ``folder`` by writers that died; returns what was removed.

    A temporary whose writer process is still running (``alive(pid)``) is kept.
    """
    alive = alive or _pid_alive
    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    for entry in Path(folder).iterdir():
        if not entry.name.startswith(".") or TMP_MARK not in entry.name:
            continue
        pid_text = entry.name.rsplit(TMP_MARK, 1)[1]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and alive(int(pid_text)):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def safe_name(name: str, *, what: str = "name") -> str:
    """A user-given name as a portable folder name, never a path.

    Characters outside ``A-Z a-z 0-9 . _ + = -`` become ``-``; leading dots and dashes are
    dropped (no hidden folders, no ``..``), and the result is at most 80 characters.

    Raises:
        ConfigError: Nothing usable is left (``""``, ``"/"``, ``".."``).

    Example:
        >>> safe_name("mnist1d cnn/../v2")
        'mnist1d-cnn-..-v2'
        >>> safe_name("tiny")
        'tiny'
    """
    cleaned = _UNSAFE.sub("-", str(name)).lstrip(".-")[:_NAME_MAX].rstrip(".-")
    if not cleaned:
        raise ConfigError(
            f"{what} {name!r} has no characters usable in a folder name; use letters, digits, '.', '_' or '-'"
        )
    return cleaned


def create_run_dir(runs_dir: Path, name: str) -> Path:
    """A new, empty folder ``runs_dir/<safe name>-<UTC time>[-n]``, never outside ``runs_dir``.

    Raises:
        ConfigError: ``runs_dir`` exists and is not a folder, or ``name`` is unusable.
        OSError: The folder cannot be created (read-only or full disk).
    """
    runs_dir = Path(runs_dir)
    if runs_dir.exists() and not runs_dir.is_dir():
        raise ConfigError(f"runs folder {str(runs_dir)!r} is a file, not a folder; pass --runs-dir with a folder")
    runs_dir.mkdir(parents=True, exist_ok=True)
    base = f"{safe_name(name, what='run name')}-{utc_stamp()}"
    for n in range(1000):
        path = runs_dir / (base + (f"-{n}" if n else ""))
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise ConfigError(f"could not create a run folder named {base}-N in {runs_dir}: 1000 already exist")
