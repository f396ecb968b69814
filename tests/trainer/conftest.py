import os

import pytest


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch):
    """Writes stay atomic (temporary + rename) but skip waiting for the disk: these tests kill
    processes or raise mid-write, which a page cache survives; only a power cut needs fsync,
    and on a shared disk each one costs milliseconds."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)
