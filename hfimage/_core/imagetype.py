"""Telling an image's type from its first bytes."""

from __future__ import annotations

EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
"""The file extension of each image type hfimage takes."""

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """``(mime type, file extension)`` of an image's bytes, or None if it is not a known image type."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", EXTENSIONS["image/webp"]
    for magic, mime in _SIGNATURES:
        if data.startswith(magic):
            return mime, EXTENSIONS[mime]
    return None
