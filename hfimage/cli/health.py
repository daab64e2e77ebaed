"""Is a provider reachable now? A quick look for ``hfimage providers --check``."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .._core.deadline import Deadline
from .._http.transport import Channel, Transport
from ..client import Client
from ..errors import HFImageError
from ..providers import Provider, Space


@dataclass(frozen=True)
class Health:
    """What one look at a provider found: reachable or not (``detail`` says why), its Gradio version, latency."""

    provider: str
    url: str
    reachable: bool
    detail: str
    version: str | None = None
    latency: float | None = None


def check(provider: Provider, client: Client, transport: Transport, *, timeout: float) -> Health:
    """Ask the provider whether it answers, within ``timeout`` seconds: a space reads its app's description
    as ``inspect`` does (through the Hub where the space is found there); another provider, its front page."""
    started = time.monotonic()
    try:
        if isinstance(provider, Space):
            description = client.inspect(provider, timeout=timeout)
            url, version = description.url, description.gradio_version
        else:
            credential = provider.credential(None)
            Channel(transport, Deadline(timeout), provider.name, credential).request("GET", provider.url).close()
            url, version = provider.url, None
    except HFImageError as error:
        return Health(provider.name, provider.url, False, f"{type(error).__name__}: {error}")
    return Health(provider.name, url, True, "ok", version, time.monotonic() - started)
