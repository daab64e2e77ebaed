"""Downloading an image: only http(s), only images, never more than a limit, straight into a file."""

from __future__ import annotations

from typing import IO

from .._core.imagetype import sniff
from ..errors import ProtocolError
from .channel import Channel
from .urls import server_url

MAX_IMAGE_BYTES = 256 * 2**20
PIECE_BYTES = 256 * 2**10
"""How much of an image is read at once: memory stays flat whatever the image's size."""
_SNIFF_BYTES = 12


def download(channel: Channel, url: str, sink: IO[bytes], *, max_bytes: int = MAX_IMAGE_BYTES) -> None:
    """Write the image at ``url`` to ``sink``, or raise a typed error (the sink may hold a part of it)."""
    provider = channel.provider
    server_url(url, provider)
    response = channel.request("GET", url, stream=True)
    with response:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not kind.startswith("image/") and kind not in ("application/octet-stream", ""):
            raise ProtocolError(f"{provider} answered the image download with {kind}, not an image.", provider=provider)
        head = b""
        size = 0
        for chunk in channel.body(response, piece=PIECE_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise ProtocolError(
                    f"The image from {provider} is larger than {max_bytes // 2**20} MiB; hfimage stopped reading it.",
                    provider=provider,
                )
            if len(head) < _SNIFF_BYTES:
                head += chunk[: _SNIFF_BYTES - len(head)]
                if len(head) >= _SNIFF_BYTES:
                    _check_image(head, provider)
            sink.write(chunk)
        if len(head) < _SNIFF_BYTES:
            _check_image(head, provider)


def _check_image(head: bytes, provider: str) -> None:
    if sniff(head) is None:
        raise ProtocolError(
            f"{provider} sent something that is not a PNG, JPEG, WebP or GIF image (it starts with {head[:8]!r}).",
            provider=provider,
        )
