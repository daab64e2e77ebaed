"""A TCP proxy that puts a network's latency between a client and a server on 127.0.0.1.

Every byte is held for ``one_way`` seconds in each direction, so a request and its answer cost
one round trip (``2 * one_way``), and a new connection costs one more before its first byte
passes, as TCP's handshake does (TLS, which the benchmark's plain HTTP does not use, would add
one or two more). Bytes are delayed, not throttled: whatever a side sends in a burst arrives in
a burst, one delay later.

The proxy keeps its own log of what crossed it, the source of the benchmark's counts: each new
connection, and each HTTP request line a client sent.
"""

from __future__ import annotations

import contextlib
import queue
import re
import socket
import threading
import time
from dataclasses import dataclass, field

REQUEST_LINE = re.compile(rb"^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) (\S+) HTTP/1\.[01]\r\n")
CHUNK = 65536


@dataclass
class Traffic:
    """What crossed the proxy: connections opened and HTTP requests sent, in order."""

    connections: int = 0
    requests: list[str] = field(default_factory=list)

    @property
    def round_trips(self) -> int:
        """Round trips the traffic needed at least: one per request, one per connection's set-up."""
        return self.connections + len(self.requests)


class LatencyProxy:
    """Listens on 127.0.0.1 and forwards to ``target`` (``host:port``) with ``one_way`` seconds each way.

    Use as a context manager; ``url`` is the proxy's address, ``take()`` the traffic since the last take.
    """

    def __init__(self, target: str, one_way: float) -> None:
        host, _, port = target.rpartition(":")
        self._target = (host, int(port))
        self.one_way = one_way
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._traffic = Traffic()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def __enter__(self) -> LatencyProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def take(self) -> Traffic:
        """The traffic since the last call, and a fresh log from here on."""
        with self._lock:
            taken, self._traffic = self._traffic, Traffic()
        return taken

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self._target)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._traffic.connections += 1
                self._sockets += [client, server]
            opened = time.monotonic() + 2 * self.one_way  # the handshake's round trip
            self._pipe(client, server, opened, log=True)
            self._pipe(server, client, opened, log=False)

    def _pipe(self, source: socket.socket, sink: socket.socket, opened: float, *, log: bool) -> None:
        """Bytes read from ``source`` reach ``sink`` one delay after they were read (and after the set-up)."""
        held: queue.Queue[tuple[float, bytes]] = queue.Queue()

        def read() -> None:
            while True:
                try:
                    data = source.recv(CHUNK)
                except OSError:
                    data = b""
                if log and data:
                    self._log(data)
                held.put((max(time.monotonic(), opened) + self.one_way, data))
                if not data:
                    return

        def deliver() -> None:
            while True:
                due, data = held.get()
                time.sleep(max(0.0, due - time.monotonic()))
                try:
                    if not data:
                        sink.shutdown(socket.SHUT_WR)
                        return
                    sink.sendall(data)
                except OSError:
                    return

        threading.Thread(target=read, daemon=True).start()
        threading.Thread(target=deliver, daemon=True).start()

    def _log(self, data: bytes) -> None:
        request = REQUEST_LINE.match(data)
        if request is not None:
            with self._lock:
                self._traffic.requests.append(f"{request[1].decode()} {request[2].decode()}")
