"""Is a provider reachable now? A quick look for ``hfimage providers --check``."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..client import Client
from ..errors import HFImageError
from ..providers import Provider


@dataclass(frozen=True)
class Health:
    """What one look at a provider found: reachable or not (``detail`` says why), its Gradio version, latency."""

    provider: str
    url: str
    reachable: bool
    detail: str
    version: str | None = None
    latency: float | None = None


def check(provider: Provider, client: Client, *, timeout: float) -> Health:
    """Ask the provider whether it answers, within ``timeout`` seconds (see ``Client.ping``)."""
    started = time.monotonic()
    try:
        url, version = client.ping(provider, timeout=timeout)
    except HFImageError as error:
        return Health(provider.name, provider.url, False, f"{type(error).__name__}: {error}")
    return Health(provider.name, url, True, "ok", version, time.monotonic() - started)
