"""The scaffolding the fake servers share: a threaded HTTP/1.1 server on 127.0.0.1 that records requests."""

from __future__ import annotations

import abc
import contextlib
import io
import json
import select
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ._switchboard import SWITCHBOARD


@dataclass(frozen=True)
class RecordedRequest:
    """A request a fake received: ``target`` as sent (absolute through a proxy), ``path`` without host."""

    method: str
    target: str
    path: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def route(self) -> str:
        """The path without its query string."""
        return urlsplit(self.path).path

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """A scripted HTTP answer, for error injection: status, body and content type."""

    status: int
    body: Any = ""
    content_type: str = "application/json"
    headers: Mapping[str, str] | None = None

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class Fault:
    """A way to answer slowly or oddly, for the requests whose path starts with ``route``.

    ``stall``: seconds of silence before the first byte of the answer. ``drip``: seconds
    between single bytes, from byte ``drip_after`` of the answer (0: the status line and
    headers drip too). ``close_delimited``: the body has neither a length nor chunks and ends
    when the server closes the connection. ``times``: how many requests it applies to (None:
    all). A client that hangs up ends a stall or a drip at once.
    """

    route: str = "/"
    stall: float = 0.0
    drip: float | None = None
    drip_after: int = 0
    close_delimited: bool = False
    times: int | None = None
    read_stall: float = 0.0
    """Seconds before the request's body is read: a stalled upload, as the client sees it, once the
    connection's buffers are full. A client that hangs up ends it."""
    read_pace: float = 0.0
    """Seconds between reads of 64 KiB of the request's body: an upload that crawls but never stops."""


class _FaultyWriter:
    """The answer's byte stream, written as a Fault says."""

    def __init__(self, out: io.BufferedIOBase, connection: socket.socket, fault: Fault) -> None:
        self._out = out
        self._connection = connection
        self._fault = fault
        self._written = 0
        self._stalled = False

    @property
    def closed(self) -> bool:
        return self._out.closed

    def write(self, data: bytes) -> int:
        fault = self._fault
        if not self._stalled:
            self._stalled = True
            self._wait(fault.stall)
        if fault.drip is None:
            self._out.write(data)
            return len(data)
        for byte in range(len(data)):
            if self._written >= fault.drip_after:
                self._out.flush()
                self._wait(fault.drip)
            self._out.write(data[byte : byte + 1])
            self._written += 1
        self._out.flush()
        return len(data)

    def _wait(self, seconds: float) -> None:
        """Sleep, but end at once with BrokenPipeError when the client hangs up."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            readable, _, _ = select.select([self._connection], [], [], min(left, 0.05))
            if readable and not self._connection.recv(1, socket.MSG_PEEK):
                raise BrokenPipeError("the client hung up")

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        self._out.close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # socketserver's default of 5 overflows when many clients connect at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up is normal here (it is how jobs are cancelled): say nothing."""


class FakeServer(abc.ABC):
    """A loopback server on a free port; a context manager. ``requests`` lists what it received."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.connections = 0
        """How many TCP connections clients opened (fewer than requests when connections are reused)."""
        self.outage: Reply | None = None
        """When set, every request gets this answer: a sleeping or broken server."""
        self.faults: list[Fault] = []
        """Faults in force, first match wins; see ``inject()``."""
        self.headers: dict[str, str] = {}
        """Headers added to every answer, e.g. ``{"X-Proxied-Replica": "r1"}``."""
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._serving = False
        self.closing = threading.Event()
        """Set once the server closes: a request it is still stalling or reading slowly ends."""

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeServer:
        SWITCHBOARD.serve(self._server)
        self._serving = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.closing.set()
        if self._serving:
            SWITCHBOARD.drop(self._server)
            self._serving = False
        self._server.server_close()

    def inject(self, fault: Fault) -> None:
        """Answer the requests that ``fault`` matches as it says (slowly, late, close-delimited)."""
        with self._lock:
            self.faults.append(fault)

    def count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def fault_for(self, path: str) -> Fault | None:
        """The fault that answers a request for ``path``, if any (one use of it is spent)."""
        with self._lock:
            for index, fault in enumerate(self.faults):
                if path.startswith(fault.route):
                    if fault.times is not None:
                        left = fault.times - 1
                        self.faults[index : index + 1] = [] if left <= 0 else [_replace_times(fault, left)]
                    return fault
        return None

    @abc.abstractmethod
    def handle(self, exchange: Exchange) -> None:
        """Answer one recorded request."""


def _replace_times(fault: Fault, times: int) -> Fault:
    import dataclasses  # noqa: PLC0415 - test scaffolding, rarely used

    return dataclasses.replace(fault, times=times)


class Exchange:
    """One request being answered: what was asked, and ways to answer it."""

    def __init__(
        self,
        handler: BaseHTTPRequestHandler,
        request: RecordedRequest,
        fault: Fault | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._handler = handler
        self._headers = dict(headers or {})
        self.request = request
        self.route = request.route
        self._close_delimited = fault is not None and fault.close_delimited

    def reply(self, reply: Reply) -> None:
        data = reply.encoded()
        self._handler.send_response(reply.status)
        self._handler.send_header("Content-Type", reply.content_type)
        if self._close_delimited:
            self._handler.send_header("Connection", "close")
            self._handler.close_connection = True
        else:
            self._handler.send_header("Content-Length", str(len(data)))
        for name, value in {**self._headers, **(reply.headers or {})}.items():
            self._handler.send_header(name, value)
        self._handler.end_headers()
        self._handler.wfile.write(data)

    def json(self, payload: Any, status: int = 200) -> None:
        self.reply(Reply(status, payload))

    def not_found(self) -> None:
        self.json({"detail": "Not Found"}, status=404)

    def start_chunks(self, content_type: str, *, status: int = 200, headers: Mapping[str, str] | None = None) -> None:
        """Start a streamed answer: chunked, or close-delimited under such a fault."""
        self._handler.send_response(status)
        self._handler.send_header("Content-Type", content_type)
        if self._close_delimited:
            self._handler.send_header("Connection", "close")
            self._handler.close_connection = True
        else:
            self._handler.send_header("Transfer-Encoding", "chunked")
        for name, value in {**self._headers, **(headers or {})}.items():
            self._handler.send_header(name, value)
        self._handler.end_headers()

    def chunk(self, data: bytes) -> None:
        """Send one chunk; raises BrokenPipeError or ConnectionResetError once the client has gone."""
        self._handler.wfile.write(data if self._close_delimited else b"%x\r\n%s\r\n" % (len(data), data))
        self._handler.wfile.flush()

    def end_chunks(self) -> None:
        if not self._close_delimited:
            self._handler.wfile.write(b"0\r\n\r\n")

    def hang_up(self) -> None:
        """Close the connection without finishing the answer."""
        self._handler.close_connection = True


def _read_body(source: io.BufferedIOBase, length: int, pace: float, closing: threading.Event) -> bytes:
    """The request's body, read at once, or 64 KiB at a time ``pace`` seconds apart; short if the client
    hung up or the server closed."""
    if not pace:
        return source.read(length) if length else b""
    pieces = []
    left = length
    while left > 0 and not closing.is_set() and (piece := source.read(min(left, 65536))):
        pieces.append(piece)
        left -= len(piece)
        time.sleep(pace)
    return b"".join(pieces)


def _idle(connection: socket.socket, seconds: float, closing: threading.Event) -> bool:
    """Leave what the client sends unread for ``seconds``; False when it hung up (or was cut), or the
    server closed, meanwhile."""
    until = time.monotonic() + seconds
    while (left := until - time.monotonic()) > 0:
        if closing.is_set():
            return False
        try:
            readable, _, _ = select.select([connection], [], [], min(left, 0.05))
            if readable and not connection.recv(1, socket.MSG_PEEK):
                return False
        except OSError:
            return False
        if readable:
            time.sleep(min(left, 0.05))  # data waits unread: the client's sends block once buffers fill
    return True


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as real servers do: small event frames go out at once

        def setup(self) -> None:
            super().setup()
            server.count_connection()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``server.requests`` instead."""

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            parts = urlsplit(self.path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            fault = server.fault_for(path)
            if fault is not None and fault.read_stall and not _idle(self.connection, fault.read_stall, server.closing):
                self.close_connection = True
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = _read_body(self.rfile, length, fault.read_pace if fault is not None else 0.0, server.closing)
            if len(body) < length:  # the client hung up mid-body
                self.close_connection = True
                return
            request = RecordedRequest(method, self.path, path, dict(self.headers.items()), body)
            server.requests.append(request)
            plain = self.wfile
            if fault is not None:
                self.wfile = _FaultyWriter(plain, self.connection, fault)  # type: ignore[assignment]
            try:
                if server.outage is not None:
                    Exchange(self, request, fault, server.headers).reply(server.outage)
                    return
                server.handle(Exchange(self, request, fault, server.headers))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            finally:
                if fault is not None:
                    with contextlib.suppress(OSError):
                        self.wfile.flush()
                    self.wfile = plain

    return Handler
