"""pytest fixtures for testing code that uses hfimage; registered as a plugin when hfimage is installed.

Each gives ``hfimage.generate()`` (and its async twins) a new default client for the test, and
(but ``fake_imagelabs``) an empty disk cache of its own in ``$HFIMAGE_CACHE``.

- ``fake_space``: a fake Gradio space (Flux-shaped, Gradio 5+ layout) on 127.0.0.1.
- ``fake_imagelabs``: a fake ImageLabs API on 127.0.0.1.
- ``fake_hub``: a fake Hugging Face Hub on 127.0.0.1, set as ``HF_ENDPOINT`` for the test: spaces
  named by id are found where you ``add()`` them.
- ``fake_providers``: every built-in provider, and every space of the catalog behind a fake Hub,
  pointed at fakes for the test, so that code calling ``hfimage.generate("...")`` (or naming a
  catalog model or space) runs unchanged and offline; its ``flux``, ``voodoohop``, ``sd35`` and
  ``imagelabs`` attributes are the fakes, ``spaces`` the catalog's by id, to script and to inspect.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .. import compat
from .._core.catalog import KNOWN_SPACES
from .._core.disk_cache import CACHE_VARIABLE
from .._core.lazy import Lazy
from .._protocols.hub import HUB_VARIABLE
from ..providers import BlackForestLabs_Flux1Schnell, ImageLabs, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from ._gradio import SD35_INPUTS, FakeSpace
from ._hub import FakeHub
from ._imagelabs import FakeImageLabs
from ._signatures import SIGNATURES


@dataclass(frozen=True)
class FakeProviders:
    """The fakes behind every built-in provider during a test."""

    flux: FakeSpace
    voodoohop: FakeSpace
    sd35: FakeSpace
    imagelabs: FakeImageLabs
    hub: FakeHub
    spaces: dict[str, FakeSpace]
    """The catalog's spaces by id, each with its app's signature."""


def fresh_default_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give ``hfimage.generate()`` and its async and drop-in twins new default clients for the test, so
    what one test's calls learnt (quota, spaces) does not carry into the next."""
    from .. import client as sync_client  # noqa: PLC0415 - loaded when a fixture asks for it
    from ..aio import _client as async_client  # noqa: PLC0415
    from ..compat import generators  # noqa: PLC0415

    monkeypatch.setattr(sync_client, "_default", Lazy(sync_client.Client))
    monkeypatch.setattr(async_client, "_default", Lazy(async_client.Client))
    monkeypatch.setattr(generators, "_client", Lazy(async_client.Client))


def fresh_state(monkeypatch: pytest.MonkeyPatch, folders: pytest.TempPathFactory) -> None:
    """New default clients and an empty disk cache for the test: a fake's port is reused by other fakes
    in later tests and runs, and a description kept for one must never stand for another."""
    fresh_default_clients(monkeypatch)
    monkeypatch.setenv(CACHE_VARIABLE, str(folders.mktemp("hfimage-cache")))


@pytest.fixture
def fake_space(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeSpace]:
    """A fake Gradio space on 127.0.0.1, closed after the test."""
    fresh_state(monkeypatch, tmp_path_factory)
    with FakeSpace() as space:
        yield space


@pytest.fixture
def fake_imagelabs() -> Iterator[FakeImageLabs]:
    """A fake ImageLabs API on 127.0.0.1, closed after the test."""
    with FakeImageLabs() as server:
        yield server


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeHub]:
    """A fake Hugging Face Hub on 127.0.0.1, set as ``HF_ENDPOINT`` for the test."""
    fresh_state(monkeypatch, tmp_path_factory)
    with FakeHub() as hub:
        monkeypatch.setenv(HUB_VARIABLE, hub.url)
        yield hub


@pytest.fixture
def fake_providers(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FakeProviders]:
    """Every built-in provider (and its hfimage.aio drop-in), and every catalog space behind a fake
    Hub, pointed at a fake for the test."""
    fresh_state(monkeypatch, tmp_path_factory)
    with contextlib.ExitStack() as stack:
        hub = stack.enter_context(FakeHub())
        spaces = {space_id: stack.enter_context(FakeSpace(signature=SIGNATURES[space_id])) for space_id in KNOWN_SPACES}
        for space_id, space in spaces.items():
            hub.add(space_id, space.url)
        monkeypatch.setenv(HUB_VARIABLE, hub.url)
        fakes = FakeProviders(
            flux=stack.enter_context(FakeSpace()),
            voodoohop=stack.enter_context(FakeSpace()),
            sd35=stack.enter_context(FakeSpace(inputs=SD35_INPUTS)),
            imagelabs=stack.enter_context(FakeImageLabs()),
            hub=hub,
            spaces=spaces,
        )
        pairs = (
            (BlackForestLabs_Flux1Schnell, compat.BlackForestLabs_Flux1Schnell, fakes.flux.url),
            (Voodoohop_Flux1Schnell, compat.Voodoohop_Flux1Schnell, fakes.voodoohop.url),
            (StabilityAI_SD35Large, compat.StabilityAI_SD35Large, fakes.sd35.url),
            (ImageLabs, compat.ImageLabs, fakes.imagelabs.url),
        )
        for provider, drop_in, url in pairs:
            monkeypatch.setattr(provider, "default_url", url)
            monkeypatch.setattr(drop_in, "url", url)
        yield fakes
