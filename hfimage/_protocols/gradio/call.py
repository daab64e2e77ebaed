"""The Gradio call route: POST the inputs, then read the job's event stream.

POST ``{prefix}/call/{api_name}`` with ``{"data": [inputs]}`` answers ``{"event_id": ...}``; then
GET ``{prefix}/call/{api_name}/{event_id}`` streams ``generating``, ``complete``, ``error`` and
``heartbeat`` events, each with JSON data. The stream is closed on every way out of the generator,
which is also how a job is cancelled on the server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from ..._core.server_data import reading
from ..._core.text import excerpt
from ..._http.channel import Channel
from ..._http.sse import sse_events
from ...errors import ProtocolError
from ..output import Output, PreviewHold, finishing
from .app import App
from .app_errors import app_error
from .outputs import decode, event_id_of, image_and_seed
from .replica import Replica

log = logging.getLogger("hfimage")


def call(
    channel: Channel, space: App, api_name: str, inputs: Sequence[Any], replica: Replica | None = None
) -> Iterator[Output]:
    """Run one job on the call route; previews first, the final image last, or a typed error. File URLs
    lead to the ``replica`` that answered, where a proxy named one."""
    route = space.endpoint_url("call", api_name, channel.provider)
    started = channel.post_json(route, {"data": list(inputs)})
    event_id = event_id_of(started, channel.provider)
    with channel.event_stream(f"{route}/{event_id}") as body:
        space = replica.pin(space) if replica is not None else space
        events = sse_events(body, channel.provider, channel.secret)
        with reading(channel.provider, "an event"):
            read = _read_events(events, space, channel.provider, anonymous=channel.credential is None)
            yield from finishing(read, body.finish)


def _read_events(
    events: Iterator[tuple[str, str]], space: App, provider: str, *, anonymous: bool = False
) -> Iterator[Output]:
    hold = PreviewHold()
    for name, data in events:
        if name == "heartbeat":
            yield from hold.release()
            continue
        if name == "error":
            payload = decode(data, provider)
            raise app_error(_error_text(payload), provider, title=_title(payload), anonymous=anonymous)
        if name not in ("generating", "complete"):
            log.debug("%s: ignoring unknown event %r", provider, name)
            continue
        url, seed = image_and_seed(decode(data, provider), space, provider)
        if name == "generating":
            yield from hold.preview(url, seed)
            continue
        if url is None:
            raise ProtocolError(
                f"{provider} finished without an image in its output: {excerpt(data)!r}", provider=provider
            )
        yield from hold.final(url, seed)
        return
    raise ProtocolError(
        f"{provider} closed the event stream without a result. The space may have restarted: try again.",
        provider=provider,
    )


def _error_text(payload: Any) -> str | None:
    """The message of an ``error`` event: null (Gradio < 6.13), a dict (6.13+) or a plain string."""
    if isinstance(payload, dict):
        message = payload.get("error")
        return message if isinstance(message, str) else None
    if isinstance(payload, str):
        return payload
    return None


def _title(payload: Any) -> str | None:
    """The title of an ``error`` event (Gradio 6.13+), e.g. ``ZeroGPU quota exceeded``."""
    title = payload.get("title") if isinstance(payload, dict) else None
    return title if isinstance(title, str) else None
