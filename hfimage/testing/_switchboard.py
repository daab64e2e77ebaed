"""One thread that accepts connections for every fake server of the process."""

from __future__ import annotations

import contextlib
import selectors
import socket
import socketserver
import threading


class Switchboard:
    """One thread that accepts the connections of every fake server in the process: a fake costs a
    listening socket, not a thread, and closing it takes no polling interval."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._wake, self._woken = socket.socketpair()
        self._selector.register(self._woken, selectors.EVENT_READ)
        self._lock = threading.Lock()
        self._changes: list[tuple[bool, socketserver.TCPServer, threading.Event]] = []
        self._thread: threading.Thread | None = None

    def serve(self, server: socketserver.TCPServer) -> None:
        self._change(True, server)

    def drop(self, server: socketserver.TCPServer) -> None:
        """Stop accepting for ``server``; returns once the thread will not touch it again."""
        self._change(False, server)

    def _change(self, serve: bool, server: socketserver.TCPServer) -> None:
        done = threading.Event()
        with self._lock:
            self._changes.append((serve, server, done))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hfimage-fakes", daemon=True)
                self._thread.start()
        self._wake.send(b"x")
        done.wait()

    def _run(self) -> None:
        while True:
            for key, _ in self._selector.select():
                if key.fileobj is self._woken:
                    self._woken.recv(4096)
                    self._apply()
                else:
                    key.data.handle_request()  # readable: accepts at once, handled on a thread of its own

    def _apply(self) -> None:
        with self._lock:
            changes, self._changes = self._changes, []
        for serve, server, done in changes:
            if serve:
                self._selector.register(server, selectors.EVENT_READ, server)
            else:
                with contextlib.suppress(KeyError, ValueError):
                    self._selector.unregister(server)
            done.set()


SWITCHBOARD = Switchboard()
