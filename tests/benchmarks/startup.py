"""What the command line costs before its first request: from a new process's start to the first byte
it sends, against ``python -c "import requests; requests.get(...)"`` doing the same, run in turn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from .table import median, report

FLOOR = "import sys, requests; requests.get(sys.argv[1] + '/config', timeout=30)"


class FirstByte:
    """A listener on 127.0.0.1 that notes when the first byte of a request arrives, then hangs up."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._arrived: list[float] = []
        self._got = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            with connection:
                if connection.recv(1):
                    self._arrived.append(time.perf_counter())
                    self._got.set()

    def time_to_first_byte(self, command: list[str], env: dict[str, str]) -> float:
        """Seconds from starting ``command`` to its first byte here; the process is then ended."""
        self._got.clear()
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not self._got.wait(60):
                raise RuntimeError(f"{command[:3]} sent nothing in 60 s")
            return self._arrived[-1] - started
        finally:
            process.kill()
            process.wait()

    def close(self) -> None:
        self._listener.close()


def startup(rounds: int) -> None:
    print("start-up: from a new process to its first request", flush=True)
    server = FirstByte()
    with tempfile.TemporaryDirectory() as folder:
        # As after `pip install`, which compiles every module: bytecode is kept, not compiled at each start.
        env = {**os.environ, "HFIMAGE_CACHE": folder, "NO_PROXY": "127.0.0.1,localhost"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands = {
            "hfimage PROMPT --space URL": [
                sys.executable,
                "-m",
                "hfimage",
                "a fox",
                "--space",
                server.url,
                "-q",
                "-o",
                os.path.join(folder, "fox.webp"),
            ],
            "floor: python -c 'import requests; requests.get(URL)'": [sys.executable, "-c", FLOOR, server.url],
        }
        walls: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # a warm-up, which also writes the bytecode
            server.time_to_first_byte(command, env)
        for _ in range(rounds):  # in turn, so the machine's drift touches both alike
            for name, command in commands.items():
                walls[name].append(server.time_to_first_byte(command, env))
        starts = {
            "hfimage --version": [sys.executable, "-m", "hfimage", "--version"],
            "python -c 'import requests'": [sys.executable, "-c", "import requests"],
            "python -c 'pass'": [sys.executable, "-c", "pass"],
        }
        start_walls: dict[str, list[float]] = {name: [] for name in starts}
        for _ in range(rounds):
            for name, command in starts.items():
                began = time.perf_counter()
                subprocess.run(command, env=env, check=True, capture_output=True)
                start_walls[name].append(time.perf_counter() - began)
    server.close()
    ours, floor = walls["hfimage PROMPT --space URL"], walls["floor: python -c 'import requests; requests.get(URL)'"]
    ratio = median([mine / theirs for mine, theirs in zip(ours, floor, strict=True)])
    report("first request: hfimage CLI / the floor", f"{median(ours) * 1000:.0f} / {median(floor) * 1000:.0f} ms")
    report("first request, median of pair ratios", f"{ratio:.2f}x")
    own = median([mine - theirs for mine, theirs in zip(ours, floor, strict=True)])
    imported, bare = start_walls["python -c 'import requests'"], start_walls["python -c 'pass'"]
    requests_cost = median([with_it - without for with_it, without in zip(imported, bare, strict=True)])
    report("hfimage's own cost before its first request / importing requests",
           f"{own * 1000:.0f} / {requests_cost * 1000:.0f} ms", "<= 1.0x", own <= requests_cost)  # fmt: skip
    mine, theirs = start_walls["hfimage --version"], start_walls["python -c 'import requests'"]
    ratio = median([a / b for a, b in zip(mine, theirs, strict=True)])
    report("hfimage --version / python -c 'import requests'", f"{ratio:.2f}x", "<= 1.0x", ratio <= 1.0)
