"""The unit lane: no sockets, no sleeps. A test here that opens a connection, listens, or sleeps fails,
so the lane stays seconds long; time is a fake clock and servers are ``responses`` mocks."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_sockets_no_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse_socket(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a unit test may not open a socket: move it to tests/integration")

    def refuse_sleep(seconds: float) -> None:
        if seconds > 0:
            raise AssertionError("a unit test may not sleep: use a fake clock, or move it to tests/integration")

    monkeypatch.setattr(socket.socket, "connect", refuse_socket)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse_socket)
    monkeypatch.setattr(socket.socket, "bind", refuse_socket)
    monkeypatch.setattr(time, "sleep", refuse_sleep)
