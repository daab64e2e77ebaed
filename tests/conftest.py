"""Fixtures: real Gradio servers on 127.0.0.1 (current major, and 4.44.1) and fake spaces."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hfimage.testing import GRADIO_4, GRADIO_6, FakeSpace

pytest_plugins = ("pytester",)

APPS = ("flux", "sd35", "quota", "broken", "progress", "busy")
APP_SCRIPT = Path(__file__).parent / "apps" / "spaces.py"
GRADIO4_PINS = ("gradio==4.44.1", "huggingface_hub<0.26", "fastapi<0.113", "starlette<0.39", "pydantic<2.10")
STARTUP_SECONDS = 180


@dataclass
class GradioServers:
    """One process serving the test apps; ``url[name]`` is each app's root."""

    version: str
    url: dict[str, str]
    process: subprocess.Popen[str]


def _free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _start(python: str, version: str) -> GradioServers:
    ports = dict(zip(APPS, _free_ports(len(APPS)), strict=True))
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "NO_PROXY": "127.0.0.1,localhost"}
    process = subprocess.Popen(
        [python, str(APP_SCRIPT), *(f"{name}={port}" for name, port in ports.items())],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    output = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if line.strip() == "READY":
            return GradioServers(version, {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}, process)
    process.kill()
    raise RuntimeError(f"gradio {version} test apps did not start:\n{''.join(output)[-3000:]}")


def _stop(servers: GradioServers) -> None:
    servers.process.terminate()
    try:
        servers.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        servers.process.kill()
    if servers.process.stdout:
        servers.process.stdout.close()


def _gradio4_python(config: pytest.Config) -> str:
    """An interpreter with gradio 4.44.1: $HFIMAGE_GRADIO4_PYTHON, else a venv built once in pytest's cache."""
    given = os.environ.get("HFIMAGE_GRADIO4_PYTHON")
    if given:
        return given
    root = config.cache.mkdir("gradio-4.44.1") if config.cache else Path(".pytest_cache") / "gradio-4.44.1"
    python = root / "venv" / "bin" / "python"
    ready = root / "ready"
    if not ready.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(root / "venv")], check=True, timeout=300)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *GRADIO4_PINS],
            check=True,
            timeout=1200,
        )
        ready.write_text(" ".join(GRADIO4_PINS))
    return str(python)


@pytest.fixture(scope="session")
def gradio6() -> Iterator[GradioServers]:
    import gradio

    servers = _start(sys.executable, gradio.__version__)
    yield servers
    _stop(servers)


@pytest.fixture(scope="session")
def gradio4(request: pytest.FixtureRequest) -> Iterator[GradioServers]:
    try:
        python = _gradio4_python(request.config)
    except (subprocess.SubprocessError, OSError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"could not install gradio 4.44.1 in a virtual environment: {exc}")
    servers = _start(python, "4.44.1")
    yield servers
    _stop(servers)


@pytest.fixture(params=["gradio6", "gradio4"])
def gradio(request: pytest.FixtureRequest) -> GradioServers:
    """Each end-to-end test runs against the current Gradio major and against 4.44.1."""
    servers: GradioServers = request.getfixturevalue(request.param)
    return servers


@pytest.fixture(params=[GRADIO_6, GRADIO_4], ids=["layout5", "layout4"])
def space(request: pytest.FixtureRequest) -> Iterator[FakeSpace]:
    """A fake Flux-shaped space, in the Gradio 5+ and the Gradio 4 route layout."""
    with FakeSpace(version=request.param) as fake:
        yield fake


@pytest.fixture(autouse=True)
def _no_ambient_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see HF_TOKEN only where they set it."""
    monkeypatch.delenv("HF_TOKEN", raising=False)
