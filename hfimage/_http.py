"""The one place that talks HTTP: the session, timeouts, proxies, token scoping, error mapping.

Protocol code asks a ``Transport`` for JSON, an event stream or a download, and gets
either the data or a typed hfimage error; requests' exceptions never escape this module.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from ._cancel import Cancellation
from ._deadline import Deadline
from ._text import excerpt, looks_like_html, mask, redact
from .errors import (
    AuthenticationError,
    ConnectionError,
    HFImageError,
    ProtocolError,
    RateLimitError,
    ServiceUnavailableError,
    TimeoutError,
)

log = logging.getLogger("hfimage")

CONNECT_TIMEOUT = 10.0
# At least 45 s: Gradio sends a heartbeat every 15 s, so a healthy stream never goes this quiet.
READ_TIMEOUT = 60.0
POOL_SIZE = 64
_ERROR_BODY_BYTES = 8192
# What is left of a finished event stream is its last few bytes, sent at once by a healthy server.
FINISH_SECONDS = 0.1
FINISH_BYTES = 65536
HF_HEADER = "X-HF-Authorization"
TOKEN_HEADERS = (HF_HEADER, "Authorization")
USER_AGENT = "hfimage (+https://pypi.org/project/hfimage/)"


def is_hf_host(host: str) -> bool:
    """True for hosts of Hugging Face itself: ``*.hf.space``, ``huggingface.co`` and its subdomains."""
    host = host.lower().rstrip(".")
    return host.endswith(".hf.space") or host == "huggingface.co" or host.endswith(".huggingface.co")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class Credential:
    """A Hugging Face token and the hosts it may reach.

    It goes to Hugging Face hosts, as ``X-HF-Authorization`` (the Hugging Face proxy strips it,
    so a space's own code never sees it), and, as ``Authorization``, to ``own_host`` alone: the
    host of a provider instance that was given this token explicitly.
    """

    token: str
    own_host: str | None = None

    def headers_for(self, url: str) -> dict[str, str]:
        host = host_of(url)
        if urlsplit(url).scheme not in ("http", "https"):
            return {}
        if is_hf_host(host):
            return {HF_HEADER: f"Bearer {self.token}"}
        if self.own_host is not None and host == self.own_host:
            return {"Authorization": f"Bearer {self.token}"}
        return {}

    def __repr__(self) -> str:
        return f"Credential(token={mask(self.token)!r}, own_host={self.own_host!r})"


class _Session(requests.Session):
    """A session that drops every token header when a redirect leaves the host.

    requests drops ``Authorization`` itself, but not ``X-HF-Authorization``.
    """

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        if host_of(response.request.url or "") != host_of(prepared_request.url or ""):
            for name in TOKEN_HEADERS:
                prepared_request.headers.pop(name, None)
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]


class Transport:
    """One HTTP session, shared by every call of a client, with hfimage's timeouts and error mapping."""

    def __init__(
        self,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        max_connections: int = POOL_SIZE,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._session = _Session()
        self._session.headers["User-Agent"] = USER_AGENT
        adapter = requests.adapters.HTTPAdapter(pool_connections=POOL_SIZE, pool_maxsize=max_connections)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def close(self) -> None:
        self._session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        deadline: Deadline,
        provider: str | None,
        credential: Credential | None = None,
        proxy: str | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
        cancellation: Cancellation | None = None,
    ) -> requests.Response:
        """Send one request; return a response with a 2xx status, or raise a typed error."""
        if cancellation is not None:
            cancellation.check()
        doing = f"waiting for {host_of(url)}"
        deadline.check(doing)
        remaining = deadline.remaining()
        all_headers = dict(headers or {})
        if credential is not None:
            all_headers.update(credential.headers_for(url))
        started = time.monotonic()
        try:
            response = self._session.request(
                method,
                url,
                json=json,
                headers=all_headers,
                stream=stream,
                proxies={"http": proxy, "https": proxy} if proxy else None,
                timeout=(min(self.connect_timeout, remaining), min(self.read_timeout, remaining)),
            )
        except requests.RequestException as exc:
            if cancellation is not None:
                cancellation.check()
            raise self.network_error(exc, url, deadline, provider) from exc
        log.debug(
            "%s %s -> %s in %.3f s",
            method,
            redact(url, credential.token if credential else None),
            response.status_code,
            time.monotonic() - started,
        )
        try:
            check_status(response, provider)
        except HFImageError:
            response.close()
            raise
        return response

    def network_error(self, exc: Exception, url: str, deadline: Deadline, provider: str | None) -> HFImageError:
        host = host_of(url)
        if _is_timeout(exc):
            if deadline.expired:
                return TimeoutError(deadline.message(f"waiting for {host}"), provider=provider)
            if isinstance(exc, requests.ConnectTimeout):
                return ConnectionError(
                    f"Could not connect to {host} within {self.connect_timeout:g} s. "
                    "Check your network or proxy, or try again later.",
                    provider=provider,
                )
            return TimeoutError(
                f"{host} sent nothing for {self.read_timeout:g} s, so hfimage gave up on it. "
                "The space may be overloaded: try again later or use another provider.",
                provider=provider,
            )
        causes = _causes(exc)

        def caused_by(*kinds: type[BaseException]) -> bool:
            return any(isinstance(cause, kinds) for cause in causes)

        if caused_by(requests.exceptions.SSLError):
            reason, advice = "the TLS handshake failed", "Check the system's certificates and the proxy."
        elif caused_by(requests.exceptions.ProxyError):
            reason, advice = "the proxy refused or failed the connection", "Check the proxy setting."
        elif caused_by(urllib3.exceptions.NameResolutionError):
            reason, advice = "its name could not be resolved", "Check your internet connection."
        elif caused_by(urllib3.exceptions.NewConnectionError):
            reason, advice = "nothing accepted the connection", "Check the URL, your network and proxy."
        elif caused_by(requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError):
            reason, advice = "the connection dropped in the middle of the answer", "The space may have restarted."
        else:
            reason, advice = "the connection failed", "Check your network and proxy settings."
        return ConnectionError(
            f"Could not talk to {host}: {reason}. {advice} Then try again.",
            provider=provider,
        )


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


class Body(Iterator[bytes]):
    """A streamed response's body, chunk by chunk, as the bytes arrive.

    ``piece`` caps how much is read at once: None hands over each chunk of a chunked body as it
    comes (what an event stream needs), but reads a body of known length whole.

    Before each read the socket's timeout is set to what is left of the deadline (at most
    the read timeout), so a server that keeps sending heartbeats cannot outlive the deadline,
    and a cancellation may shut the socket down, which ends a blocked read at once. Both only
    while the response still owns its connection: once read to the end, urllib3 hands the
    connection back to the pool, and another call's request may be using it.
    """

    def __init__(
        self,
        transport: Transport,
        response: requests.Response,
        *,
        deadline: Deadline,
        provider: str | None,
        cancellation: Cancellation | None,
        piece: int | None,
    ) -> None:
        self._transport = transport
        self._response = response
        self._url = response.url
        self._deadline = deadline
        self._provider = provider
        self._cancellation = cancellation
        self._chunks = response.iter_content(chunk_size=piece)

    def __next__(self) -> bytes:
        while True:
            remaining = self._deadline.remaining()
            if remaining <= 0:
                raise TimeoutError(self._deadline.message(f"waiting for {host_of(self._url)}"), provider=self._provider)
            sock = _socket_of(self._response)
            if sock is not None:
                with contextlib.suppress(OSError):  # closed under us: the read below says how
                    sock.settimeout(min(self._transport.read_timeout, remaining))
            cancellation = self._cancellation
            try:
                with cancellation.watching(sock) if cancellation is not None else contextlib.nullcontext():
                    chunk: bytes = next(self._chunks)
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                if cancellation is not None:
                    cancellation.check()
                raise self._transport.network_error(exc, self._url, self._deadline, self._provider) from exc
            if chunk:
                return chunk

    def finish(self, seconds: float = FINISH_SECONDS, limit: int = FINISH_BYTES) -> bool:
        """Read the rest of a stream whose job is over; True if it ended in time.

        Reaching the end lets urllib3 hand the connection back to the pool, so the next call
        skips a new TCP and TLS handshake. A server that goes on sending for more than
        ``seconds`` or ``limit`` bytes only costs its connection, which closing drops.
        """
        self._deadline = Deadline(min(seconds, self._deadline.remaining()))
        read = 0
        try:
            for chunk in self:
                read += len(chunk)
                if read > limit:
                    return False
        except HFImageError:
            return False
        return True


def _socket_of(response: requests.Response) -> socket.socket | None:
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def error_body(response: requests.Response) -> str:
    """At most a few KiB of a response's body, as text (the rest is never read)."""
    data = b""
    try:
        for chunk in response.iter_content(chunk_size=1024):
            data += chunk
            if len(data) >= _ERROR_BODY_BYTES:
                break
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
        pass  # a partial body is still worth quoting in the error
    return data[:_ERROR_BODY_BYTES].decode("utf-8", errors="replace")


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    import email.utils  # noqa: PLC0415 - rare (a Retry-After date) and slow to import: 15 ms

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def check_status(response: requests.Response, provider: str | None) -> None:
    """Raise the typed error for a non-2xx answer."""
    status = response.status_code
    if status < 400:
        return
    host = host_of(response.url)
    body = error_body(response)
    detail = _detail(body)
    who = provider or host
    if status in (401, 403):
        raise AuthenticationError(
            f"{who} refused access (HTTP {status}): the space is private or gated, or the token is wrong. "
            "Pass token= or set HF_TOKEN to a Hugging Face token that can use it.",
            provider=provider,
        )
    if status == 429:
        wait = retry_after(response.headers.get("Retry-After"))
        hint = f"retry in {wait:.0f} s" if wait is not None else "wait a little before retrying"
        raise RateLimitError(
            f"{who} is rate limiting requests (HTTP 429): {hint}.", provider=provider, retry_after=wait
        )
    if status >= 500:
        why = "the space is sleeping, building or down" if looks_like_html(body) else detail or "the server failed"
        raise ServiceUnavailableError(
            f"{who} is unavailable (HTTP {status}): {why}. Try again in a minute, or use another provider.",
            provider=provider,
            status_code=status,
        )
    if status == 404:
        raise ProtocolError(
            f"{who} answered 404 Not Found for {urlsplit(response.url).path}: the space does not exist, "
            "is paused, or no longer offers this endpoint.",
            provider=provider,
        )
    raise ProtocolError(
        f"{who} rejected the request (HTTP {status}): {detail or 'no reason given'}.", provider=provider
    )


def _detail(body: str) -> str:
    """The ``detail`` of a JSON error body, else an excerpt of the body."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return excerpt(body)
    if isinstance(parsed, dict) and isinstance(parsed.get("detail"), str):
        return excerpt(parsed["detail"])
    return excerpt(body)


def read_json(response: requests.Response, provider: str | None) -> Any:
    """The JSON body of a response; an HTML page or broken JSON becomes a typed error.

    Hugging Face's proxy answers for a sleeping or building space with an HTML page, so from
    its hosts a page means the space is unavailable; from any other host, a broken protocol.
    """
    with response:
        text = response.text
    who = provider or host_of(response.url)
    if looks_like_html(text):
        if not is_hf_host(host_of(response.url)):
            raise ProtocolError(f"{who} answered with a web page instead of JSON: {excerpt(text)!r}", provider=provider)
        raise ServiceUnavailableError(
            f"{who} answered with a web page instead of its API: the space may be sleeping or building. "
            "Try again in a minute, or use another provider.",
            provider=provider,
            status_code=response.status_code,
        )
    try:
        return response.json()
    except ValueError as exc:
        raise ProtocolError(
            f"{who} answered with something that is not JSON: {excerpt(text)!r}", provider=provider
        ) from exc


@dataclass(frozen=True)
class Channel:
    """Everything one call needs to talk to one provider: transport, deadline, token and proxy."""

    transport: Transport
    deadline: Deadline
    provider: str
    credential: Credential | None = None
    proxy: str | None = None
    cancellation: Cancellation | None = None

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        return self.transport.request(
            method,
            url,
            deadline=self.deadline,
            provider=self.provider,
            credential=self.credential,
            proxy=self.proxy,
            cancellation=self.cancellation,
            **kwargs,
        )

    def get_json(self, url: str) -> Any:
        return read_json(self.request("GET", url), self.provider)

    def post_json(self, url: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return read_json(self.request("POST", url, json=body, headers=headers), self.provider)

    @contextlib.contextmanager
    def event_stream(self, url: str) -> Iterator[Body]:
        """GET an event stream; its body, closed on the way out (which cancels a running job)."""
        response = self.request("GET", url, stream=True)
        with contextlib.closing(response):
            yield self.body(response)

    def body(self, response: requests.Response, *, piece: int | None = None) -> Body:
        """The body of a streamed response, read chunk by chunk within this call's deadline."""
        return Body(
            self.transport,
            response,
            deadline=self.deadline,
            provider=self.provider,
            cancellation=self.cancellation,
            piece=piece,
        )

    def sleep(self, seconds: float) -> None:
        """Wait between polls; a cancellation cuts the wait short."""
        if self.cancellation is None:
            time.sleep(seconds)
        else:
            self.cancellation.sleep(seconds)
