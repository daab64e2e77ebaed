"""Small builders shared by the tests."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import time
from typing import Any

import anyio
import PIL.Image

import hfimage
import hfimage.aio
from hfimage import GPUDurationError, QuotaExceededError, ServiceUnavailableError
from hfimage._protocols.gradio.zerogpu import Failure

SLACK = 10.0
"""What a machine three times slower than a developer's, and busy, may add to a call's deadline. Every
server a deadline test cuts off would hold the call 20 s or more, so a call that ended within its
deadline plus this did not wait for the server."""

ROOT = "https://tester-flux.hf.space"
API = f"{ROOT}/gradio_api"
EVENT_ID = "0ea2c49c3347410aa1d639e689f3ac4a"


def sse(*events: tuple[str, Any]) -> str:
    """An event-stream body, framed exactly as Gradio frames it."""
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def file_data(name: str, *, url: str = "http://wrong.invalid/c/file=x") -> dict[str, Any]:
    return {
        "path": f"/tmp/gradio/{name}/image.webp",
        "url": url,
        "size": None,
        "orig_name": "image.webp",
        "mime_type": None,
        "is_stream": False,
        "meta": {"_type": "gradio.FileData"},
    }


def file_url(name: str) -> str:
    return f"{API}/file=/tmp/gradio/{name}/image.webp"


WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"


class StepTimer:
    """Drives a coroutine for the event loop while timing each step it runs without yielding.

    A step's wall time shows blocking I/O; its thread CPU time shows blocking work, untouched
    by other threads holding the GIL.
    """

    def __init__(self, coroutine: Any) -> None:
        self.coroutine = coroutine
        self.steps: list[tuple[float, float]] = []

    def __await__(self) -> Any:
        steps = self.coroutine.__await__()
        value: Any = None
        error: BaseException | None = None
        while True:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                yielded = steps.throw(error) if error is not None else steps.send(value)
            except StopIteration as stop:
                self.steps.append((time.perf_counter() - wall, time.thread_time() - cpu))
                return stop.value
            self.steps.append((time.perf_counter() - wall, time.thread_time() - cpu))
            try:
                value, error = (yield yielded), None
            except BaseException as caught:
                value, error = None, caught

    @property
    def longest_wall(self) -> float:
        return max(wall for wall, _ in self.steps)

    @property
    def longest_cpu(self) -> float:
        return max(cpu for _, cpu in self.steps)


def posted_data(space: Any) -> list[Any]:
    """The inputs of every job a fake space was sent, by either route."""
    return [request.json()["data"] for request in space.requests if request.method == "POST"]


def pictures(events: Any) -> list[Any]:
    """Only the previews and images among events."""
    from hfimage import Image, Preview

    return [event for event in events if isinstance(event, (Preview, Image))]


class FakeClock:
    """A clock, and a sleep, that only move when told to."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def run_hfimage(*args: str, cwd: Any = None, stdin: str | None = None, umask: int | None = None, **env: str) -> Any:
    """The ``hfimage`` command run as a user runs it, in a subprocess, with no token (unless ``env`` gives
    one) and no proxy for loopback."""
    environment = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    environment.pop("HF_TOKEN", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "hfimage", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=environment,
        check=False,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


TOKEN_ADVICE = "Authenticate with a Hugging Face token for more quota - https://huggingface.co/settings/tokens"

# (text, the kind it reports, the wait it names)
ZEROGPU_TEXTS = [
    ("You have exceeded your GPU quota (46s left vs. 60s requested). Sign-up on Hugging Face to get more quotas or "
     "retry in 0:09:48", Failure.QUOTA, 588.0),
    ("You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 0:05:12", Failure.QUOTA, 312.0),
    ("You have exceeded your free GPU quota (60s requested vs. 12s left). Try again in 0:05:12", Failure.QUOTA, 312.0),
    ("You have exceeded your Pro GPU quota (60s requested vs. 12s left). Try again in 1 day, 2:03:04", Failure.QUOTA,
     93784.0),
    ('You have exceeded your GPU quota (60s requested vs. 56s left). <a href="https://huggingface.co/join">Create a '
     "free account</a> to get more usage quota.", Failure.QUOTA, None),
    (f"You have exceeded your ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12. {TOKEN_ADVICE}",
     Failure.QUOTA, 312.0),
    ("You have exceeded your free ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12. Subscribe to "
     "Hugging Face PRO to get 40 min of ZeroGPU quota a day - https://huggingface.co/subscribe/pro", Failure.QUOTA,
     312.0),
    ("You have exceeded your Pro ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12. Add credits to "
     "keep using ZeroGPU. $1 for 10 minutes of ZeroGPU inference - https://huggingface.co/settings/billing",
     Failure.QUOTA, 312.0),
    ("You have exceeded your GPU quota (286s left vs 300s requested). Signup on Huggingface or try again in 2 days.",
     Failure.QUOTA, 172800.0),
    ("You have exceeded your runs limit.", Failure.RUNS, None),
    ("You have exceeded your ZeroGPU runs limit.", Failure.RUNS, None),
    ("Unlogged user is runnning out of daily ZeroGPU quotas. Signup for free on https://huggingface.co/join or login "
     "on https://huggingface.co/login to get more ZeroGPU quota now.", Failure.QUOTA, None),
    ("User is runnning out of daily ZeroGPU quotas. Visit https://huggingface.co/subscribe/pro to get more ZeroGPU "
     "quota now.", Failure.QUOTA, None),
    ("Space app has reached its GPU limit. Try re-running outside of examples if it happened after clicking one",
     Failure.SPACE_LIMIT, None),
    ("You have too many ZeroGPU credits allocated to running tasks. Try again once some of those tasks have "
     "completed.", Failure.PENDING, None),
    ("The requested GPU duration (120s) is larger than the maximum allowed", Failure.DURATION, None),
    ("No GPU was available after 60s", Failure.BUSY, None),
    ("No GPU was available", Failure.BUSY, None),
]  # fmt: skip
"""What ZeroGPU and the spaces have said when the GPU is out, each with its kind and the wait it announces."""


def colour_of(prompt, shade=1.0):
    return tuple(int(channel * shade) for channel in hashlib.sha256(prompt.encode()).digest()[:3])


def pixels(image):
    decoded = PIL.Image.open(io.BytesIO(image.content)).convert("RGB")
    return decoded.size, decoded.getpixel((decoded.width // 2, decoded.height // 2))


def close_to(actual, expected, tolerance=12):
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


BACKENDS = ["asyncio", "trio"]


class SyncAPI:
    """The public API as sync code calls it."""

    name = "sync"

    def generate(self, prompt, **params):
        with hfimage.Client() as client:
            return client.generate(prompt, **params)

    def events(self, prompt, **params):
        with hfimage.Client() as client:
            return list(client.stream(prompt, **params))

    def edit(self, image, prompt, **params):
        with hfimage.Client() as client:
            return client.edit(image, prompt, **params)

    def inspect(self, space, **params):
        with hfimage.Client() as client:
            return client.inspect(space, **params)


class AsyncAPI:
    """The public API as async code calls it, on one anyio backend."""

    def __init__(self, backend):
        self.name = backend

    def generate(self, prompt, **params):
        async def generate():
            async with hfimage.aio.Client() as client:
                return await client.generate(prompt, **params)

        return anyio.run(generate, backend=self.name)

    def edit(self, image, prompt, **params):
        async def edit():
            async with hfimage.aio.Client() as client:
                return await client.edit(image, prompt, **params)

        return anyio.run(edit, backend=self.name)

    def events(self, prompt, **params):
        async def events():
            async with hfimage.aio.Client() as client, client.stream(prompt, **params) as stream:
                return [event async for event in stream]

        return anyio.run(events, backend=self.name)

    def inspect(self, space, **params):
        async def inspect():
            async with hfimage.aio.Client() as client:
                return await client.inspect(space, **params)

        return anyio.run(inspect, backend=self.name)


ZEROGPU_TITLES = [
    ("ZeroGPU quota exceeded", Failure.QUOTA),
    ("ZeroGPU pending credits exceeded", Failure.PENDING),
    ("ZeroGPU queue timeout", Failure.BUSY),
    ("ZeroGPU client error", Failure.BUSY),
    ("ZeroGPU illegal duration", Failure.DURATION),
]
"""ZeroGPU's error titles (Gradio 6.13+), each with the failure it names."""


ZEROGPU_ERRORS = {
    Failure.QUOTA: (QuotaExceededError, True),
    Failure.RUNS: (QuotaExceededError, True),
    Failure.PENDING: (QuotaExceededError, True),
    Failure.SPACE_LIMIT: (QuotaExceededError, False),
    Failure.BUSY: (ServiceUnavailableError, None),
    Failure.DURATION: (GPUDurationError, None),
}
"""The error each failure becomes, and whether the quota it names is the caller's own (shared by ZeroGPU spaces)."""

ENV_TOKEN = "hf_fromenvironment1"
OLD_ENV_TOKEN = "hf_fromoldvariable2"
PATH_TOKEN = "hf_fromtokenpath3"
HOME_TOKEN = "hf_fromhfhome4"
"""A token in each place a token can be saved (the ``saved`` fixture puts them there)."""


def imagelabs_events(**params: Any) -> list[Any]:
    """The events of one call to ImageLabs (sdxl-turbo), with a client of its own."""
    with hfimage.Client(timeout=5) as client:
        return list(client.stream("a red fox", model="sdxl-turbo", **params))


class Pipe(io.RawIOBase):
    """A file that can be read once, front to back (a pipe, a socket, a download in progress)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)
