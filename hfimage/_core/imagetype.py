"""Telling an image's type, and its size in pixels, from its first bytes."""

from __future__ import annotations

import struct

EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
"""The file extension of each image type hfimage takes."""

HEAD_BYTES = 65536
"""Enough of an image's start to tell its type and size: a JPEG's size follows its metadata."""

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
"""The JPEG markers that start a frame (and carry its size); the others in that range are tables."""


def sniff(data: bytes) -> tuple[str, str] | None:
    """``(mime type, file extension)`` of an image's bytes, or None if it is not a known image type."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", EXTENSIONS["image/webp"]
    for magic, mime in _SIGNATURES:
        if data.startswith(magic):
            return mime, EXTENSIONS[mime]
    return None


def pixel_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` from an image's first bytes (``HEAD_BYTES`` are enough); None when they
    are not a PNG, JPEG, GIF or WebP image whose header says."""
    kind = sniff(data)
    try:
        if kind is None:
            return None
        if kind[0] == "image/png":
            size = struct.unpack(">II", data[16:24]) if data[12:16] == b"IHDR" else None
        elif kind[0] == "image/gif":
            size = struct.unpack("<HH", data[6:10])
        elif kind[0] == "image/webp":
            size = _webp_size(data)
        else:
            size = _jpeg_size(data)
    except struct.error:  # cut short
        return None
    return (int(size[0]), int(size[1])) if size and size[0] > 0 and size[1] > 0 else None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20:21] == b"\x2f":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The size in a JPEG's frame header, found by walking its segments."""
    position = 2
    while position + 9 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return None
