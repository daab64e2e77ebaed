"""Sending requests: one session per client, its connections, timeouts, proxies and error mapping.

Requests' exceptions never escape this layer: a request returns a response with a 2xx status or
raises a typed hfimage error. Every socket in use is under the call's watch, so the deadline and
cancellation end any exchange at once; tokens are added as ``auth`` scopes them, and failures
are translated by ``errors``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

import requests

from .._secrets import redact
from ..errors import (
    HFImageError,
    ProtocolError,
    TimeoutError,
)
from .auth import Credential
from .connections import RefusedRedirect, Session, WatchedAdapter, sending
from .environment import EnvironmentSettings
from .errors import CONNECT_TIMEOUT, READ_TIMEOUT, check_status, network_error
from .multipart import Form
from .urls import host_of
from .watch import Watch

log = logging.getLogger("hfimage")

POOL_SIZE = 64
USER_AGENT = "hfimage (+https://pypi.org/project/hfimage/)"


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
        self._session = Session()
        self._session.headers["User-Agent"] = USER_AGENT
        adapter = WatchedAdapter(pool_connections=POOL_SIZE, pool_maxsize=max_connections)
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
        data: Form | None = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """Send one request; return a response with a 2xx status, or raise a typed error.

        The whole exchange, from connecting through sending ``data`` (a form streamed from its
        files) to the last byte of a body that is not streamed, ends at the watch's deadline or
        cancellation.
        """
        deadline = watch.deadline
        if watch.cancellation is not None:
            watch.cancellation.check()
        remaining = deadline.remaining()
        if remaining <= 0:
            raise TimeoutError(deadline.message(f"waiting for {host_of(url)}"), provider=provider)
        if data is not None:
            headers = {**(headers or {}), "Content-Type": data.content_type}
        prepared = self._session.prepare_request(requests.Request(method, url, headers=headers, json=json, data=data))
        if credential is not None:  # scoped on the URL exactly as it will be sent
            prepared.headers.update(credential.headers_for(prepared.url or ""))
        settings = self._environment.for_url(prepared.url or url, proxy, stream=stream)
        timeout = (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))
        started = time.monotonic()
        try:
            with sending(watch):
                response = self._session.send(prepared, timeout=timeout, allow_redirects=True, **settings)
        except RefusedRedirect as exc:
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
