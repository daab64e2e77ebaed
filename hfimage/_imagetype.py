"""Telling an image's type from its first bytes."""

from __future__ import annotations

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """``(mime type, file extension)`` of an image's bytes, or None if it is not a known image type."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", ".webp"
    for magic, mime, extension in _SIGNATURES:
        if data.startswith(magic):
            return mime, extension
    return None
