"""The settings requests takes from the environment (proxies, ``NO_PROXY``, a CA bundle), worked out
once per origin while the variables that decide them stay as they were.

requests reads them on every request, scanning the whole environment twice each time, which
was the largest part of a call's CPU. The answer depends only on the URL's origin and on a few
variables, so it is kept under those, and read afresh the moment any of them changes.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import requests

VARIABLES = (
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
    "REQUEST_METHOD", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)  # fmt: skip
"""Every variable requests' choice of proxy and CA bundle for an http(s) URL depends on
(``REQUEST_METHOD``, set under CGI, makes it ignore ``HTTP_PROXY``)."""


def _origin_key(url: str) -> str:
    """``scheme://authority``, cheaply: what the settings depend on (URLs that share it share them)."""
    return "/".join(url.split("/", 3)[:3]).lower()


class EnvironmentSettings:
    """``requests.Session.merge_environment_settings``, remembered per origin, proxy and variables."""

    def __init__(self, session: requests.Session) -> None:
        self._session = session
        self._known: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def for_url(self, url: str, proxy: str | None, *, stream: bool) -> dict[str, Any]:
        """The keyword arguments (proxies, verify, stream, cert) to send a request to ``url`` with."""
        key = (_origin_key(url), proxy, stream, *(os.environ.get(name) for name in VARIABLES))
        with self._lock:
            known = self._known.get(key)
        if known is None:
            proxies = {"http": proxy, "https": proxy} if proxy else {}
            known = dict(self._session.merge_environment_settings(url, proxies, stream, None, None))
            with self._lock:
                if len(self._known) > 1024:  # many origins (or changing variables): start afresh
                    self._known.clear()
                self._known[key] = known
        return {**known, "proxies": dict(known["proxies"])}
