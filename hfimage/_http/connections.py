"""Connections under a call's watch, and the redirect and token rules of hfimage's session.

Each socket a request connects or reuses is registered with the call's ``Watch`` from the
moment it exists, so the deadline also cuts a stalled look-up, TLS handshake, proxy or
response head. ``sending`` marks the request a thread is sending.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import requests
import urllib3.exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .auth import TOKEN_HEADERS
from .resolve import LookupTimeoutError, addresses, is_address
from .urls import origin, url_problem
from .watch import Watch, released


class RefusedRedirect(requests.RequestException):
    """A redirect whose target a server could have written to mislead; it is not followed."""

    def __init__(self, target: str, problem: str) -> None:
        super().__init__(f"{problem}: {target[:100]!r}")
        self.problem = problem


class Session(requests.Session):
    """A session that follows only unambiguous redirects, and drops every token header when one
    leaves the origin (scheme, host or port): requests drops ``Authorization`` on a change of
    host only, and never ``X-HF-Authorization``.
    """

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        problem = None if target is None else url_problem(target, relative=True)
        if target is not None and problem is not None:
            resp.close()
            raise RefusedRedirect(target, problem)
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
def sending(watch: Watch) -> Iterator[None]:
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


class WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with hfimage's watched connections, direct or through a proxy."""

    _POOLS: ClassVar[dict[str, type[HTTPConnectionPool]]] = {"http": _WatchedPool, "https": _WatchedTLSPool}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> urllib3.PoolManager:
        manager: urllib3.PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = self._POOLS
        return manager
