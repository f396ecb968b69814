"""A folder of images laid out one sub-folder per class, decoded with Pillow file by file.

``root/cat/001.png, root/dog/002.jpg, ...``: class ids follow the sorted folder names, as in
torchvision's ``ImageFolder``. A file that fails to decode is recorded, not fatal; the common
shape and dtype come from a probe of up to 2,000 files spread over the folder.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .._core._errors import DataError
from ._source import Chunk, Source
from ._split import Broken

__all__ = ["IMAGE_SUFFIXES", "ImageFolderSource", "split_folders"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm"})
SPLIT_NAMES = {"train": "train", "val": "val", "valid": "val", "validation": "val", "test": "test"}
_PROBE = 2000


def split_folders(root: Path) -> dict[str, Path]:
    """``{"train": root/train, ...}`` when ``root`` holds split folders, else ``{}``."""
    found = {SPLIT_NAMES[p.name.lower()]: p for p in sorted(root.iterdir()) if p.is_dir() and p.name.lower() in SPLIT_NAMES}
    return found if "train" in found else {}


def _decode(path: str) -> np.ndarray:
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - pillow ships with matplotlib
        raise ImportError("auditing an image folder needs Pillow: pip install pillow") from e
    with Image.open(path) as img:
        img.load()  # decode now: a truncated file fails here, not later
        return np.asarray(img)


class ImageFolderSource(Source):
    """Every image under ``root/<class>/``, in sorted path order.

    Raises:
        DataError: No class sub-folders, no image files, or no file of the probe decodes.
    """

    def __init__(self, root: Path, name: str) -> None:
        super().__init__(name)
        self.class_names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        self.files: list[str] = []  # strings, not Paths: a third of the memory per file
        labels: list[int] = []
        for c, cls in enumerate(self.class_names):
            found = [str(f) for f in sorted((root / cls).rglob("*")) if f.suffix.lower() in IMAGE_SUFFIXES]
            self.files += found
            labels += [c] * len(found)
        if not self.files:
            raise DataError(
                f"{name}: no images found in {str(root)!r}; expected one sub-folder per class holding "
                f"image files ({', '.join(sorted(IMAGE_SUFFIXES))}), e.g. {root}/cat/001.png"
            )
        self.labels = np.asarray(labels, dtype=np.int64)
        self.n_total = len(self.files)
        self._probe(root)

    def _probe(self, root: Path) -> None:
        kinds: collections.Counter[tuple[tuple[int, ...], str]] = collections.Counter()
        for i in np.unique(np.linspace(0, self.n_total - 1, min(self.n_total, _PROBE)).astype(np.int64)):
            try:
                x = _decode(self.files[i])
            except Exception:  # noqa: BLE001, S112 - a corrupt file is listed when read
                continue
            kinds[(x.shape, str(x.dtype))] += 1
        if not kinds:
            raise DataError(f"{self.name}: none of the images probed in {str(root)!r} could be decoded")
        (self.shape, self.source_dtype), _ = kinds.most_common(1)[0]

    def _read(self, rows: int, broken: list[Broken]) -> Iterator[Chunk]:
        X = np.empty((rows, self.width), dtype=np.float32)
        index: list[int] = []
        for i, f in enumerate(self.files):
            try:
                x = _decode(f)
            except Exception as e:  # noqa: BLE001 - any decoder failure is a corrupt file
                broken.append(Broken(i, "unreadable", f"{f} cannot be decoded: {type(e).__name__}: {e}"))
                x = None
            if x is not None and x.shape != self.shape:
                broken.append(Broken(i, "wrong_shape", f"{f} has shape {x.shape}, not the common {self.shape}; resize it"))
            elif x is not None and str(x.dtype) != self.source_dtype:
                broken.append(Broken(i, "wrong_dtype", f"{f} has dtype {x.dtype}, not the common {self.source_dtype}; convert it"))
            elif x is not None:
                X[len(index)] = x.reshape(-1)
                index.append(i)
            if len(index) == rows or (i == self.n_total - 1 and index):
                at = np.asarray(index, dtype=np.int64)
                yield Chunk(X[: len(at)].copy(), self.labels[at], at)
                index = []

    def fetch(self, index: np.ndarray) -> np.ndarray:
        return np.stack([_decode(self.files[int(i)]).reshape(-1).astype(np.float32) for i in index])
