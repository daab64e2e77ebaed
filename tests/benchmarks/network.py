"""Round trips: hfimage and its peers behind a simulated network latency, counted from the proxy's log.

A ``LatencyProxy`` holds every byte for ``one_way`` seconds each way in front of a real Gradio
app whose function returns at once, and counts the connections and HTTP requests that cross it.
A warm call runs in a client that has made one call before; a cold one is a new process, from
its start to the image saved in a file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import requests

import hfimage
from hfimage.providers import BlackForestLabs_Flux1Schnell, StabilityAI_SD35Large
from tests.apps.launch import start, stop
from tests.benchmarks.floor import INPUTS, floor_call
from tests.benchmarks.peers import SD35_PARAMS, g4f_sd35
from tests.benchmarks.table import median, report, timed
from tests.latency_proxy import LatencyProxy, Traffic

FLOOR_SCRIPT = """
import sys, requests
from tests.benchmarks.floor import INPUTS, floor_call
with open(sys.argv[2], "wb") as file:
    file.write(floor_call(requests.Session(), sys.argv[1], INPUTS, download=True))
"""
GRADIO_CLIENT_SCRIPT = """
import shutil, sys
from gradio_client import Client
shutil.copy(Client(sys.argv[1], verbose=False).predict(*{inputs!r}, api_name="/infer")[0], sys.argv[2])
"""


def measure(proxy: LatencyProxy, call: Callable[[], object], rounds: int) -> tuple[float, Traffic]:
    """The median wall time of ``call`` and the traffic of one call (the last; every round is alike)."""
    walls = []
    traffic = Traffic()
    for _ in range(rounds):
        proxy.take()
        started = time.perf_counter()
        call()
        walls.append(time.perf_counter() - started)
        traffic = proxy.take()
    return median(walls), traffic


def show(name: str, wall: float, traffic: Traffic, rtt: float) -> None:
    report(
        name,
        f"{wall * 1000:.0f} ms, {len(traffic.requests)} req, {traffic.connections} conn",
        f"= {wall / rtt:.1f} RTT",
    )


def latency(one_way: float, rounds: int) -> None:
    rtt = 2 * one_way
    print(f"round trips (real Gradio app behind a proxy adding {one_way * 1000:.0f} ms each way)", flush=True)
    servers = start(sys.executable, "current", ("flux", "sd35"))
    app = servers.url["flux"]
    session = requests.Session()
    for _ in range(3):
        floor_call(session, app, download=True)
    generation = median([timed(lambda: floor_call(session, app, download=True))[0] for _ in range(rounds)])
    report("generation: the floor on loopback, no proxy (the app's own time)", f"{generation * 1000:.1f} ms")
    try:
        with LatencyProxy(app.removeprefix("http://"), one_way) as proxy:
            warm(proxy, generation, rtt, rounds)
            cold(proxy, generation, rtt, rounds)
        with LatencyProxy(servers.url["sd35"].removeprefix("http://"), one_way) as proxy:
            against_g4f(proxy, rtt, rounds)
    finally:
        stop(servers)


def warm(proxy: LatencyProxy, generation: float, rtt: float, rounds: int) -> None:
    from gradio_client import Client as GradioClient

    url = proxy.url
    reused = requests.Session()
    provider = BlackForestLabs_Flux1Schnell(url=url)
    params = {"provider": provider, "seed": 5, "width": 256, "height": 256}
    with hfimage.Client(protocol="call") as call_client, hfimage.Client() as auto_client:
        gradio = GradioClient(url, verbose=False)
        calls: dict[str, Callable[[], object]] = {
            "hfimage (call route)": lambda: call_client.generate("a fox", **params).content,
            "hfimage (auto: queue route)": lambda: auto_client.generate("a fox", **params).content,
            "floor, connection reused": lambda: floor_call(reused, url, download=True),
            "floor, a fresh connection per call": lambda: floor_call(requests.Session(), url, download=True),
            "gradio_client predict (with the download)": lambda: gradio.predict(*INPUTS, api_name="/infer"),
        }
        walls = {}
        for name, call in calls.items():
            call()  # warm up: the app's description, connections
            walls[name], traffic = measure(proxy, call, rounds)
            show(f"warm call, {name}", walls[name], traffic, rtt)
        gradio.close()
    ours = walls["hfimage (call route)"]
    limit = (generation + 3 * rtt) * 1.05
    report("warm hfimage call vs generation + 3 RTT + 5%", f"{ours * 1000:.0f} ms", f"<= {limit * 1000:.0f} ms",
           ours <= limit)  # fmt: skip
    theirs = walls["gradio_client predict (with the download)"]
    report("warm hfimage call vs gradio_client", f"{ours / theirs:.2f}x", "<= 0.5x", ours / theirs <= 0.5)


START = "process start (importing what the command line's call needs)"


def cold(proxy: LatencyProxy, generation: float, rtt: float, rounds: int) -> None:
    """New processes, from start to saved file: hfimage's command line (first run, then with its cache),
    the floor as a script, and gradio_client as a script. Each round also times the process start
    (a process that imports what a call of the command line needs), and the target compares each run
    with the start measured next to it, as the machine's speed drifts."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        env = {**os.environ, "HFIMAGE_CACHE": str(out / "cache"), "NO_PROXY": "127.0.0.1,localhost"}
        hfimage_cli = [sys.executable, "-m", "hfimage"]
        generate = [*hfimage_cli, "a fox", "--url", proxy.url, "-o", str(out / "fox.webp"), "-q"]  # as served

        def run(*args: str) -> None:
            subprocess.run(args, env=env, check=True, capture_output=True, cwd=Path(__file__).parents[2])

        runs: dict[str, Callable[[], object]] = {
            START: lambda: run(sys.executable, "-c", "import hfimage.cli._generate"),
            "hfimage CLI, first run (no cache)": lambda: (clear(out / "cache"), run(*generate)),
            "hfimage CLI, second run (cache)": lambda: run(*generate),
            "floor script (requests)": lambda: run(sys.executable, "-c", FLOOR_SCRIPT, proxy.url, str(out / "f.webp")),
            "gradio_client script": lambda: run(
                sys.executable, "-c", textwrap.dedent(GRADIO_CLIENT_SCRIPT).format(inputs=INPUTS), proxy.url,
                str(out / "g.webp"),
            ),
        }  # fmt: skip
        walls: dict[str, list[float]] = {name: [] for name in runs}
        traffic: dict[str, Traffic] = {}
        for _ in range(rounds):
            for name, call in runs.items():
                proxy.take()
                walls[name].append(timed(call)[0])
                traffic[name] = proxy.take()
    for name in runs:
        show(f"cold process, {name}", median(walls[name]), traffic[name], rtt)
    pairs = zip(walls["hfimage CLI, second run (cache)"], walls[START], strict=True)
    beyond_start = median([cli - start for cli, start in pairs])
    limit = generation + 4 * rtt
    report("cold hfimage CLI (cache) beyond its process start, paired", f"{beyond_start * 1000:.0f} ms",
           f"<= {limit * 1000:.0f} ms", beyond_start <= limit)  # fmt: skip
    ours, theirs = median(walls["hfimage CLI, second run (cache)"]), median(walls["gradio_client script"])
    report("cold hfimage CLI (cache) vs gradio_client script", f"{ours / theirs:.2f}x", "<= 0.5x", ours / theirs <= 0.5)


def against_g4f(proxy: LatencyProxy, rtt: float, rounds: int) -> None:
    """g4f's StabilityAI_SD35Large, which hands over the image's URL without its bytes, against hfimage
    doing the same (an SD 3.5-shaped app: two previews, then the image)."""
    provider = StabilityAI_SD35Large(url=proxy.url)
    with g4f_sd35(proxy.url) as g4f_call, hfimage.Client(protocol="call") as client:
        if g4f_call is None:
            report("warm call, g4f StabilityAI_SD35Large", "skipped: g4f is not installed (pip install g4f)")
            return
        calls: dict[str, Callable[[], object]] = {
            "hfimage StabilityAI_SD35Large (the URL only, as g4f)": lambda: client.generate(
                "a fox", provider=provider, **SD35_PARAMS
            ),
            "g4f StabilityAI_SD35Large (the URL only)": g4f_call,
        }
        for name, call in calls.items():
            call()
            wall, traffic = measure(proxy, call, rounds)
            show(f"warm call, {name}", wall, traffic, rtt)


def clear(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
