"""One thread that accepts connections for every fake server of the process."""

from __future__ import annotations

import contextlib
import selectors
import socket
import socketserver
import threading


class Switchboard:
    """Accepts the connections of every fake server in the process on one thread: a fake costs a
    listening socket, not a thread, and closing it takes no polling interval. The thread ends when
    the last fake closes, and the next one to open starts it again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changes: list[tuple[bool, socketserver.TCPServer, threading.Event]] = []
        self._wake: socket.socket | None = None
        """Wakes the thread to apply the changes; None while no thread runs."""

    def serve(self, server: socketserver.TCPServer) -> None:
        self._change(True, server)

    def drop(self, server: socketserver.TCPServer) -> None:
        """Stop accepting for ``server``; returns once the thread will not touch it again."""
        self._change(False, server)

    def _change(self, serve: bool, server: socketserver.TCPServer) -> None:
        done = threading.Event()
        with self._lock:
            self._changes.append((serve, server, done))
            if self._wake is None:
                self._wake, woken = socket.socketpair()
                threading.Thread(target=self._run, args=(self._wake, woken), name="hfimage-fakes", daemon=True).start()
            self._wake.send(b"x")
        done.wait()

    def _run(self, wake: socket.socket, woken: socket.socket) -> None:
        with selectors.DefaultSelector() as selector, wake, woken:
            selector.register(woken, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is not woken:
                        _accept(key.data)
                    elif not self._apply(selector, woken):
                        return

    def _apply(self, selector: selectors.BaseSelector, woken: socket.socket) -> bool:
        """Apply the changes asked for; False (and this thread is over) once no server is left."""
        woken.recv(4096)
        with self._lock:
            changes, self._changes = self._changes, []
            for serve, server, done in changes:
                if serve:
                    selector.register(server, selectors.EVENT_READ, server)
                else:
                    with contextlib.suppress(KeyError, ValueError):
                        selector.unregister(server)
                done.set()
            if len(selector.get_map()) > 1:
                return True
            self._wake = None
            return False


def _accept(server: socketserver.TCPServer) -> None:
    """Take one waiting connection and hand it to the server, which answers it on a thread of its own."""
    try:
        request, address = server.get_request()
    except OSError:  # the client gave up before it was accepted
        return
    if not server.verify_request(request, address):
        server.shutdown_request(request)
        return
    try:
        server.process_request(request, address)
    except (OSError, RuntimeError):  # no thread to answer it on: drop the connection
        server.handle_error(request, address)
        server.shutdown_request(request)


SWITCHBOARD = Switchboard()
