"""Turning a saved image into the type its file name asks for, with Pillow (the ``pil`` extra)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..errors import MissingExtraError

_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".gif": "GIF"}
IMAGE_SUFFIXES = frozenset(_FORMATS)
"""The file suffixes an image can be saved under (another type's is converted to)."""


def suffix_problem(name: str) -> str | None:
    """Why a file named ``name`` cannot hold an image, or None: its suffix names no image type."""
    suffix = Path(name).suffix
    if not suffix or suffix.lower() in IMAGE_SUFFIXES:
        return None
    return (
        f"{suffix} is not an image type: name a .png, .jpg, .webp or .gif file, or give no suffix to keep "
        "the image's own type"
    )


_NAMES = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF"}


def pillow(needed_for: str) -> ModuleType:
    """``PIL.Image``, or MissingExtraError saying what needs it and how to install it."""
    try:
        from PIL import Image  # noqa: PLC0415 - optional, imported on use
    except ImportError as exc:
        message = f"{needed_for} needs Pillow, which is not installed: pip install 'hfimage[pil]'"
        raise MissingExtraError(message) from exc
    return Image


def convert_for_name(file: Path, name: Path, extension: str) -> None:
    """Rewrite ``file`` (an image of type ``extension``) in the type ``name``'s suffix asks for.

    Nothing happens when the suffix already matches (``suffix_problem`` refuses the others first).
    """
    wanted = _FORMATS.get(name.suffix.lower())
    actual = _FORMATS[extension]
    if wanted is None or wanted == actual:
        return
    image = pillow(
        f"{name.name} names a {_NAMES[wanted]} file, but the image is {_NAMES[actual]}. Save it as "
        f"{name.with_suffix(extension).name}, or converting it"
    )
    with image.open(file) as picture:
        picture.load()
    if wanted == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")  # JPEG has no transparency or palette
    picture.save(file, format=wanted)
