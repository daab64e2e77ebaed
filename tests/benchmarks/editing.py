"""The editing row: uploading an image to a real Gradio app, hfimage's streamed form against a plain
``requests`` multipart POST of the same file to the same route, in time and in peak memory."""

from __future__ import annotations

import os
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import requests

from hfimage._calls.images import input_images
from hfimage._http.call import CallContext
from hfimage._http.transport import Transport
from hfimage._protocols.gradio.app import parse_config
from hfimage._protocols.gradio.filling import ImagesToSend
from hfimage._protocols.gradio.upload import with_uploads
from tests.apps.launch import start, stop
from tests.benchmarks.table import median, report, timed

MEGABYTES = 10


def peak_growth(call: Callable[[], object]) -> int:
    """The most Python memory ``call`` held at once beyond what was held before it, in bytes."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def editing(rounds: int) -> None:
    print(f"editing (uploading a {MEGABYTES} MB image to a real Gradio app)", flush=True)
    servers = start(sys.executable, "current", ("kontext",))
    root = servers.url["kontext"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(MEGABYTES * 2**20))  # the upload route takes any bytes
        session = requests.Session()
        transport = Transport()
        try:
            app = parse_config(root, session.get(f"{root}/config", timeout=30).json())
            values = (ImagesToSend(input_images(path), gallery=False),)

            def ours() -> object:
                channel = CallContext(transport, timeout=60).channel("bench", None)
                return with_uploads(channel, app, values)

            def plain() -> object:
                with open(path, "rb") as file:
                    answer = session.post(app.api_url("/upload"), files={"files": ("photo.png", file, "image/png")},
                                          timeout=60)  # fmt: skip
                answer.raise_for_status()
                return answer.json()

            for call in (ours, plain):
                call()  # warm up: connections, the server's upload folder
            runs: dict[str, list[float]] = {"hfimage": [], "requests": []}
            for _ in range(rounds):
                runs["hfimage"].append(timed(ours)[0])
                runs["requests"].append(timed(plain)[0])
            ratio = median([mine / other for mine, other in zip(runs["hfimage"], runs["requests"], strict=True)])
            report(f"upload {MEGABYTES} MB, median wall: hfimage / requests",
                   f"{median(runs['hfimage']) * 1000:.0f} ms / {median(runs['requests']) * 1000:.0f} ms")  # fmt: skip
            report("upload wall vs plain requests multipart POST", f"{ratio:.3f}x", "<= 1.1x", ratio <= 1.1)
            ours_peak, plain_peak = peak_growth(ours), peak_growth(plain)
            report("upload peak memory growth: hfimage / requests",
                   f"{ours_peak / 2**20:.1f} MB / {plain_peak / 2**20:.1f} MB")  # fmt: skip
            report("upload peak memory growth", f"{ours_peak / 2**20:.1f} MB", "< 16 MB", ours_peak < 16 * 2**20)
        finally:
            transport.close()
            session.close()
            stop(servers)
