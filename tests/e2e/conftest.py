"""Real Gradio servers on 127.0.0.1, launched once per run: the current major, and 4.44.1 (and, for the
tests of editing, 5.49.1) in virtual environments built on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

import hfimage
from hfimage.testing import FakeHub

from ..apps.environments import environment_root, gradio_python, say_for
from ..apps.launch import GradioServers, start, stop

APPS = ("flux", "sd35", "quota", "broken", "progress", "busy", "zerogpu", "flux_dev", "sd35_turbo", "qwen", "z_image",
        "z_image_plain", "kolors", "kontext", "kontext_small", "qwen_edit", "flux2", "image_to_image",
        "unnamed")  # fmt: skip


@pytest.fixture(scope="session")
def gradio6() -> Iterator[GradioServers]:
    import gradio

    servers = start(sys.executable, gradio.__version__, APPS)
    yield servers
    stop(servers)


EDITING_APPS = ("kontext", "kontext_small", "qwen_edit", "flux2")
"""The apps the tests of editing need: Gradio 5 serves only these (its route layout is 6's, tested in full)."""


def older_gradio(request: pytest.FixtureRequest, version: str, apps: tuple[str, ...]) -> Iterator[GradioServers]:
    try:
        python = gradio_python(version, environment_root(request.config, version), say_for(request.config))
    except (subprocess.SubprocessError, OSError) as exc:
        if os.environ.get("CI"):
            raise
        why = (
            f"pip exited with {exc.returncode}"
            if isinstance(exc, subprocess.CalledProcessError)
            else type(exc).__name__
        )
        pytest.skip(f"gradio {version} could not be installed ({why}): is the package registry (PyPI) reachable?")
    servers = start(python, version, apps)
    yield servers
    stop(servers)


@pytest.fixture(scope="session")
def gradio4(request: pytest.FixtureRequest) -> Iterator[GradioServers]:
    yield from older_gradio(request, "4.44.1", APPS)


@pytest.fixture(scope="session")
def gradio5(request: pytest.FixtureRequest) -> Iterator[GradioServers]:
    yield from older_gradio(request, "5.49.1", EDITING_APPS)


@pytest.fixture(params=["gradio6", "gradio4"])
def gradio(request: pytest.FixtureRequest) -> GradioServers:
    """Each end-to-end test runs against the current Gradio major and against 4.44.1."""
    servers: GradioServers = request.getfixturevalue(request.param)
    return servers


@pytest.fixture(params=["queue", "call"])
def client_per_route(request: pytest.FixtureRequest) -> Iterator[hfimage.Client]:
    """A client on each Gradio route in turn: each test runs over both."""
    with hfimage.Client(timeout=60, protocol=request.param) as made:
        yield made


@pytest.fixture
def catalog_hub(gradio: GradioServers, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A fake Hub that places each catalog space on its stand-in."""
    stand_ins = {
        "black-forest-labs/FLUX.1-dev": "flux_dev",
        "stabilityai/stable-diffusion-3.5-large-turbo": "sd35_turbo",
        "Qwen/Qwen-Image": "qwen",
        "Tongyi-MAI/Z-Image-Turbo": "z_image",
        "mrfakename/Z-Image-Turbo": "z_image_plain",
        "Kwai-Kolors/Kolors": "kolors",
        "black-forest-labs/FLUX.1-Kontext-Dev": "kontext",
        "Qwen/Qwen-Image-Edit": "qwen_edit",
        "black-forest-labs/FLUX.2-dev": "flux2",
        "someone/image-editor": "image_to_image",
        "someone/unnamed": "unnamed",
    }
    with FakeHub() as fake:
        for space_id, app in stand_ins.items():
            if app in gradio.url:  # Gradio 5 serves only the editing apps
                fake.add(space_id, gradio.url[app])
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        yield fake
