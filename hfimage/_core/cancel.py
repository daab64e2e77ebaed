"""Stopping a call from another thread, promptly, whatever it is waiting for.

A blocked socket read does not notice a flag, so cancelling also tells every watch of the
call (see ``hfimage._http.watch``) to shut down the sockets it is using; waits between polls are
interruptible.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable

from ..errors import CallCancelledError


class Cancellation:
    """A one-way switch that a worker checks and that ``cancel()`` flips from any thread."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._listeners: set[Callable[[], None]] = set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Cancel: wake any wait and tell every listener (each shuts down the sockets it uses)."""
        with self._lock:
            self._event.set()
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def listen(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` on cancellation (at once, if already cancelled) until ``forget()``."""
        with self._lock:
            self._listeners.add(listener)
            cancelled = self._event.is_set()
        if cancelled:
            listener()

    def forget(self, listener: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.discard(listener)

    def check(self) -> None:
        if self._event.is_set():
            raise CallCancelledError("The call was cancelled.")

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or raise CallCancelledError as soon as the call is cancelled."""
        if self._event.wait(seconds):
            raise CallCancelledError("The call was cancelled.")


def shut(sock: socket.socket) -> None:
    """End every blocked read or write on ``sock`` at once."""
    with contextlib.suppress(OSError):  # already closed: nothing left to wake
        sock.shutdown(socket.SHUT_RDWR)
