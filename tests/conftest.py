"""Fixtures every layer shares: no address but loopback, no token or cache of this machine, fake spaces,
the public API three ways (sync, asyncio, trio), a client per test."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
from responses.registries import OrderedRegistry

import hfimage
from hfimage._core.lazy import reset_default_clients
from hfimage._protocols.poll import PollSchedule
from hfimage.providers import ImageLabs
from hfimage.testing import GRADIO_4, GRADIO_6, FakeSpace

from .apps.environments import build_in_background, say_for
from .helpers import BACKENDS, ENV_TOKEN, HOME_TOKEN, OLD_ENV_TOKEN, PATH_TOKEN, AsyncAPI, SyncAPI

pytest_plugins = ("pytester",)

E2E = Path(__file__).parent / "e2e"
UNIT = Path(__file__).parent / "unit"
WORKERS = 3
"""pytest-xdist workers: the integration and end-to-end tests mostly wait (on servers, deadlines,
subprocesses), so three keep a two-core machine busy."""


def _chosen(config: pytest.Config) -> list[Path]:
    """The paths this run collects from."""
    return [Path(arg.split("::")[0]).resolve() for arg in config.args] or [Path.cwd()]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: WORKERS, but none for the unit lane alone, which runs faster in one process."""
    return 0 if all(path.is_relative_to(UNIT) for path in _chosen(config)) else WORKERS


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist, the end-to-end tests run together in one worker, which starts their Gradio
    servers once, and they are handed out first (the biggest unit of work); every other test is a
    unit of its own, for the other workers."""
    from xdist.scheduler import LoadScopeScheduling

    class EndToEndTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "e2e" if nodeid.startswith("tests/e2e/") else nodeid

    return EndToEndTogether(config, log)


def pytest_sessionstart(session: pytest.Session) -> None:
    """A run that will reach the end-to-end tests starts building their older Gradio environments now."""
    config = session.config
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the run's first process does it
        return
    chosen = [Path(arg.split("::")[0]).resolve() for arg in config.args] or [Path.cwd()]
    if any(path == E2E or E2E.is_relative_to(path) or path.is_relative_to(E2E) for path in chosen):
        build_in_background(config, say_for(config))


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
    """Tests see HF_TOKEN only where they set it, and never reach the real Hub or router: space ids resolve
    through a Hub that is not there unless a test points HF_ENDPOINT at a fake one (and Inference
    Providers through a router that is not there, unless HFIMAGE_ROUTER_URL says), and no token file of this
    machine is read. Each test starts with new default clients and an empty disk cache, so no quota
    one test spent rests the providers of the next, and no app one test described stands for
    another at the same port."""
    reset_default_clients()
    for variable in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HUB_DISABLE_IMPLICIT_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf-home")))  # no token saved by `hf auth login`
    monkeypatch.setenv("HF_ENDPOINT", NOWHERE)
    monkeypatch.setenv("HFIMAGE_ROUTER_URL", NOWHERE)
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


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every place a token can be saved, each holding its own token."""
    home = tmp_path / "hf-home"
    home.mkdir()
    (home / "token").write_text(HOME_TOKEN + "\n")
    (tmp_path / "elsewhere").write_text(f"  {PATH_TOKEN}  ")
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", OLD_ENV_TOKEN)
    monkeypatch.setenv("HF_TOKEN", ENV_TOKEN)
    return tmp_path


@pytest.fixture
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """ImageLabs polls every millisecond: a task's life takes no time."""
    monkeypatch.setattr(ImageLabs, "schedule", PollSchedule(first=0.001, step=0.0, ceiling=0.001))


@pytest.fixture
def imagelabs_mock() -> Iterator[responses.RequestsMock]:
    """ImageLabs' API mocked: answers in the order they were added."""
    with responses.RequestsMock(registry=OrderedRegistry) as mock:
        yield mock
