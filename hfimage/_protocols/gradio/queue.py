"""The Gradio queue route, as the browser uses it: join the queue, then read the session's stream.

POST ``{prefix}/queue/join`` (inputs, ``fn_index``, a session hash) answers ``{"event_id": ...}``;
GET ``{prefix}/queue/data?session_hash=...`` streams JSON messages told apart by ``msg``
(``estimation``, ``process_starts``, ``progress``, ``log``, ``process_generating`` with outputs
whole and then as diffs, ``process_completed``, ``heartbeat``, ``close_stream``) and by
``event_id``. Unlike the call route, it carries queue position, step progress,
notices and the app's real error text. The stream is closed on every way out, which is how
a job is cancelled.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlencode

from ..._core.server_data import reading
from ..._core.text import excerpt, plain
from ..._http.channel import Channel
from ..._http.sse import sse_events
from ...errors import ProtocolError, ServiceUnavailableError
from ...results import Event, Notice, Progress, Queued, Started
from ..output import Output, PreviewHold, finishing
from .app import App, Endpoint
from .app_errors import app_error, lost_job
from .diff import apply_diff
from .outputs import decode, event_id_of, image_and_seed
from .replica import Replica

log = logging.getLogger("hfimage")

QUEUE_PROTOCOLS = ("sse_v3",)
"""Config ``protocol`` values whose queue route hfimage speaks."""


def offers_queue(space: App, endpoint: Endpoint | None) -> bool:
    """Whether the app's config says the endpoint can be reached through the queue route."""
    return endpoint is not None and endpoint.queued and space.protocol in QUEUE_PROTOCOLS


def join(channel: Channel, space: App, endpoint: Endpoint, inputs: Sequence[Any]) -> tuple[str, str]:
    """Put a job in the queue; returns the session and the job's event id."""
    session = os.urandom(6).hex()[:11]
    body = {
        "data": list(inputs),
        "fn_index": endpoint.fn_index,
        "session_hash": session,
        "event_data": None,
        "trigger_id": None,
    }
    joined = channel.post_json(space.api_url("/queue/join"), body)
    return session, event_id_of(joined, channel.provider)


def listen(
    channel: Channel, space: App, session: str, event_id: str, replica: Replica | None = None
) -> Iterator[Output | Event]:
    """Follow a joined job on its session's stream: progress, previews, then the final image. File URLs
    lead to the ``replica`` that answered, where a proxy named one."""
    url = space.api_url("/queue/data?" + urlencode({"session_hash": session}))
    try:
        with channel.event_stream(url) as body:
            space = replica.pin(space) if replica is not None else space
            messages = (
                decode(data, channel.provider) for _, data in sse_events(body, channel.provider, channel.secret)
            )
            with reading(channel.provider, "a queue message"):
                followed = _follow(messages, space, event_id, channel.provider, anonymous=channel.credential is None)
                yield from finishing(followed, body.finish)
    except ProtocolError as refused:
        if refused.status_code == 404:  # the session is unknown where the stream's request landed
            raise lost_job(channel.provider) from refused
        raise


def _follow(
    messages: Iterator[Any], space: App, event_id: str, provider: str, *, anonymous: bool = False
) -> Iterator[Output | Event]:
    hold = PreviewHold()
    outputs: Any = None
    for message in messages:
        if not isinstance(message, dict) or not isinstance(message.get("msg"), str):
            raise ProtocolError(
                f"{provider} sent a queue message hfimage does not know: {excerpt(str(message))!r}", provider=provider
            )
        kind = message["msg"]
        if kind == "close_stream":
            break
        if message.get("event_id") not in (None, event_id):
            continue  # another job of the same session
        if kind in _REPORTS:
            yield from hold.release()  # the job reports on: the preview before this was not its final image
            yield from _REPORTS[kind](message, provider)
        elif kind == "heartbeat":
            yield from hold.release()
        elif kind == "process_generating":
            outputs = _outputs(message, outputs, provider)
            yield from hold.preview(*image_and_seed(outputs, space, provider))
        elif kind == "process_completed":
            yield from _completed(message, space, provider, hold, anonymous=anonymous)
            return
        elif kind == "unexpected_error" and "not found" in str(message.get("message")).lower():
            raise lost_job(provider)
        elif kind == "unexpected_error":
            raise ServiceUnavailableError(
                f"{provider} had an unexpected error: {plain(str(message.get('message') or 'no details'))}",
                provider=provider,
            )
        else:
            log.debug("%s: ignoring queue message %r", provider, kind)
    raise ProtocolError(
        f"{provider} closed the queue stream before the job finished. The space may have restarted: try again.",
        provider=provider,
    )


def _queued(message: dict[str, Any], provider: str) -> Iterator[Event]:
    yield Queued(provider, _int(message.get("rank")), _int(message.get("queue_size")), _num(message.get("rank_eta")))


def _started(message: dict[str, Any], provider: str) -> Iterator[Event]:
    yield Started(provider, _num(message.get("eta")))


def _notice(message: dict[str, Any], provider: str) -> Iterator[Event]:
    yield Notice(provider, plain(str(message.get("log") or "")), str(message.get("level") or "info"))


def _progress(message: dict[str, Any], provider: str) -> Iterator[Event]:
    data = message.get("progress_data")
    for unit in data if isinstance(data, list) else ():
        if isinstance(unit, dict):
            description = unit.get("desc")
            yield Progress(
                provider,
                _num(unit.get("index")),
                _num(unit.get("length")),
                unit.get("unit") if isinstance(unit.get("unit"), str) else None,
                plain(description) if isinstance(description, str) else None,
            )


_REPORTS: dict[str, Callable[[dict[str, Any], str], Iterator[Event]]] = {
    "estimation": _queued,
    "process_starts": _started,
    "progress": _progress,
    "log": _notice,
}
"""Messages that report on the job, each turned into events."""


def _completed(
    message: dict[str, Any], space: App, provider: str, hold: PreviewHold, *, anonymous: bool
) -> Iterator[Output]:
    output = message.get("output")
    if not isinstance(output, dict):
        output = {}
    if not message.get("success", False):
        detail, title = output.get("error"), output.get("title")
        raise app_error(
            detail if isinstance(detail, str) else None,
            provider,
            title=title if isinstance(title, str) else None,
            anonymous=anonymous,
        )
    url, seed = image_and_seed(output.get("data"), space, provider)
    if url is None:
        raise ProtocolError(
            f"{provider} finished without an image in its output: {excerpt(str(output))!r}", provider=provider
        )
    yield from hold.final(url, seed)


def _outputs(message: dict[str, Any], previous: Any, provider: str) -> Any:
    """The intermediate outputs: the first message has them whole, later ones as diffs."""
    output = message.get("output")
    data = output.get("data") if isinstance(output, dict) else None
    if not isinstance(data, list):
        raise ProtocolError(
            f"{provider} sent intermediate outputs of unknown shape: {excerpt(str(output))!r}", provider=provider
        )
    if previous is None:
        return data
    if len(data) != len(previous):
        raise ProtocolError(f"{provider} sent {len(data)} output diffs for {len(previous)} outputs.", provider=provider)
    return [apply_diff(old, edits, provider) for old, edits in zip(previous, data, strict=True)]


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    number = _num(value)
    return int(number) if number is not None else None
