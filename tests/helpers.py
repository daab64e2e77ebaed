"""Small builders shared by the tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

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
