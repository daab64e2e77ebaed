"""One call's context: its deadline, cancellation, transport, token, proxy and secrets.

A call hands each provider it tries a ``Channel`` (the call's context with that provider's
credential) and each image it makes an ``ImageSource``, so that a download made while the call
runs ends with it, and one made later keeps the call's token, proxy and timeout.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import BinaryIO

from .._core.cancel import Cancellation
from .._core.deadline import Deadline
from .._core.text import handed_over
from ..errors import HFImageError
from .auth import Credential
from .channel import Channel
from .download import download
from .transport import Transport


class CallContext:
    """What every request of one call shares. ``secrets`` are the tokens the call may send, masked in
    anything it raises; ``close()`` marks the call over (later downloads get a deadline of their own)."""

    def __init__(
        self,
        transport: Transport,
        *,
        timeout: float,
        token: str | None = None,
        proxy: str | None = None,
        cancellation: Cancellation | None = None,
        secrets: frozenset[str] = frozenset(),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.transport = transport
        self.timeout = timeout
        self.deadline = Deadline(timeout, clock=clock, sleep=sleep)
        """The call's deadline, on ``clock`` (``sleep`` passes time on it; a test's fake clock)."""
        self.token = token
        self.proxy = proxy
        self.cancellation = cancellation
        self.secrets = secrets
        self.open = True

    def channel(self, provider: str, credential: Credential | None) -> Channel:
        """The channel to ``provider`` for this call, carrying ``credential`` where it may go."""
        return Channel(self.transport, self.deadline, provider, credential, self.proxy, self.cancellation)

    def image_source(self, provider: str, credential: Credential | None) -> ImageSource:
        """Where the bytes of an image ``provider`` made in this call come from."""
        return ImageSource(self, provider, credential)

    def close(self) -> None:
        self.open = False

    def __repr__(self) -> str:
        return f"CallContext(timeout={self.timeout!r}, open={self.open!r})"


class ImageSource:
    """An image's bytes: within its call's deadline while the call runs, else within a deadline of
    its own (the call's ``timeout``), with the call's token and proxy either way."""

    def __init__(self, call: CallContext, provider: str, credential: Credential | None) -> None:
        self._call = call
        self._provider = provider
        self._credential = credential

    def read(self, url: str, cancellation: Cancellation | None = None) -> bytes:
        buffer = io.BytesIO()
        self.write_to(url, buffer, cancellation)
        return buffer.getvalue()

    def write_to(self, url: str, sink: BinaryIO, cancellation: Cancellation | None = None) -> None:
        """Download ``url`` into ``sink``; ``cancellation`` (after the call) stops it from another thread."""
        call = self._call
        if call.open:
            channel = call.channel(self._provider, self._credential)
        else:
            own = Deadline(call.timeout)
            channel = Channel(call.transport, own, self._provider, self._credential, call.proxy, cancellation)
        try:
            download(channel, url, sink)
        except HFImageError as error:
            raise handed_over(error, call.secrets) from error.__cause__

    def __repr__(self) -> str:
        return f"ImageSource(provider={self._provider!r})"
