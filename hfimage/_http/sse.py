"""Server-sent events: framed here, with limits, then parsed by sseclient-py.

sseclient-py stitches an event together by appending to a bytes object line by line, which
is quadratic in the event's size, and decodes strictly. So hfimage cuts the stream into whole
events itself (linear in the bytes received, refusing any event over ``MAX_EVENT_BYTES`` or
``MAX_EVENT_LINES`` as it arrives), masks the caller's token in each, and hands sseclient-py
one whole event at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import sseclient

from .._secrets import mask
from ..errors import ProtocolError

MAX_EVENT_BYTES = 32 * 2**20
"""The largest event accepted; Gradio's are a few KiB (files travel as URLs, not inline)."""
MAX_EVENT_LINES = 64
"""The most lines one event may have; Gradio sends two (``event:`` and ``data:``)."""
_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")


def sse_events(chunks: Iterable[bytes], provider: str, secret: str | None = None) -> Iterator[tuple[str, str]]:
    """``(event name, data)`` pairs from a stream of raw bytes split at any boundary; ProtocolError
    for an event too large, with too many lines, or not UTF-8."""
    try:
        for event in sseclient.SSEClient(_framed(chunks, provider, secret)).events():
            yield event.event, event.data
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"{provider} sent an event that is not UTF-8 text.", provider=provider) from exc


def _framed(chunks: Iterable[bytes], provider: str, secret: str | None) -> Iterator[bytes]:
    """Each whole event (with its blank line), then whatever is left when the stream ends."""
    buffer = bytearray()
    searched = 0  # where the next search for an end of event starts: bytes before it hold none
    for chunk in chunks:
        buffer += chunk
        start = 0
        while (end := _END.search(buffer, max(start, searched - 3))) is not None:
            yield _checked(bytes(buffer[start : end.end()]), provider, secret)
            start = end.end()
        del buffer[:start]
        searched = len(buffer)
        if len(buffer) > MAX_EVENT_BYTES:
            raise _too_large(provider)
    if buffer:
        yield _checked(bytes(buffer), provider, secret)


def _checked(event: bytes, provider: str, secret: str | None) -> bytes:
    if len(event) > MAX_EVENT_BYTES:
        raise _too_large(provider)
    if event.count(b"\n" if b"\n" in event else b"\r") > MAX_EVENT_LINES + 1:  # + the blank line
        raise ProtocolError(
            f"{provider} sent an event of more than {MAX_EVENT_LINES} lines; no Gradio server does that.",
            provider=provider,
        )
    if secret:
        event = event.replace(secret.encode(), mask(secret).encode())
    return event


def _too_large(provider: str) -> ProtocolError:
    return ProtocolError(
        f"{provider} sent an event larger than {MAX_EVENT_BYTES // 2**20} MiB; hfimage stopped reading it.",
        provider=provider,
    )
