"""Downloading an image: only http(s), only images, never more than a limit, straight into a file."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from .._core.cancel import Cancellation
from .._core.deadline import Deadline
from .._core.imagetype import sniff
from .._core.text import handed_over
from ..errors import HFImageError, ProtocolError
from .auth import Credential
from .transport import Channel, Transport
from .urls import server_url

MAX_IMAGE_BYTES = 256 * 2**20
PIECE_BYTES = 256 * 2**10
"""How much of an image is read at once: memory stays flat whatever the image's size."""
_SNIFF_BYTES = 12


def download(channel: Channel, url: str, sink: BinaryIO, *, max_bytes: int = MAX_IMAGE_BYTES) -> None:
    """Write the image at ``url`` to ``sink``, or raise a typed error (the sink may hold a part of it)."""
    who = channel.provider
    server_url(url, who)
    response = channel.request("GET", url, stream=True)
    with response:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not kind.startswith("image/") and kind not in ("application/octet-stream", ""):
            raise ProtocolError(f"{who} answered the image download with {kind}, not an image.", provider=who)
        head = b""
        size = 0
        for chunk in channel.body(response, piece=PIECE_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise ProtocolError(
                    f"The image from {who} is larger than {max_bytes // 2**20} MiB; hfimage stopped reading it.",
                    provider=who,
                )
            if len(head) < _SNIFF_BYTES:
                head += chunk[: _SNIFF_BYTES - len(head)]
                if len(head) >= _SNIFF_BYTES:
                    _check_image(head, who)
            sink.write(chunk)
        if len(head) < _SNIFF_BYTES:
            _check_image(head, who)


def _check_image(head: bytes, who: str) -> None:
    if sniff(head) is None:
        raise ProtocolError(
            f"{who} sent something that is not a PNG, JPEG, WebP or GIF image (it starts with {head[:8]!r}).",
            provider=who,
        )


class CallScope:
    """The deadline and cancellation of the call that made a picture, for as long as that call runs.

    A download made during the call (``hfimage.aio`` fetches the final image in its worker, the
    command line saves it as it arrives) ends with the call. One made after the call has
    returned gets a deadline of its own, of the call's ``timeout``.
    """

    def __init__(self, deadline: Deadline, cancellation: Cancellation | None = None) -> None:
        self.deadline = deadline
        self.cancellation = cancellation
        self.open = True

    def close(self) -> None:
        self.open = False


@dataclass(frozen=True)
class ImageSource:
    """Where a picture's bytes come from: the client's session, with the call's token, proxy and timeout."""

    transport: Transport
    provider: str
    credential: Credential | None
    proxy: str | None
    timeout: float
    secrets: frozenset[str] = frozenset()
    call: CallScope | None = None

    def read(self, url: str, cancellation: Cancellation | None = None) -> bytes:
        buffer = io.BytesIO()
        self.write_to(url, buffer, cancellation)
        return buffer.getvalue()

    def write_to(self, url: str, sink: BinaryIO, cancellation: Cancellation | None = None) -> None:
        """Download ``url`` into ``sink``, within the call's deadline while the call runs, else within a
        deadline of its own; ``cancellation`` (after the call) stops it from another thread."""
        call = self.call
        if call is None or not call.open:
            call = CallScope(Deadline(self.timeout), cancellation)
        channel = Channel(self.transport, call.deadline, self.provider, self.credential, self.proxy, call.cancellation)
        try:
            download(channel, url, sink)
        except HFImageError as error:
            raise handed_over(error, self.secrets) from error.__cause__

    def __repr__(self) -> str:
        return f"ImageSource(provider={self.provider!r})"
