"""PNG pictures that a stage wrote into its folder, read to be inlined in the page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

__all__ = ["MAX_PNG_BYTES", "Picture", "read_png"]

MAX_PNG_BYTES = 1_500_000  # one picture; the whole demo report must stay under 3 MB
_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclasses.dataclass(frozen=True)
class Picture:
    """A PNG and what it shows."""

    caption: str
    png: bytes


def read_png(path: str | Path, *, inside: Path | None, caption: str | None = None) -> Picture | str:
    """The PNG at ``path``, or why it is not shown.

    Args:
        path: The file.
        inside: The folder it must lie in (a JSON file naming ``/etc/passwd`` as a picture
            gets nothing); ``None`` for paths the caller chose itself.
        caption: What it shows; its file name otherwise.

    Returns:
        The picture, or a sentence saying why it was left out.
    """
    p = Path(path)
    if inside is not None:
        try:
            p.resolve().relative_to(inside.resolve())
        except ValueError:
            return f"{p} lies outside {inside}; only pictures inside the stage's folder are shown"
    if not p.is_file():
        return f"{p} is missing"
    if p.stat().st_size > MAX_PNG_BYTES:
        return f"{p} is larger than {MAX_PNG_BYTES // 1_000_000} MB; open it on its own"
    data = p.read_bytes()
    if not data.startswith(_MAGIC):
        return f"{p} is not a PNG file"
    return Picture(caption or p.stem.replace("_", " "), data)
