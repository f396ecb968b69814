"""Run folders and crash-safe files, for scripts that write next to nnrecipe's own runs.

Every folder nnrecipe creates is ``<runs>/<safe name>-<UTC time>``, and every file it
writes goes through a temporary name and a rename, so a crash leaves the old file or
the new one, never half of one. Tools built on nnrecipe (the CLI among them) use the same.

Example:
    >>> import tempfile
    >>> from nnrecipe.runs import atomic_write_text, create_run_dir, safe_name
    >>> safe_name("my model/v2")
    'my-model-v2'
    >>> run = create_run_dir(tempfile.mkdtemp(), "demo")
    >>> atomic_write_text(run / "notes.txt", "one change: lr")
    >>> (run / "notes.txt").read_text()
    'one change: lr'
"""

from ._core._files import (
    atomic_folder,
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    create_run_dir,
    safe_name,
)
from ._train._extend import finished_steps
from ._train._runs import read_metrics, read_run_config

__all__ = [
    "atomic_folder",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "create_run_dir",
    "finished_steps",
    "read_metrics",
    "read_run_config",
    "safe_name",
]
