"""Stopping a call from another thread, promptly, whatever it is waiting for.

A blocked socket read does not notice a flag, so a cancellation also shuts down the
sockets of the streams the call is reading; waits between polls are interruptible.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


class Cancelled(Exception):  # noqa: N818 - a signal, not an error
    """The call was cancelled; raised in the worker so that it unwinds and closes what it opened."""


class Cancellation:
    """A one-way switch that a worker checks and that ``cancel()`` flips from any thread."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Cancel: wake any wait and shut down every socket being read."""
        with self._lock:
            self._event.set()
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or raise Cancelled as soon as the call is cancelled."""
        if self._event.wait(seconds):
            raise Cancelled

    @contextlib.contextmanager
    def watching(self, sock: socket.socket | None) -> Iterator[None]:
        """While inside, cancelling shuts ``sock`` down (at once, if already cancelled)."""
        if sock is None:
            yield
            return
        with self._lock:
            self._sockets.add(sock)
            cancelled = self._event.is_set()
        if cancelled:
            _shut(sock)
        try:
            yield
        finally:
            with self._lock:
                self._sockets.discard(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to wake
        sock.shutdown(socket.SHUT_RDWR)
