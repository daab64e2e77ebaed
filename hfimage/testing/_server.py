"""The scaffolding the fake servers share: a threaded HTTP/1.1 server on 127.0.0.1 that records requests."""

from __future__ import annotations

import abc
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


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
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=type(self).__name__, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    @abc.abstractmethod
    def handle(self, exchange: Exchange) -> None:
        """Answer one recorded request."""


class Exchange:
    """One request being answered: what was asked, and ways to answer it."""

    def __init__(self, handler: BaseHTTPRequestHandler, request: RecordedRequest) -> None:
        self._handler = handler
        self.request = request
        self.route = request.route

    def reply(self, reply: Reply) -> None:
        data = reply.encoded()
        self._handler.send_response(reply.status)
        self._handler.send_header("Content-Type", reply.content_type)
        self._handler.send_header("Content-Length", str(len(data)))
        for name, value in (reply.headers or {}).items():
            self._handler.send_header(name, value)
        self._handler.end_headers()
        self._handler.wfile.write(data)

    def json(self, payload: Any, status: int = 200) -> None:
        self.reply(Reply(status, payload))

    def not_found(self) -> None:
        self.json({"detail": "Not Found"}, status=404)

    def start_chunks(self, content_type: str) -> None:
        self._handler.send_response(200)
        self._handler.send_header("Content-Type", content_type)
        self._handler.send_header("Transfer-Encoding", "chunked")
        self._handler.end_headers()

    def chunk(self, data: bytes) -> None:
        """Send one chunk; raises BrokenPipeError or ConnectionResetError once the client has gone."""
        self._handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self._handler.wfile.flush()

    def end_chunks(self) -> None:
        self._handler.wfile.write(b"0\r\n\r\n")

    def hang_up(self) -> None:
        """Close the connection without finishing the answer."""
        self._handler.close_connection = True


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as real servers do: small event frames go out at once

        def setup(self) -> None:
            super().setup()
            with server._lock:
                server.connections += 1

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``server.requests`` instead."""

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            request = RecordedRequest(method, self.path, path, dict(self.headers.items()), body)
            server.requests.append(request)
            try:
                if server.outage is not None:
                    Exchange(self, request).reply(server.outage)
                    return
                server.handle(Exchange(self, request))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler
