"""The small exception hierarchy callers catch.

Input a user can fix (a config value, data, a model factory, a folder) raises
:class:`ConfigError`, :class:`DataError` or :class:`CheckpointError`; the CLI turns exactly
these into exit code 2 ("your input was wrong"). :class:`RunError` means the run itself
failed (a full or read-only disk): exit code 1. Any other exception is a bug in nnrecipe
or in the user's code, and is reported as such. Each class also derives from the matching
built-in, so ``except ValueError`` / ``except OSError`` keeps working.
"""

from __future__ import annotations

__all__ = ["CheckpointError", "ConfigError", "DataError", "NnrecipeError", "RunError"]


class NnrecipeError(Exception):
    """Base class of every error nnrecipe raises on purpose."""


class DataError(NnrecipeError, ValueError):
    """The data cannot be used as given: wrong shape, mismatched lengths, non-finite values."""


class ConfigError(NnrecipeError, ValueError):
    """An experiment, study or training configuration is invalid or cannot be loaded."""


class CheckpointError(NnrecipeError, OSError):
    """A checkpoint or run folder is missing, incomplete or not ours."""


class RunError(NnrecipeError, OSError):
    """A run could not go on for a reason outside the user's input: a full or read-only disk.

    The message names the file that could not be written and the last good checkpoint,
    which is left intact.
    """
