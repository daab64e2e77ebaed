"""A fake Gradio space on 127.0.0.1 that speaks the call route byte for byte.

Each job plays a script: the events it sends, in order, with pauses or a dropped
connection where a test wants them. Every request it receives is recorded.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .._core.spaces import FLUX_SCHNELL, SD35, SPACES, Input, Signature
from ._app_documents import GRADIO_6, Frame, Step, app_config, app_info, call_frames, output_value, queue_frames
from ._png import solid_png
from ._scripts import ScriptQueue
from ._server import Exchange, FakeServer, Reply

FLUX_INPUTS = FLUX_SCHNELL.inputs
SD35_INPUTS = SD35.inputs

SIGNATURES: Mapping[str, Signature] = {space_id: entry.signature for space_id, entry in SPACES.items()}
"""Each space's text-to-image endpoint, by space id, as the catalog declares it."""


def prompt_colour(prompt: str) -> tuple[int, int, int]:
    """The colour of the image a fake makes for a prompt: the first three bytes of its SHA-256."""
    red, green, blue = hashlib.sha256(prompt.encode()).digest()[:3]
    return red, green, blue


def queued(rank: int, queue_size: int, eta: float | None = None) -> Step:
    """A queue position report (queue route only)."""
    return ("queue", {"msg": "estimation", "rank": rank, "queue_size": queue_size, "rank_eta": eta})


def progress(index: int, length: int, unit: str = "steps", desc: str | None = None) -> Step:
    """A step progress report (queue route only)."""
    data = [{"index": index, "length": length, "unit": unit, "progress": None, "desc": desc}]
    return ("queue", {"msg": "progress", "progress_data": data})


def notice(text: str, level: str = "info") -> Step:
    """A message the app shows, like ``gr.Info`` (queue route only)."""
    return ("queue", {"msg": "log", "log": text, "level": level, "duration": 10.0, "visible": True, "title": "Info"})


def raw(data: bytes) -> Step:
    """Bytes sent into the event stream as they are, e.g. a broken event."""
    return ("raw", data)


def heartbeat() -> Step:
    return ("heartbeat", None)


def pause(seconds: float) -> Step:
    return ("pause", seconds)


def drop() -> Step:
    """Close the connection abruptly, in the middle of the chunked answer."""
    return ("drop", None)


def error(data: Any = None) -> Step:
    """An ``error`` event: None as Gradio < 6.13 sends, ``{"error": text, "title": ...}`` as 6.13+, or a
    string. On the queue route the text (and title, default ``Error``) come in ``process_completed``."""
    return ("error", data)


class FakeSpace(FakeServer):
    """A loopback Gradio app with one text-to-image endpoint: FLUX.1-schnell's ``/infer`` unless
    ``signature`` (or ``inputs``, for an ``/infer`` endpoint) says otherwise.

    Use it as a context manager; ``url`` is its root. ``version`` picks the route layout:
    Gradio 4 (no prefix) or 5+ (``/gradio_api``). It describes itself at ``/config`` and
    ``{prefix}/info`` as Gradio does. Queue job scripts with ``script()``. A job without one
    waits ``delay`` seconds, then sends an image coloured by ``prompt_colour()`` of its prompt,
    with the seed it was sent (42 when asked to randomize), in the endpoint's output shape. A
    script may also be a ``Reply``, sent in answer to the job's POST instead of an event id.
    ``requests`` lists what it received; ``received`` the inputs of each job, by name. A job
    with the wrong number of inputs fails as Gradio fails it: an error event without a message.
    Assign ``signature`` to change the app while it runs.
    """

    def __init__(
        self,
        *,
        version: str = GRADIO_6,
        signature: Signature = FLUX_SCHNELL,
        inputs: Sequence[Input] | None = None,
        delay: float = 0.0,
        max_file_size: int | None = None,
    ) -> None:
        super().__init__()
        self.delay = delay
        self.max_file_size = max_file_size
        """The largest upload it takes, in bytes (None: any), said in its ``/config`` as Gradio does."""
        self.uploads: list[Upload] = []
        """Each file uploaded to it, in order."""
        self.version = version
        self.prefix = "" if version.startswith(("3.", "4.")) else "/gradio_api"
        self.signature = signature if inputs is None else Signature("infer", tuple(inputs))
        self.files: dict[str, bytes | Reply] = {}
        """What the app serves at each file path: an image's bytes, or a scripted Reply (e.g. a redirect)."""
        self.cancelled: list[str] = []
        """Event ids of jobs whose stream the client closed before the script ended."""
        self.received: list[dict[str, Any]] = []
        """The inputs of each job it was sent, by the app's names, in arrival order."""
        self.active = 0
        self.peak_active = 0
        """The most job streams that were open at once."""
        self._scripts: ScriptQueue[list[Step] | Reply] = ScriptQueue()
        self._jobs: dict[str, list[Step]] = {}
        self._sessions: dict[str, str] = {}

    @property
    def inputs(self) -> tuple[Input, ...]:
        return self.signature.inputs

    def __enter__(self) -> FakeSpace:
        super().__enter__()
        return self

    def script(self, *jobs: Iterable[Step] | Reply, prompt: str | None = None) -> None:
        """Queue the scripts of the next jobs, one list of steps (or a Reply) per job.

        With ``prompt``, they are kept for the next jobs asking for that prompt, whatever
        order concurrent jobs arrive in.
        """
        self._scripts.add(tuple(job if isinstance(job, Reply) else list(job) for job in jobs), prompt)

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
        return {**app_config(self.signature, self.version), "max_file_size": self.max_file_size}

    def info(self) -> dict[str, Any]:
        return app_info(self.signature)

    def handle(self, exchange: Exchange) -> None:
        method, route, prefix = exchange.request.method, _off_replica(exchange.route), self.prefix
        if method == "GET" and route == "/config":
            exchange.json(self.config())
        elif method == "GET" and route == f"{prefix}/info":
            exchange.json(self.info())
        elif method == "POST" and route == f"{prefix}/call/{self.signature.api_name}":
            self._start_job(exchange)
        elif method == "GET" and route.startswith(f"{prefix}/call/{self.signature.api_name}/"):
            self._stream_job(exchange, route.rsplit("/", 1)[1])
        elif method == "POST" and route == f"{prefix}/queue/join":
            self._start_job(exchange, queue=True)
        elif method == "GET" and route == f"{prefix}/queue/data":
            self._stream_queue(exchange, parse_qs(urlsplit(exchange.request.path).query).get("session_hash", [""])[0])
        elif method == "POST" and route == f"{prefix}/upload":
            self._upload(exchange)
        elif method == "GET" and unquote(route.removeprefix(f"{prefix}/file=")) in self.files:
            served = self.files[unquote(route.removeprefix(f"{prefix}/file="))]
            exchange.reply(served if isinstance(served, Reply) else Reply(200, served, "image/png"))
        else:
            exchange.not_found()

    def echo(self, data: list[Any]) -> list[Step]:
        """The default job for posted inputs: a pause, then the prompt's colour and the seed sent; an app
        with an image input sends back the first image it was given, as is (an edit that changes nothing)."""
        named = self._named(data)
        seed = 42 if named.get("randomize_seed", named.get("random_seed", True)) else int(named.get("seed", 42))
        image = self.image(seed, rgb=prompt_colour(str(named.get("prompt", ""))))[0]
        given = self._images_given(data)
        if given:
            self.files[image["path"]] = self.files[given[0]]
        final = ("complete", [output_value(kind, image, seed) for kind in self.signature.outputs])
        return [pause(self.delay), final] if self.delay else [final]

    def _upload(self, exchange: Exchange) -> None:
        """Keep each file of the form and answer with their paths, as Gradio does (any bytes are taken)."""
        request = exchange.request
        files = _form_files(request.headers.get("Content-Type", ""), request.body)
        if files is None:
            exchange.json({"detail": "There was an error parsing the body"}, status=400)
            return
        limit = self.max_file_size
        if limit is not None and any(len(content) > limit for *_, content in files):
            message = f"File size exceeded maximum allowed size of {limit} bytes."
            exchange.reply(Reply(413, message, "text/plain"))
            return
        paths = []
        for _, filename, kind, content in files:
            path = f"/tmp/gradio/{uuid.uuid4().hex}/{filename or 'file'}"  # noqa: S108 - a name, not a file
            with self._lock:
                self.files[path] = content
                self.uploads.append(Upload(path, filename, kind, content))
            paths.append(path)
        exchange.json(paths)

    def _images_given(self, data: list[Any]) -> list[str]:
        """The server paths of the images a job names in its Image and Gallery inputs, in order."""
        paths = []
        for spec, value in zip(self.inputs, data, strict=False):
            items = value if spec.component == "gallery" and isinstance(value, list) else [value]
            for item in items:
                file = item.get("image") if spec.component == "gallery" and isinstance(item, dict) else item
                if spec.component in ("image", "gallery") and isinstance(file, dict):
                    paths.append(str(file.get("path")))
        return paths

    def _image_problem(self, data: list[Any]) -> str | None:
        """Why Gradio would fail the job over its image inputs: a file it does not hold, or a gallery of bare files."""
        for spec, value in zip(self.inputs, data, strict=False):
            bare = isinstance(value, list) and any(not isinstance(item, dict) or "image" not in item for item in value)
            if spec.component == "gallery" and bare:
                return f"{spec.name}: a gallery takes items of the form {{'image': FileData, 'caption': ...}}"
        unknown = [path for path in self._images_given(data) if path not in self.files]
        return f"File {unknown[0]} is not in the upload folder and cannot be accessed." if unknown else None

    def _named(self, data: Any) -> dict[str, Any]:
        """Posted inputs by their names (nothing when the data is not a list)."""
        return dict(zip((spec.name for spec in self.inputs), data, strict=False)) if isinstance(data, list) else {}

    def _start_job(self, exchange: Exchange, *, queue: bool = False) -> None:
        body = exchange.request.json()
        data = body.get("data", []) if isinstance(body, dict) else []
        with self._lock:
            self.received.append(self._named(data))
        problem = self._image_problem(data) if isinstance(data, list) else None
        if len(data) != len(self.inputs):  # as Gradio before 6.13: accepted, then an error without a message
            script: list[Step] | Reply | None = [error(None)]
        elif problem is not None:  # as Gradio: any file is taken at upload; the job fails on what it cannot use
            script = [error(problem)]
        else:
            script = self._scripts.take(self._named(data).get("prompt"))
        if script is None:
            script = self.echo(data)
        if isinstance(script, Reply):
            exchange.reply(script)
            return
        event_id = uuid.uuid4().hex
        with self._lock:
            self._jobs[event_id] = script
            if queue:
                self._sessions[str(body.get("session_hash"))] = event_id
        exchange.json({"event_id": event_id})

    def _stream_job(self, exchange: Exchange, event_id: str) -> None:
        with self._lock:
            steps = self._jobs.pop(event_id, None)
        if steps is None:
            steps = [error("404: Session not found.")]
        self._play(exchange, event_id, call_frames(steps))

    def _stream_queue(self, exchange: Exchange, session: str) -> None:
        with self._lock:
            event_id = self._sessions.pop(session, "")
            steps = self._jobs.pop(event_id, None)
        if steps is None:
            exchange.not_found()
            return
        self._play(exchange, event_id, queue_frames(steps, event_id))

    def _play(self, exchange: Exchange, event_id: str, frames: Iterable[Frame]) -> None:
        """Send a script's frames, pausing or hanging up where it says."""
        exchange.start_chunks("text/event-stream; charset=utf-8")
        with self._lock:
            self.active += 1
            self.peak_active = max(self.peak_active, self.active)
        try:
            for kind, frame in frames:
                if kind == "pause":
                    time.sleep(float(frame))
                elif kind == "drop":
                    exchange.hang_up()
                    return
                else:
                    exchange.chunk(frame)
            exchange.end_chunks()
        except (BrokenPipeError, ConnectionResetError):
            self.cancelled.append(event_id)  # the client hung up: that is how jobs are cancelled
            exchange.hang_up()
        finally:
            with self._lock:
                self.active -= 1


@dataclass(frozen=True)
class Upload:
    """A file a fake space received at its upload route: the server path it answered, and the file."""

    path: str
    filename: str
    content_type: str
    content: bytes


def _form_files(content_type: str, body: bytes) -> list[tuple[str, str, str, bytes]] | None:
    """``(field, filename, content type, bytes)`` of each file of a multipart form; None if it is not one."""
    boundary = content_type.partition("boundary=")[2].strip('"')
    if not content_type.startswith("multipart/form-data") or not boundary:
        return None
    files = []
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode("utf-8", "replace").split("\r\n") if ": " in line)
        disposition = headers.get("Content-Disposition", "")
        field = disposition.partition('name="')[2].partition('"')[0]
        filename = disposition.partition('filename="')[2].partition('"')[0]
        files.append((field, filename, headers.get("Content-Type", ""), content.removesuffix(b"\r\n")))
    return files


def _off_replica(route: str) -> str:
    """A route as the app sees it: a proxy pins URLs to a replica with a ``/--replicas/{id}`` prefix."""
    if route.startswith("/--replicas/"):
        return "/" + route.split("/", 3)[3] if route.count("/") >= 3 else "/"
    return route
