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
  ``imagelabs`` attributes are the fakes, ``spaces`` the catalog's by id, to script and to inspect;
  ``router`` is a fake Inference Providers router, for calls with ``credits=``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .. import compat
from .._core.catalog import CATALOG
from .._core.disk_cache import CACHE_VARIABLE
from .._core.lazy import reset_default_clients
from .._core.spaces import SPACES
from ..providers import BlackForestLabs_Flux1Schnell, ImageLabs, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from ..providers.credits import ROUTER_PROVIDERS, ROUTER_VARIABLE
from ._gradio import FakeSpace
from ._hub import FakeHub
from ._imagelabs import FakeImageLabs
from ._router import FakeRouter, mapping


@dataclass(frozen=True)
class FakeProviders:
    """The fakes behind every built-in provider during a test."""

    flux: FakeSpace
    voodoohop: FakeSpace
    sd35: FakeSpace
    imagelabs: FakeImageLabs
    hub: FakeHub
    spaces: dict[str, FakeSpace]
    router: FakeRouter
    """The Inference Providers router (``HFIMAGE_ROUTER_URL``): the Hub maps every catalog model's
    repository to each of its providers, so calls with ``credits=`` run offline too."""
    """Every space of the catalog by id, each with its app's signature (``flux``, ``voodoohop`` and
    ``sd35`` are the built-in providers' own among them)."""


@contextlib.contextmanager
def fresh_state(monkeypatch: pytest.MonkeyPatch, folders: pytest.TempPathFactory) -> Iterator[None]:
    """New default clients and an empty disk cache for the test, and new default clients again after it:
    a fake's port is reused by other fakes in later tests and runs, and what one test's calls learnt
    (quota, spaces) must never stand for another's."""
    reset_default_clients()
    monkeypatch.setenv(CACHE_VARIABLE, str(folders.mktemp("hfimage-cache")))
    try:
        yield
    finally:
        reset_default_clients()


@pytest.fixture
def fake_space(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeSpace]:
    """A fake Gradio space on 127.0.0.1, closed after the test."""
    with fresh_state(monkeypatch, tmp_path_factory), FakeSpace() as space:
        yield space


@pytest.fixture
def fake_imagelabs() -> Iterator[FakeImageLabs]:
    """A fake ImageLabs API on 127.0.0.1, closed after the test."""
    with FakeImageLabs() as server:
        yield server


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeHub]:
    """A fake Hugging Face Hub on 127.0.0.1, set as ``HF_ENDPOINT`` for the test."""
    with fresh_state(monkeypatch, tmp_path_factory), FakeHub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        yield hub


@pytest.fixture
def fake_providers(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FakeProviders]:
    """Every built-in provider (and its hfimage.aio drop-in), and every catalog space behind a fake
    Hub, pointed at a fake for the test."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(fresh_state(monkeypatch, tmp_path_factory))
        hub = stack.enter_context(FakeHub())
        spaces = {
            space_id: stack.enter_context(FakeSpace(signature=entry.signature)) for space_id, entry in SPACES.items()
        }
        for space_id, space in spaces.items():
            hub.add(space_id, space.url)
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        router = stack.enter_context(FakeRouter())
        monkeypatch.setenv(ROUTER_VARIABLE, router.url)
        for info in CATALOG:
            if info.repo is not None:
                hub.models[info.repo] = mapping(*ROUTER_PROVIDERS)
        fakes = FakeProviders(
            flux=spaces[str(BlackForestLabs_Flux1Schnell.home_space)],
            voodoohop=spaces[str(Voodoohop_Flux1Schnell.home_space)],
            sd35=spaces[str(StabilityAI_SD35Large.home_space)],
            imagelabs=stack.enter_context(FakeImageLabs()),
            hub=hub,
            spaces=spaces,
            router=router,
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
