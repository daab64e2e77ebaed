"""Server-sent events, parsed by sseclient-py and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sseclient


def sse_events(chunks: Iterable[bytes]) -> Iterator[tuple[str, str]]:
    """``(event name, data)`` pairs from a stream of raw bytes, split at any boundary."""
    for event in sseclient.SSEClient(iter(chunks)).events():
        yield event.event, event.data
