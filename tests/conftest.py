"""Fixtures: real Gradio servers on 127.0.0.1 (current major, and 4.44.1) and fake spaces."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import hfimage
from hfimage._core.lazy import reset_default_clients
from hfimage.testing import GRADIO_4, GRADIO_6, FakeSpace

from .apps.launch import GradioServers, start, stop
from .helpers import BACKENDS, AsyncAPI, SyncAPI

pytest_plugins = ("pytester",)

APPS = ("flux", "sd35", "quota", "broken", "progress", "busy", "zerogpu", "flux_dev", "sd35_turbo", "qwen", "z_image",
        "z_image_plain", "kolors", "image_to_image", "unnamed")  # fmt: skip
GRADIO4_PINS = ("gradio==4.44.1", "huggingface_hub<0.26", "fastapi<0.113", "starlette<0.39", "pydantic<2.10")


def _gradio4_python(config: pytest.Config) -> str:
    """An interpreter with gradio 4.44.1: $HFIMAGE_GRADIO4_PYTHON, else a venv built once in pytest's cache."""
    given = os.environ.get("HFIMAGE_GRADIO4_PYTHON")
    if given:
        return given
    root = config.cache.mkdir("gradio-4.44.1") if config.cache else Path(".pytest_cache") / "gradio-4.44.1"
    python = root / "venv" / "bin" / "python"
    ready = root / "ready"
    if not ready.exists():
        say = _say(config)
        say(f"hfimage tests: building a virtual environment with gradio 4.44.1 in {root} (first run only) ...")
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(root / "venv")], check=True, timeout=300)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *GRADIO4_PINS],
            check=True,
            timeout=1200,
        )
        ready.write_text(" ".join(GRADIO4_PINS))
        say(f"hfimage tests: gradio 4.44.1 is ready ({time.monotonic() - started:.0f} s)")
    return str(python)


def _say(config: pytest.Config) -> Callable[[str], None]:
    """A way to write one line on the terminal at once, even while pytest captures output: the reporter's
    writer buffers, so each line is flushed (else it shows only when the build is over)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return lambda line: print(line, file=sys.stderr, flush=True)

    def say(line: str) -> None:
        reporter.ensure_newline()
        reporter.write(line + "\n", flush=True)

    return say


@pytest.fixture(scope="session")
def gradio6() -> Iterator[GradioServers]:
    import gradio

    servers = start(sys.executable, gradio.__version__, APPS)
    yield servers
    stop(servers)


@pytest.fixture(scope="session")
def gradio4(request: pytest.FixtureRequest) -> Iterator[GradioServers]:
    try:
        python = _gradio4_python(request.config)
    except (subprocess.SubprocessError, OSError) as exc:
        if os.environ.get("CI"):
            raise
        why = (
            f"pip exited with {exc.returncode}"
            if isinstance(exc, subprocess.CalledProcessError)
            else type(exc).__name__
        )
        pytest.skip(f"gradio 4.44.1 could not be installed ({why}): is the package registry (PyPI) reachable?")
    servers = start(python, "4.44.1", APPS)
    yield servers
    stop(servers)


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


NOWHERE = "http://127.0.0.1:9"
"""A local address where nothing listens."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test of this process looks up or connects to anything but this machine: a name that is not
    loopback does not resolve (as on a machine offline), and a connection elsewhere is refused."""
    look_up, connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in LOOPBACK_NAMES and not name.startswith("127."):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not look up {name!r}")
        return look_up(host, port, *args, **kwargs)

    def connect_locally(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not ipaddress.ip_address(address[0]).is_loopback:
            raise ConnectionRefusedError(f"tests may not connect to {address[0]}")
        connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect_locally)


@pytest.fixture(autouse=True)
def _no_ambient_token(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests see HF_TOKEN only where they set it, and never reach the real Hub: space ids resolve through
    a Hub that is not there unless a test points HF_ENDPOINT at a fake one, and no token file of this
    machine is read. Each test starts with new default clients and an empty disk cache, so no quota
    one test spent rests the providers of the next, and no app one test described stands for
    another at the same port."""
    reset_default_clients()
    for variable in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HUB_DISABLE_IMPLICIT_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf-home")))  # no token saved by `hf auth login`
    monkeypatch.setenv("HF_ENDPOINT", NOWHERE)
    monkeypatch.delenv("HFIMAGE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    reset_default_clients()


@pytest.fixture(params=["sync", *BACKENDS])
def api(request: pytest.FixtureRequest) -> SyncAPI | AsyncAPI:
    """The public API as sync code, asyncio code and trio code call it: each test runs three times."""
    return SyncAPI() if request.param == "sync" else AsyncAPI(request.param)


@pytest.fixture
def client() -> Iterator[hfimage.Client]:
    """A client of its own for the test, closed after it."""
    with hfimage.Client() as made:
        yield made


@pytest.fixture(params=["queue", "call"])
def client_per_route(request: pytest.FixtureRequest) -> Iterator[hfimage.Client]:
    """A client on each Gradio route in turn: each test runs over both."""
    with hfimage.Client(timeout=60, protocol=request.param) as made:
        yield made
