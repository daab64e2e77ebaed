"""The ImageLabs protocol: start a task, then poll its progress until it is done.

POST ``/txt2img`` with the prompt and settings answers ``{"task_id": ...}``; POST ``/progress``
with that id answers ``{"status": ..., "final_image_url": ...}`` until the URL appears or the
status names an error. The start is sent once, never again (it costs the user a
generation); a poll that fails in passing is retried within the deadline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from .._core.server_data import reading
from .._core.text import excerpt, plain
from .._http.channel import Channel
from .._http.urls import server_id, server_url
from ..errors import (
    AuthenticationError,
    BrowserCheckError,
    ConnectionError,
    ProtocolError,
    ProviderError,
    ServiceUnavailableError,
    TimeoutError,
)
from ..results import Event, Status
from .output import Output
from .poll import PollSchedule, polls

MAX_POLL_FAILURES = 3
BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@dataclass(frozen=True)
class Progress:
    """One answer of ``/progress``: done with an image URL, failed with a reason, or still running."""

    state: str  # "done", "failed" or "running"
    detail: str


def read_progress(answer: Any, provider: str) -> Progress:
    """What a ``/progress`` answer says; an answer of unknown shape is a ProtocolError."""
    if not isinstance(answer, dict):
        raise ProtocolError(f"{provider} answered a progress poll with {excerpt(str(answer))!r}.", provider=provider)
    url = answer.get("final_image_url")
    status = answer.get("status")
    if url:
        if not isinstance(url, str):
            raise ProtocolError(f"{provider} gave an image URL that is not text: {url!r}.", provider=provider)
        return Progress("done", url)
    if not isinstance(status, str):
        raise ProtocolError(
            f"{provider} answered a progress poll without a status: {excerpt(str(answer))!r}.", provider=provider
        )
    if "error" in status.lower():
        return Progress("failed", plain(status))
    if status == "Done":
        raise ProtocolError(f"{provider} says the task is done but gives no image URL.", provider=provider)
    return Progress("running", plain(status))


_BROWSER_CHECK = re.compile(
    r"just a moment|checking your browser|enable javascript and cookies|verify you are human|cloudflare",
    re.IGNORECASE,
)
"""Words of Cloudflare's challenge page that survive the page's tags being stripped."""


def is_browser_check(page: str) -> bool:
    """Whether an answer is Cloudflare's browser check (a challenge page) rather than the API's own."""
    return _BROWSER_CHECK.search(page) is not None


def headers_for(site: str) -> dict[str, str]:
    """The browser-like headers the ImageLabs API expects."""
    return {
        "Origin": site,
        "Referer": f"{site}/",
        "X-Requested-With": "XMLHttpRequest",
        "User-Agent": BROWSER_AGENT,
        "Accept": "application/json",
    }


def run_task(
    channel: Channel,
    site: str,
    body: dict[str, Any],
    *,
    seed: int | None,
    schedule: PollSchedule,
    sleep: Callable[[float], None] | None = None,
) -> Iterator[Output | Event]:
    """Start one task and poll it: Status events while it runs, then the final image, or a typed error."""
    headers = headers_for(site)
    provider = channel.provider
    try:
        started = channel.post_json(f"{site}/txt2img", body, headers=headers)
    except (AuthenticationError, ServiceUnavailableError, ProtocolError) as refused:
        if refused.status_code in (403, 429, 503) and is_browser_check(refused.detail or ""):
            raise BrowserCheckError(
                f"{provider} now lets only a logged-in browser in: its answer is Cloudflare's browser check "
                f"(HTTP {refused.status_code}), which hfimage cannot pass. Use another model, e.g. the default.",
                provider=provider,
                status_code=refused.status_code,
                url=refused.url,
            ) from refused
        raise
    task_id = started.get("task_id") if isinstance(started, dict) else None
    if task_id is None or task_id == "":
        raise ProtocolError(
            f"{provider} did not start the task (no task_id): {excerpt(str(started))!r}", provider=provider
        )
    server_id(task_id, "a task id", provider)
    with reading(provider, "a progress answer"):
        yield from _poll(channel, site, task_id, headers, seed=seed, schedule=schedule, sleep=sleep)


def _poll(
    channel: Channel,
    site: str,
    task_id: str | int,
    headers: dict[str, str],
    *,
    seed: int | None,
    schedule: PollSchedule,
    sleep: Callable[[float], None] | None,
) -> Iterator[Output | Event]:
    failures = 0
    last_status: str | None = None
    for _ in polls(channel.deadline, schedule, sleep=sleep or channel.sleep, provider=channel.provider):
        try:
            answer = channel.post_json(f"{site}/progress", {"task_id": task_id}, headers=headers)
        except (ConnectionError, ServiceUnavailableError, TimeoutError):
            failures += 1
            if failures >= MAX_POLL_FAILURES or channel.deadline.expired:
                raise
            continue
        failures = 0
        progress = read_progress(answer, channel.provider)
        if progress.state == "done":
            yield Output(server_url(urljoin(f"{site}/", progress.detail), channel.provider), seed, final=True)
            return
        if progress.state == "failed":
            raise ProviderError(f"{channel.provider} failed: {progress.detail}", provider=channel.provider)
        if progress.detail != last_status:
            last_status = progress.detail
            yield Status(provider=channel.provider, status=progress.detail)
