"""pytest fixtures for testing code that uses hfimage; registered as a plugin when hfimage is installed.

- ``fake_space``: a fake Gradio space (Flux-shaped, Gradio 5+ layout) on 127.0.0.1.
- ``fake_imagelabs``: a fake ImageLabs API on 127.0.0.1.
- ``fake_providers``: every built-in provider pointed at fakes for the test, so that code calling
  ``hfimage.generate("...")`` runs unchanged and offline; its ``flux``, ``voodoohop``, ``sd35`` and
  ``imagelabs`` attributes are the fakes, to script and to inspect.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .. import compat
from ..providers import BlackForestLabs_Flux1Schnell, ImageLabs, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from ._gradio import SD35_INPUTS, FakeSpace
from ._imagelabs import FakeImageLabs


@dataclass(frozen=True)
class FakeProviders:
    """The fakes behind every built-in provider during a test."""

    flux: FakeSpace
    voodoohop: FakeSpace
    sd35: FakeSpace
    imagelabs: FakeImageLabs


@pytest.fixture
def fake_space() -> Iterator[FakeSpace]:
    """A fake Gradio space on 127.0.0.1, closed after the test."""
    with FakeSpace() as space:
        yield space


@pytest.fixture
def fake_imagelabs() -> Iterator[FakeImageLabs]:
    """A fake ImageLabs API on 127.0.0.1, closed after the test."""
    with FakeImageLabs() as server:
        yield server


@pytest.fixture
def fake_providers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProviders]:
    """Every built-in provider (and its hfimage.aio drop-in) pointed at a fake for the test."""
    with contextlib.ExitStack() as stack:
        fakes = FakeProviders(
            flux=stack.enter_context(FakeSpace()),
            voodoohop=stack.enter_context(FakeSpace()),
            sd35=stack.enter_context(FakeSpace(inputs=SD35_INPUTS)),
            imagelabs=stack.enter_context(FakeImageLabs()),
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
