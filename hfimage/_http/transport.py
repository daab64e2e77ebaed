"""Sending requests and reading bodies: the session, its connections, timeouts and proxies.

Protocol code asks a ``Channel`` (a transport, with one call's deadline, token and proxy) for
JSON, an event stream or a body, and gets either the data or a typed hfimage error: requests'
exceptions never escape this module. Every socket in use is under the call's watch, so the
deadline and cancellation end any exchange at once; tokens are added as ``auth`` scopes them,
and failures are translated by ``errors``.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
import urllib3.exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .._core.cancel import Cancellation
from .._core.deadline import Deadline
from .._core.text import redact
from ..errors import (
    HFImageError,
    ProtocolError,
    TimeoutError,
)
from .auth import TOKEN_HEADERS, Credential
from .environment import EnvironmentSettings
from .errors import CONNECT_TIMEOUT, READ_TIMEOUT, check_status, network_error, read_json
from .resolve import LookupTimeoutError, addresses, is_address
from .urls import host_of, origin, url_problem
from .watch import Watch, released

log = logging.getLogger("hfimage")

POOL_SIZE = 64
# What is left of a finished event stream is its last few bytes, sent at once by a healthy server.
FINISH_SECONDS = 0.1
FINISH_BYTES = 65536
FINISH_CAP_SECONDS = 1.0
USER_AGENT = "hfimage (+https://pypi.org/project/hfimage/)"


class _RefusedRedirect(requests.RequestException):
    """A redirect whose target a server could have written to mislead; it is not followed."""

    def __init__(self, target: str, problem: str) -> None:
        super().__init__(f"{problem}: {target[:100]!r}")
        self.problem = problem


class _Session(requests.Session):
    """A session that follows only unambiguous redirects, and drops every token header when one
    leaves the origin (scheme, host or port): requests drops ``Authorization`` on a change of
    host only, and never ``X-HF-Authorization``.
    """

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        problem = None if target is None else url_problem(target, relative=True)
        if target is not None and problem is not None:
            resp.close()
            raise _RefusedRedirect(target, problem)
        return target

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        if origin(response.request.url or "") != origin(prepared_request.url or ""):
            for name in TOKEN_HEADERS:
                prepared_request.headers.pop(name, None)
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]


class _InUse(threading.local):
    """The watch of the request this thread is sending, and the sockets registered with it."""

    watch: Watch | None = None
    sockets: contextlib.ExitStack | None = None


_in_use = _InUse()


@contextlib.contextmanager
def _sending(watch: Watch) -> Iterator[None]:
    """While inside, every socket this thread's request connects or reuses is under ``watch``."""
    with contextlib.ExitStack() as sockets:
        _in_use.watch, _in_use.sockets = watch, sockets
        try:
            yield
        finally:
            _in_use.watch = _in_use.sockets = None


def _register(sock: socket.socket | None) -> None:
    if _in_use.watch is not None and _in_use.sockets is not None and sock is not None:
        _in_use.sockets.enter_context(_in_use.watch.using(sock))


class _Watched:
    """A connection whose socket is under the sending request's watch from the moment it exists,
    so that the deadline also cuts a stalled TLS handshake, proxy or response head."""

    sock: socket.socket | None
    host: str
    port: int
    timeout: float | None
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        watch, name = _in_use.watch, self._dns_host
        if watch is None or is_address(name):
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        else:
            sock = self._connect_by_address(name, watch)
        _register(sock)
        return sock

    def _connect_by_address(self, name: str, watch: Watch) -> socket.socket:
        """Look ``name`` up within the call's time, then connect to its addresses in turn, as urllib3
        would (it is told each address, so it does not ask the resolver again)."""
        limit = self.timeout if isinstance(self.timeout, (int, float)) else None
        try:
            found = addresses(name, self.port, watch, limit)
        except LookupTimeoutError as late:
            raise urllib3.exceptions.ConnectTimeoutError(self, f"Looking up {self.host} timed out.") from late
        except OSError as failed:
            raise urllib3.exceptions.NameResolutionError(self.host, self, failed) from failed  # type: ignore[arg-type]
        failure: Exception | None = None
        try:
            for address in found:
                self._dns_host = address
                try:
                    return super()._new_conn()  # type: ignore[misc, no-any-return]
                except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as refused:
                    failure = refused
        finally:
            self._dns_host = name
        raise failure or urllib3.exceptions.NameResolutionError(self.host, self, socket.gaierror())  # type: ignore[arg-type]

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedConnection(_Watched, HTTPConnection):
    pass


class _WatchedTLSConnection(_Watched, HTTPSConnection):
    pass


class _Releasing:
    """A pool that takes each connection it gets back out of every call's watch."""

    def _put_conn(self, conn: Any) -> None:
        released(getattr(conn, "sock", None))
        super()._put_conn(conn)  # type: ignore[misc]


class _WatchedPool(_Releasing, HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _WatchedTLSPool(_Releasing, HTTPSConnectionPool):
    ConnectionCls = _WatchedTLSConnection


class _Adapter(requests.adapters.HTTPAdapter):
    """requests' adapter with hfimage's watched connections, direct or through a proxy."""

    _POOLS: ClassVar[dict[str, type[HTTPConnectionPool]]] = {"http": _WatchedPool, "https": _WatchedTLSPool}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> urllib3.PoolManager:
        manager: urllib3.PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = self._POOLS
        return manager


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
        adapter = _Adapter(pool_connections=POOL_SIZE, pool_maxsize=max_connections)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._environment = EnvironmentSettings(self._session)

    @property
    def timeouts(self) -> tuple[float, float]:
        """The connect and read timeouts, in seconds."""
        return self.connect_timeout, self.read_timeout

    def forget_cookies(self, url: str) -> None:
        """Drop the cookies of ``url``'s host, e.g. the one that tied its requests to a replica."""
        with contextlib.suppress(KeyError):  # it set none
            self._session.cookies.clear(domain=host_of(url))

    def close(self) -> None:
        self._session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        watch: Watch,
        provider: str | None,
        credential: Credential | None = None,
        proxy: str | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """Send one request; return a response with a 2xx status, or raise a typed error.

        The whole exchange, from connecting to the last byte of a body that is not streamed,
        ends at the watch's deadline or cancellation.
        """
        deadline = watch.deadline
        if watch.cancellation is not None:
            watch.cancellation.check()
        remaining = deadline.remaining()
        if remaining <= 0:
            raise TimeoutError(deadline.message(f"waiting for {host_of(url)}"), provider=provider)
        prepared = self._session.prepare_request(requests.Request(method, url, headers=headers, json=json))
        if credential is not None:  # scoped on the URL exactly as it will be sent
            prepared.headers.update(credential.headers_for(prepared.url or ""))
        settings = self._environment.for_url(prepared.url or url, proxy, stream=stream)
        timeout = (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))
        started = time.monotonic()
        try:
            with _sending(watch):
                response = self._session.send(prepared, timeout=timeout, allow_redirects=True, **settings)
        except _RefusedRedirect as exc:
            raise ProtocolError(
                f"{provider or host_of(url)} redirected to a URL hfimage will not follow ({exc.problem}).",
                provider=provider,
            ) from None
        except requests.RequestException as exc:
            if watch.cancellation is not None:
                watch.cancellation.check()
            via = requests.utils.select_proxy(prepared.url or url, settings.get("proxies"))
            waited = time.monotonic() - started
            raise network_error(
                exc, url, deadline, provider, timeouts=self.timeouts, proxy=via, waited=waited, answered=False
            ) from exc
        if watch.expired:  # cut at the deadline: what arrived may be a truncated body
            response.close()
            raise TimeoutError(deadline.message(f"waiting for {host_of(url)}"), provider=provider)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s -> %s in %.3f s",
                method,
                redact(url, credential.token if credential else None),
                response.status_code,
                time.monotonic() - started,
            )
        try:
            check_status(response, provider, credential.token if credential else None)
        except HFImageError:
            response.close()
            raise
        return response


class Body(Iterator[bytes]):
    """A streamed response's body, chunk by chunk, as the bytes arrive.

    ``piece`` caps how much is read at once: None hands over each chunk of a chunked body as it
    comes (what an event stream needs), but reads a body of known length whole.

    While a read is under way, the response's socket is under the call's watch, so the read
    ends at the deadline or on cancellation however slowly the server sends; between reads the
    socket's own timeout (the read timeout) bounds silence. Only while the response still owns
    its connection: once read to the end, urllib3 hands it back to the pool for other calls.
    """

    def __init__(self, transport: Transport, response: requests.Response, *, watch: Watch, provider: str | None,
                 piece: int | None) -> None:  # fmt: skip
        self._transport = transport
        self._response = response
        self._url = response.url
        self._watch = watch
        self._provider = provider
        self._chunks = response.iter_content(chunk_size=piece)
        self._soft_deadline: Deadline | None = None
        self._quiet = transport.read_timeout

    def __next__(self) -> bytes:
        watch = self._watch
        while True:
            remaining = watch.deadline.remaining()
            if self._soft_deadline is not None:
                remaining = min(remaining, self._soft_deadline.remaining())
            if remaining <= 0 or watch.expired:
                raise self._timeout()
            sock = _socket_of(self._response)
            if sock is not None:
                with contextlib.suppress(OSError):  # closed under us: the read below says how
                    sock.settimeout(min(self._quiet, remaining))
            try:
                with watch.using(sock):
                    chunk: bytes = next(self._chunks)
            except StopIteration:
                self._check_cut()  # a body that ends when its connection closes ends when it is cut, too
                raise
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                self._check_cut()
                raise network_error(
                    exc, self._url, watch.deadline, self._provider, timeouts=self._transport.timeouts
                ) from exc
            if chunk:
                return chunk

    def _check_cut(self) -> None:
        if self._watch.cancellation is not None:
            self._watch.cancellation.check()
        if self._watch.expired:
            raise self._timeout()

    def _timeout(self) -> TimeoutError:
        return TimeoutError(self._watch.deadline.message(f"waiting for {host_of(self._url)}"), provider=self._provider)

    def finish(self, seconds: float = FINISH_SECONDS, limit: int = FINISH_BYTES) -> bool:
        """Read the rest of a stream whose job is over; True if it ended in time.

        Reaching the end lets urllib3 hand the connection back to the pool, so the next call
        skips a new TCP and TLS handshake. A server that stays silent for ``seconds``, or goes
        on sending for more than ``limit`` bytes or ``FINISH_CAP_SECONDS``, only costs its
        connection, which closing drops. Silence is measured by the socket, so a thread starved
        of the CPU for a moment (many calls at once) does not lose a healthy connection.
        """
        self._quiet = seconds
        self._soft_deadline = Deadline(FINISH_CAP_SECONDS)
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
    """The socket a streamed response reads from. For a body that ends when the connection
    closes, http.client has already let go of the connection and only its file holds the socket."""
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        reader = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


REPLICA_HEADER = "X-Proxied-Replica"
"""The header Hugging Face's proxy names the replica that answered with, for spaces that run several."""


@dataclass(frozen=True)
class Channel:
    """Everything one call needs to talk to one provider: transport, deadline, token and proxy."""

    transport: Transport
    deadline: Deadline
    provider: str
    credential: Credential | None = None
    proxy: str | None = None
    cancellation: Cancellation | None = None
    watch: Watch = field(init=False, repr=False, compare=False)
    replica: list[str] = field(default_factory=list, repr=False, compare=False)
    """The replica (``X-Proxied-Replica``) that answered this channel's latest request, if a proxy said."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "watch", Watch(self.deadline, self.cancellation))

    @property
    def secret(self) -> str | None:
        """The token this channel may send: masked in whatever its servers answer."""
        return self.credential.token if self.credential is not None else None

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        response = self.transport.request(
            method,
            url,
            watch=self.watch,
            provider=self.provider,
            credential=self.credential,
            proxy=self.proxy,
            **kwargs,
        )
        replica = response.headers.get(REPLICA_HEADER)
        if replica:
            self.replica[:] = [replica]
        return response

    def get_json(self, url: str) -> Any:
        return read_json(self.request("GET", url), self.provider, self.secret)

    def post_json(self, url: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return read_json(self.request("POST", url, json=body, headers=headers), self.provider, self.secret)

    @contextlib.contextmanager
    def event_stream(self, url: str) -> Iterator[Body]:
        """GET an event stream; its body, closed on the way out (which cancels a running job)."""
        response = self.request("GET", url, stream=True)
        with contextlib.closing(response):
            yield self.body(response)

    def body(self, response: requests.Response, *, piece: int | None = None) -> Body:
        """The body of a streamed response, read chunk by chunk within this call's deadline."""
        return Body(self.transport, response, watch=self.watch, provider=self.provider, piece=piece)

    def sleep(self, seconds: float) -> None:
        """Wait between polls; a cancellation cuts the wait short."""
        if self.cancellation is None:
            time.sleep(seconds)
        else:
            self.cancellation.sleep(seconds)
