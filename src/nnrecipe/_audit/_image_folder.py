"""A folder of images laid out one sub-folder per class, decoded with Pillow.

``root/cat/001.png, root/dog/002.jpg, ...``: class ids follow the sorted folder names, as in
torchvision's ``ImageFolder``. A file that fails to decode is recorded, not fatal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._core._errors import DataError
from ._split import Broken, LoadedSplit

__all__ = ["IMAGE_SUFFIXES", "load_image_folder", "split_folders"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm"})
SPLIT_NAMES = {"train": "train", "val": "val", "valid": "val", "validation": "val", "test": "test"}


def split_folders(root: Path) -> dict[str, Path]:
    """``{"train": root/train, ...}`` when ``root`` holds split folders, else ``{}``."""
    found = {SPLIT_NAMES[p.name.lower()]: p for p in sorted(root.iterdir()) if p.is_dir() and p.name.lower() in SPLIT_NAMES}
    return found if "train" in found else {}


def _decode(path: Path) -> np.ndarray:
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - pillow ships with matplotlib
        raise ImportError("auditing an image folder needs Pillow: pip install pillow") from e
    with Image.open(path) as img:
        img.load()  # decode now: a truncated file fails here, not later
        return np.asarray(img)


def load_image_folder(root: Path, name: str) -> LoadedSplit:
    """Decode every image under ``root/<class>/``.

    Args:
        root: The folder with one sub-folder per class.
        name: The split's name.

    Returns:
        The decoded images flattened; unreadable files and images whose shape differs from
        the most common one are listed as broken, with their index in sorted-path order.

    Raises:
        DataError: No class sub-folders or no image files.
    """
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    files: list[tuple[Path, int]] = []
    for c, cls in enumerate(classes):
        files += [(f, c) for f in sorted((root / cls).rglob("*")) if f.suffix.lower() in IMAGE_SUFFIXES]
    if not files:
        raise DataError(
            f"{name}: no images found in {str(root)!r}; expected one sub-folder per class holding "
            f"image files ({', '.join(sorted(IMAGE_SUFFIXES))}), e.g. {root}/cat/001.png"
        )
    decoded: list[np.ndarray | None] = []
    broken: list[Broken] = []
    for i, (f, _) in enumerate(files):
        try:
            decoded.append(_decode(f))
        except Exception as e:  # noqa: BLE001 - any decoder failure is a corrupt file
            decoded.append(None)
            broken.append(Broken(i, "unreadable", f"{f} cannot be decoded: {type(e).__name__}: {e}"))
    shapes: dict[tuple[int, ...], int] = {}
    for x in decoded:
        if x is not None:
            shapes[x.shape] = shapes.get(x.shape, 0) + 1
    if not shapes:
        raise DataError(f"{name}: none of the {len(files)} images in {str(root)!r} could be decoded")
    shape = max(shapes, key=lambda s: shapes[s])
    keep = []
    for i, x in enumerate(decoded):
        if x is not None and x.shape != shape:
            broken.append(Broken(i, "wrong_shape", f"{files[i][0]} has shape {x.shape}, not the common {shape}; resize it"))
        elif x is not None:
            keep.append(i)
    broken.sort(key=lambda b: b.index)
    X = np.stack([decoded[i].reshape(-1) for i in keep]).astype(np.float32)  # type: ignore[union-attr]
    return LoadedSplit(
        name=name,
        X=X,
        index=np.asarray(keep, dtype=np.int64),
        y=np.asarray([files[i][1] for i in keep], dtype=np.int64),
        shape=tuple(shape),
        n_total=len(files),
        broken=broken,
        class_names=classes,
        source_dtype=str(decoded[keep[0]].dtype),  # type: ignore[union-attr]
    )
