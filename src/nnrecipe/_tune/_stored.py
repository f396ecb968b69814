"""A study as its storage holds it: found from a study file, a storage URL or a journal file alone.

``tune`` stores the study's definition (what its study file says) with the Optuna study, so
that the analyses need only the storage: a PostgreSQL URL shared by a team, or a journal
file copied from another machine.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import optuna
from optuna.storages import BaseStorage

from .._core._errors import ConfigError
from ._storage import ADOPT_SUFFIX, open_storage
from ._study import Study
from ._study_file import load_study, study_from_dict, study_to_dict

__all__ = ["open_existing", "resolve_study", "store_definition", "study_at"]

log = logging.getLogger(__name__)
DEFINITION = "nnrecipe_study"  # study user attribute: the study file's content
STUDY_FILE_SUFFIXES = (".yaml", ".yml", ".py")
STORAGE_SUFFIXES = {".journal": "journal:///", ".db": "sqlite:///", ".sqlite": "sqlite:///", ".sqlite3": "sqlite:///"}


def store_definition(ostudy: optuna.Study, study: Study) -> None:
    """Keep ``study``'s definition with its Optuna study (the latest ``tune`` call's wins)."""
    definition = study_to_dict(study)
    try:
        json.dumps(definition)
    except (TypeError, ValueError):  # a Python study file with values JSON cannot hold
        log.warning("study %r: its definition cannot be stored as JSON; `analyze` will need the study file", study.name)
        return
    if ostudy.user_attrs.get(DEFINITION) != definition:
        ostudy.set_user_attr(DEFINITION, definition)


def resolve_study(source: Study | str | Path, *, storage: str | None = None, name: str | None = None) -> tuple[Study, str | None]:
    """The study behind ``source`` and the storage to read it from (``None``: the study's own).

    Args:
        source: A :class:`Study`; a study file (``.yaml``, ``.yml``, ``.py``); a storage URL
            (``journal:///...``, ``sqlite:///...``, ``postgresql://...``); or a journal or
            SQLite file.
        storage: Storage URL that overrides the study file's.
        name: Which study of the storage, when it holds several.

    Raises:
        ConfigError: The file does not exist, or the storage holds no such study.
    """
    if isinstance(source, Study):
        return source, storage
    text = str(source)
    if "://" not in text and Path(text).suffix in STUDY_FILE_SUFFIXES:
        return load_study(text), storage
    url = _as_url(text)
    return study_at(url, name), url


def study_at(url: str, name: str | None = None) -> Study:
    """The study named ``name`` (or the only one) in the storage at ``url``, from its stored definition.

    Raises:
        ConfigError: No study, several studies and no ``name``, or a study stored without
            its definition (run by an older nnrecipe: pass its study file instead).
    """
    storage = open_existing(url)
    names = [n for n in optuna.get_all_study_names(storage) if not n.endswith(ADOPT_SUFFIX)]
    if not names:
        raise ConfigError(f"{url} holds no study; run `nnrecipe tune` first")
    if name is None:
        if len(names) > 1:
            raise ConfigError(f"{url} holds several studies, {names}; name one (--study-name NAME)")
        name = names[0]
    if name not in names:
        raise ConfigError(f"{url} holds no study named {name!r}; it holds {names}")
    definition = optuna.load_study(study_name=name, storage=storage).user_attrs.get(DEFINITION)
    if not isinstance(definition, dict):
        raise ConfigError(f"study {name!r} in {url} was stored without its definition (an older nnrecipe); pass its study file instead")
    study = study_from_dict(definition, where=f"study {name!r} in {url}")
    return dataclasses.replace(study, storage=url)


def open_existing(url: str) -> BaseStorage:
    """Open a storage that must exist already: a missing journal file is not created.

    Raises:
        ConfigError: The journal file does not exist, or the storage cannot be reached.
    """
    if url.startswith("journal:") and not Path("/" + url.removeprefix("journal:").lstrip("/")).is_file():
        raise ConfigError(f"no study has been run with storage {url} (no such file); run `nnrecipe tune` first")
    return open_storage(url)


def _as_url(text: str) -> str:
    if "://" in text:
        return text
    path = Path(text)
    scheme = STORAGE_SUFFIXES.get(path.suffix)
    if scheme is None:
        raise ConfigError(
            f"{text!r} is neither a study file ({', '.join(STUDY_FILE_SUFFIXES)}) nor a storage: pass a storage URL "
            f"(journal:///abs/path/study.journal, sqlite:///path/study.db, postgresql://user:password@host/db) or a "
            f".journal / .db file"
        )
    if not path.is_file():
        raise ConfigError(f"storage file {text!r} does not exist; run `nnrecipe tune` first or fix the path")
    return scheme + str(path.resolve()).lstrip("/")
