"""Turning what went wrong on the wire into hfimage's typed errors.

Network failures go through one table, ``FAILURES``, both while a request is sent and while a
body is read; HTTP answers with an error status go through ``check_status``; a body that should
be JSON through ``read_json``. Every error made here names the provider, and those made for an
HTTP answer carry its status code, URL and the server's detail.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from .._core.deadline import Deadline
from .._core.server_data import MAX_WAIT_SECONDS, parse_json
from .._core.spelling import advice
from .._core.text import excerpt, looks_like_html
from .._secrets import redact
from ..errors import (
    NETWORK_REASONS,
    AuthenticationError,
    ConnectionError,
    HFImageError,
    ProtocolError,
    RateLimitError,
    ServiceUnavailableError,
    TimeoutError,
)
from .urls import host_of, is_hf_origin, origin

CONNECT_TIMEOUT = 10.0
# At least 45 s: Gradio sends a heartbeat every 15 s, so a healthy stream never goes this quiet.
READ_TIMEOUT = 60.0
_ERROR_BODY_BYTES = 8192

FAILURES: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((requests.ConnectTimeout,), "connect"),
    ((requests.exceptions.SSLError,), "tls"),
    ((requests.exceptions.ProxyError,), "proxy"),
    ((urllib3.exceptions.NameResolutionError,), "name"),
    ((urllib3.exceptions.NewConnectionError,), "refused"),
    ((requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError), "dropped"),
)
"""Which failure a network exception is (a key of ``NETWORK_REASONS``), by the exception or what it
wraps; the first row that matches wins, so the most specific kinds come first. Nothing matched:
``"failed"``."""


def network_error(
    exc: Exception,
    url: str,
    deadline: Deadline,
    provider: str | None,
    *,
    timeouts: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    proxy: str | None = None,
    waited: float | None = None,
    answered: bool = True,
) -> HFImageError:
    """The typed error for a failure of the network, while sending a request or reading a body.

    ``timeouts`` are the connect and read timeouts in force, ``proxy`` the proxy the request
    went through, ``waited`` how long it had waited, ``answered`` whether any answer had come.
    """
    connect_timeout, read_timeout = timeouts
    host = host_of(url)
    causes = _causes(exc)

    def caused_by(*kinds: type[BaseException]) -> bool:
        return any(isinstance(cause, kinds) for cause in causes)

    # the proxy took the connection; then nothing came back, or it hung up without a word
    took_it = proxy is not None and not answered and not caused_by(urllib3.exceptions.NewConnectionError)
    if took_it and (_is_timeout(exc) or deadline.expired or caused_by(http.client.RemoteDisconnected)):
        return _silent_proxy(proxy or "", host, provider, deadline, waited)
    if deadline.expired:  # whatever broke, it broke because the watchdog cut it at the deadline
        return TimeoutError(deadline.message(f"waiting for {host}"), provider=provider)
    if _is_timeout(exc) and not isinstance(exc, requests.ConnectTimeout):
        return TimeoutError(
            f"{host} sent nothing for {read_timeout:g} s, so hfimage gave up on it. "
            "The space may be overloaded: try again later or use another provider.",
            provider=provider,
        )
    reason = next((reason for kinds, reason in FAILURES if caused_by(*kinds)), "failed")
    what, _, advice = NETWORK_REASONS[reason]
    if reason == "connect":
        what = f"{what} ({connect_timeout:g} s)"
    return ConnectionError(f"Could not talk to {host}: {what}. {advice}", provider=provider, reason=reason)


def _silent_proxy(
    proxy: str, host: str, provider: str | None, deadline: Deadline, waited: float | None
) -> HFImageError:
    advice = NETWORK_REASONS["proxy_silent"][2]
    shown = _without_credentials(proxy)
    message = f"The proxy {shown} took the request for {host} but sent no answer in {waited or 0:.1f} s. {advice}"
    if deadline.expired:
        return TimeoutError(message, provider=provider)
    return ConnectionError(message, provider=provider, reason="proxy_silent")


def _without_credentials(proxy: str) -> str:
    """The proxy's URL without a user name or password."""
    parts = urlsplit(proxy)
    if parts.username is None and parts.password is None:
        return proxy
    host = parts.hostname or ""
    return parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host).geturl()


def _is_timeout(exc: BaseException) -> bool:
    """True for a connect or read timeout; a refused connection is not one (although urllib3's
    NewConnectionError subclasses its ConnectTimeoutError)."""
    if isinstance(exc, requests.Timeout):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        exc = exc.args[0] if isinstance(exc.args[0], BaseException) else exc
    return isinstance(exc, (urllib3.exceptions.ReadTimeoutError, socket.timeout))


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps: arguments, ``reason`` attributes and causes."""
    found: list[BaseException] = []
    pending: list[object] = [exc]
    while pending and len(found) < 20:
        current = pending.pop()
        if not isinstance(current, BaseException) or any(current is seen for seen in found):
            continue
        found.append(current)
        pending += [*current.args, getattr(current, "reason", None), current.__cause__, current.__context__]
    return found


def error_body(response: requests.Response, secret: str | None = None) -> str:
    """At most a few KiB of a response's body, as text (the rest is never read), ``secret`` masked."""
    data = b""
    try:
        for chunk in response.iter_content(chunk_size=1024):
            data += chunk
            if len(data) >= _ERROR_BODY_BYTES:
                break
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
        pass  # a partial body is still worth quoting in the error
    return redact(data[:_ERROR_BODY_BYTES].decode("utf-8", errors="replace"), secret)


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_WAIT_SECONDS)
    import email.utils  # noqa: PLC0415 - rare (a Retry-After date) and slow to import: 15 ms

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(0.0, when.timestamp() - time.time()), MAX_WAIT_SECONDS)


def check_status(response: requests.Response, provider: str | None, secret: str | None = None) -> None:
    """Raise the typed error for a non-2xx answer, with its status code, URL and the server's detail;
    ``secret`` is masked in the body it quotes."""
    status = response.status_code
    if status < 400:
        return
    body = error_body(response, secret)
    detail = _detail(body)
    shown = provider or host_of(response.url)
    facts: dict[str, Any] = {"provider": provider, "status_code": status, "url": response.url, "detail": detail or None}
    if status in (401, 403):
        raise AuthenticationError(
            f"{shown} refused access (HTTP {status}): the space is private or gated, or the token is wrong. "
            f"{advice('Pass token= or set', 'Set')} HF_TOKEN to a Hugging Face token that can use it.",
            **facts,
        )
    if status == 429:
        wait = retry_after(response.headers.get("Retry-After"))
        hint = f"retry in {wait:.0f} s" if wait is not None else "wait a little before retrying"
        raise RateLimitError(f"{shown} is rate limiting requests (HTTP 429): {hint}.", retry_after=wait, **facts)
    if status >= 500:
        why = "the space is sleeping, building or down" if looks_like_html(body) else detail or "the server failed"
        raise ServiceUnavailableError(
            f"{shown} is unavailable (HTTP {status}): {why}. Try again in a minute, or use another provider.", **facts
        )
    if status == 404:
        raise ProtocolError(
            f"{shown} answered 404 Not Found for {urlsplit(response.url).path}: the space does not exist, "
            "is paused, or no longer offers this endpoint.",
            **facts,
        )
    raise ProtocolError(f"{shown} rejected the request (HTTP {status}): {detail or 'no reason given'}.", **facts)


def _detail(body: str) -> str:
    """The ``detail`` of a JSON error body, else an excerpt of the body."""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return excerpt(body)
    if isinstance(parsed, dict) and isinstance(parsed.get("detail"), str):
        return excerpt(parsed["detail"])
    return excerpt(body)


def read_json(response: requests.Response, provider: str | None, secret: str | None = None) -> Any:
    """The JSON body of a response; an HTML page or broken JSON becomes a typed error.

    Hugging Face's proxy answers for a sleeping or building space with an HTML page, so from
    its hosts a page means the space is unavailable; from any other host, a broken protocol.
    A server that echoes ``secret`` gets it masked before anything reads the answer.
    """
    with response:
        text = redact(response.text, secret)
    shown = provider or host_of(response.url)
    facts: dict[str, Any] = {"provider": provider, "status_code": response.status_code, "url": response.url}
    if looks_like_html(text):
        where = origin(response.url)
        if where is None or not is_hf_origin(where):
            raise ProtocolError(
                f"{shown} answered with a web page instead of JSON: {excerpt(text)!r}", detail=excerpt(text), **facts
            )
        raise ServiceUnavailableError(
            f"{shown} answered with a web page instead of its API: the space may be sleeping or building. "
            "Try again in a minute, or use another provider.",
            detail=excerpt(text),
            **facts,
        )
    return parse_json(text, shown, detail=excerpt(text), **facts)
