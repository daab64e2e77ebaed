"""Starting the test apps (spaces.py) in a process of their own, for the tests and the benchmarks."""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

APP_SCRIPT = Path(__file__).parent / "spaces.py"
STARTUP_SECONDS = 180


@dataclass
class GradioServers:
    """One process serving the test apps; ``url[name]`` is each app's root."""

    version: str
    url: dict[str, str]
    process: subprocess.Popen[str]
    echo_file: Path
    """Where the stand-ins of today's spaces write the inputs each job received."""

    def received(self, prompt: str) -> list[dict[str, object]]:
        """The inputs of every job that asked for ``prompt``, in order, each with the app that got it."""
        lines = self.echo_file.read_text(encoding="utf-8").splitlines()
        jobs = [json.loads(line) for line in lines]
        return [{"app": job["app"], **job["inputs"]} for job in jobs if job["inputs"].get("prompt") == prompt]


PORTS = range(20000, 32000)
"""Where the apps' ports are picked: below Linux's ephemeral range (32768 up), so a port another test's
server is handed by the kernel (bound to port 0) never takes one between its choice and its use."""
ATTEMPTS = 3


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports of ``PORTS`` that are free now."""
    chosen: list[int] = []
    while len(chosen) < count:
        port = random.choice(PORTS)
        with socket.socket() as sock, contextlib.suppress(OSError):  # taken: pick another
            sock.bind(("127.0.0.1", port))
            if port not in chosen:
                chosen.append(port)
    return chosen


def start(python: str, version: str, apps: tuple[str, ...]) -> GradioServers:
    """The apps, each on a port of its own, in one process; started again on other ports when one was
    taken meanwhile (by another process of the run)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _start(python, version, apps)
        except PortTakenError:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


class PortTakenError(RuntimeError):
    """A port picked for an app was taken before the app could listen on it."""


def _start(python: str, version: str, apps: tuple[str, ...]) -> GradioServers:
    ports = dict(zip(apps, free_ports(len(apps)), strict=True))
    handle, echo_file = tempfile.mkstemp(prefix="hfimage-echo-", suffix=".jsonl")
    os.close(handle)
    env = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "NO_PROXY": "127.0.0.1,localhost",
        "HFIMAGE_ECHO_FILE": echo_file,
    }
    process = subprocess.Popen(
        [python, str(APP_SCRIPT), *(f"{name}={port}" for name, port in ports.items())],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    output = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if line.strip() == "READY":
            urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
            return GradioServers(version, urls, process, Path(echo_file))
    process.kill()
    process.wait()
    process.stdout.close()
    Path(echo_file).unlink(missing_ok=True)
    said = "".join(output)
    if "Cannot find empty port" in said:
        raise PortTakenError(said[-300:])
    raise RuntimeError(f"gradio {version} test apps did not start:\n{said[-3000:]}")


def stop(servers: GradioServers) -> None:
    servers.process.terminate()
    try:
        servers.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        servers.process.kill()
    if servers.process.stdout:
        servers.process.stdout.close()
    servers.echo_file.unlink(missing_ok=True)
