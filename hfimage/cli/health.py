"""Is a provider reachable now? A quick look for ``hfimage providers --check``."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .._core.deadline import Deadline
from .._http.transport import Channel, Transport
from .._protocols.gradio.directory import discover
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


def check(provider: Provider, transport: Transport, *, timeout: float, token: str | None = None) -> Health:
    """Ask the provider for its config (a Gradio app) or its front page, within ``timeout`` seconds."""
    channel = Channel(transport, Deadline(timeout), provider.name, provider.credential(token))
    started = time.monotonic()
    try:
        if isinstance(provider, Space):
            version = discover(channel, provider.url).version
        else:
            channel.request("GET", provider.url).close()
            version = None
    except HFImageError as error:
        return Health(provider.name, provider.url, False, f"{type(error).__name__}: {error}")
    return Health(provider.name, provider.url, True, "ok", version, time.monotonic() - started)
