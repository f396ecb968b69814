"""Small real datasets generated or shipped offline (nothing is downloaded)."""

from ._mnist1d import Split, load_mnist1d

__all__ = ["Split", "load_mnist1d"]
