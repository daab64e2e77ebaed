"""A fake Gradio space on 127.0.0.1 that speaks the call route byte for byte.

Each job plays a script: the events it sends, in order, with pauses or a dropped
connection where a test wants them. Every request it receives is recorded.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from ._png import solid_png

GRADIO_6 = "6.31.0"
GRADIO_4 = "4.44.1"

# (label, minimum, maximum) of each input, in order, as the real spaces declare them.
FLUX_INPUTS = (
    ("prompt", None, None),
    ("seed", 0, 2**31 - 1),
    ("randomize_seed", None, None),
    ("width", 256, 2048),
    ("height", 256, 2048),
    ("steps", 1, 50),
)
SD35_INPUTS = (
    ("prompt", None, None),
    ("negative_prompt", None, None),
    ("seed", 0, 2**31 - 1),
    ("randomize_seed", None, None),
    ("width", 512, 1440),
    ("height", 512, 1440),
    ("guidance_scale", 0.0, 7.5),
    ("steps", 1, 50),
)

Step = tuple[str, Any]
"""One step of a job's script: ``(event name, data)``, ``("pause", seconds)`` or ``("drop", None)``."""


@dataclass(frozen=True)
class RecordedRequest:
    """A request the fake received: ``target`` as sent (absolute through a proxy), ``path`` without host."""

    method: str
    target: str
    path: str
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def heartbeat() -> Step:
    return ("heartbeat", None)


def pause(seconds: float) -> Step:
    return ("pause", seconds)


def drop() -> Step:
    """Close the connection abruptly, in the middle of the chunked answer."""
    return ("drop", None)


def error(data: Any = None) -> Step:
    """An ``error`` event: None as Gradio < 6.13 sends, ``{"error": text}`` as 6.13+, or a string."""
    return ("error", data)


class FakeSpace:
    """A loopback Gradio app with an ``infer`` endpoint (Flux-shaped unless ``inputs`` says otherwise).

    Use it as a context manager; ``url`` is its root. ``version`` picks the route layout:
    Gradio 4 (no prefix) or 5+ (``/gradio_api``). Queue job scripts with ``script()``; a job
    without one sends a final image with seed 42. ``requests`` lists what it received.
    """

    def __init__(self, *, version: str = GRADIO_6, inputs: Sequence[tuple[str, Any, Any]] = FLUX_INPUTS) -> None:
        self.version = version
        self.prefix = "" if version.startswith(("3.", "4.")) else "/gradio_api"
        self.inputs = tuple(inputs)
        self.requests: list[RecordedRequest] = []
        self.files: dict[str, bytes] = {}
        self.cancelled: list[str] = []
        """Event ids of jobs whose stream the client closed before the script ended."""
        self._scripts: deque[list[Step]] = deque()
        self._jobs: dict[str, list[Step]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="hfimage-fake-space", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeSpace:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def script(self, *jobs: Iterable[Step]) -> None:
        """Queue the scripts of the next jobs, one list of steps per job."""
        with self._lock:
            self._scripts.extend(list(job) for job in jobs)

    def image(
        self, seed: int = 42, *, size: tuple[int, int] = (8, 8), rgb: tuple[int, int, int] = (200, 30, 60)
    ) -> list[Any]:
        """Outputs ``[FileData, seed]`` for a new real PNG served by this fake."""
        path = f"/tmp/gradio/{uuid.uuid4().hex}/image.png"  # noqa: S108 - a name the fake serves, not a file
        self.files[path] = solid_png(*size, rgb)
        file_data = {
            "path": path,
            "url": f"{self.url}{self.prefix}/file={path}",
            "size": None,
            "orig_name": "image.png",
            "mime_type": None,
            "is_stream": False,
            "meta": {"_type": "gradio.FileData"},
        }
        return [file_data, seed]

    def preview(self, seed: int = 42) -> Step:
        return ("generating", self.image(seed, rgb=(90, 90, 90)))

    def final(self, seed: int = 42) -> Step:
        return ("complete", self.image(seed))

    def config(self) -> dict[str, Any]:
        components = [
            {
                "id": index + 1,
                "type": "slider" if low is not None else "textbox",
                "props": {"label": label, "minimum": low, "maximum": high},
            }
            for index, (label, low, high) in enumerate(self.inputs)
        ]
        count = len(self.inputs)
        return {
            "version": self.version,
            "api_prefix": self.prefix or None,
            "protocol": "sse_v3",
            "components": components,
            "dependencies": [
                {
                    "id": 0,
                    "api_name": "infer",
                    "inputs": list(range(1, count + 1)),
                    "outputs": [count + 1, count + 2],
                    "types": {"generator": False, "cancel": False},
                }
            ],
        }

    def _start_job(self) -> str:
        event_id = uuid.uuid4().hex
        with self._lock:
            self._jobs[event_id] = self._scripts.popleft() if self._scripts else [self.final()]
        return event_id

    def _job(self, event_id: str) -> list[Step] | None:
        with self._lock:
            return self._jobs.pop(event_id, None)


def _handler_for(space: FakeSpace) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``space.requests`` instead."""

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def _route(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            space.requests.append(RecordedRequest(method, self.path, path, dict(self.headers.items()), body))
            prefix = space.prefix
            if method == "GET" and parts.path == "/config":
                return self._json(200, space.config())
            if method == "GET" and parts.path == f"{prefix}/info":
                return self._json(200, {"named_endpoints": {"/infer": {}}})
            if method == "POST" and parts.path == f"{prefix}/call/infer":
                return self._json(200, {"event_id": space._start_job()})
            if method == "GET" and parts.path.startswith(f"{prefix}/call/infer/"):
                event_id = parts.path.rsplit("/", 1)[1]
                steps = space._job(event_id)
                if steps is None:
                    steps = [("error", "404: Session not found.")]
                if not self._stream(steps):
                    space.cancelled.append(event_id)
                return None
            if method == "GET" and parts.path.startswith(f"{prefix}/file="):
                data = space.files.get(unquote(parts.path[len(f"{prefix}/file=") :]))
                if data is not None:
                    return self._bytes(200, data, "image/png")
            return self._json(404, {"detail": "Not Found"})

        def _json(self, status: int, payload: Any) -> None:
            self._bytes(status, json.dumps(payload).encode(), "application/json")

        def _bytes(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, steps: list[Step]) -> bool:
            """Play a script; False if the client hung up first."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for name, data in steps:
                    if name == "pause":
                        time.sleep(data)
                        continue
                    if name == "drop":
                        self.close_connection = True
                        return True
                    event = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client hung up: that is how jobs are cancelled
                return False
            return True

    return Handler
