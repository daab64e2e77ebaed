"""Checks of the arguments a client and its calls share; each raises InvalidRequestError, before anything is sent."""

from __future__ import annotations

import math
import os
from pathlib import Path

from .._core.disk_cache import DiskCache, cache_folder
from .._http.auth import check_token, token_from_environment
from .._http.urls import url_problem
from .._protocols.gradio.runner import PROTOCOLS
from .._secrets import without_secrets
from ..errors import InvalidRequestError


def call_token(given: object, client_token: str | None) -> str | None:
    """The token a call uses: the one it was given (checked), else its client's, else ``HF_TOKEN``."""
    return check_token(given, "token=") or client_token or token_from_environment()


def check_protocol(protocol: object) -> str:
    if protocol not in PROTOCOLS:
        raise InvalidRequestError(f"protocol must be one of {', '.join(PROTOCOLS)}; got {protocol!r}.")
    return str(protocol)


def check_proxy(proxy: object) -> str | None:
    if proxy is None:
        return None
    if not isinstance(proxy, str) or "://" not in proxy:
        raise InvalidRequestError(f"proxy must be a URL such as 'http://127.0.0.1:3128'; got {proxy!r}.")
    return proxy


def check_router(url: object) -> str | None:
    """``router_url=``: an http(s) URL without user info (None: the environment's, else Hugging Face's)."""
    if url is None:
        return None
    if not isinstance(url, str) or url_problem(url.strip().rstrip("/")) is not None:
        raise InvalidRequestError(
            f"router_url must be an http(s) URL such as https://router.huggingface.co, without a user or password; "
            f"got {without_secrets(str(url))[:200]!r}."
        )
    return url.strip().rstrip("/")


def check_timeout(timeout: object) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
        raise InvalidRequestError(f"timeout must be a positive number of seconds; got {timeout!r}.")
    return float(timeout)


def disk_cache(cache: object) -> DiskCache | None:
    """The disk cache ``cache=`` asks for: the default folder for True, none for False, else the folder given."""
    if cache is True:
        return DiskCache(cache_folder())
    if cache is False:
        return None
    if isinstance(cache, (str, os.PathLike)) and str(cache).strip():
        return DiskCache(Path(cache).expanduser())
    raise InvalidRequestError(f"cache must be True, False or a folder's path; got {cache!r}.")
