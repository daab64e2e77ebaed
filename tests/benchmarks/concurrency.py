"""Many calls at once against a server that takes 0.5 s per job, all in parallel: how much longer
than one call they take, for hfimage.aio and for the steps between it and the hand-written floor.

The ways take turns, wave by wave, so a drift in the machine's speed touches them alike. The
rows peel off one layer at a time, so the difference between two adjacent rows is what that
layer costs: the async bridge (aio vs the sync client in threads), hfimage's call itself (sync
client vs floor), the queue route (auto vs call route, and the floor on either) and the image
download (floor with and without it). Each is the median of a few waves; CPU is this process's, per call.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable

import anyio
import requests

import hfimage
import hfimage.aio
from hfimage.providers import BlackForestLabs_Flux1Schnell
from tests.benchmarks.floor import floor_call, floor_queue_call, fn_index
from tests.benchmarks.table import median, report

SERVER = """
import sys, time
from hfimage.testing import FakeSpace
with FakeSpace(delay={delay}) as space:
    {setup}
    print(space.url, flush=True)
    sys.stdin.read()
"""

Wave = Callable[[int], float]
"""Runs ``count`` calls at once and returns the seconds they took together."""


def fake_space_process(delay: float = 0.0, setup: str = "pass") -> tuple[subprocess.Popen[str], str]:
    """A FakeSpace in a process of its own (so its CPU is not this one's), and its URL."""
    code = textwrap.dedent(SERVER).format(delay=delay, setup=setup)
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def aio_wave(url: str, protocol: str) -> Wave:
    provider = BlackForestLabs_Flux1Schnell(url=url)

    async def wave(count: int) -> float:
        async with hfimage.aio.Client(max_concurrency=max(count, 64), protocol=protocol, cache=False) as client:
            await client.generate("warm up", provider=provider)
            started = time.perf_counter()
            async with anyio.create_task_group() as group:
                for index in range(count):
                    group.start_soon(lambda i=index: client.generate(f"p{i}", provider=provider))
            return time.perf_counter() - started

    return lambda count: anyio.run(wave, count)


def in_threads(count: int, call: Callable[[int], object]) -> float:
    threads = [threading.Thread(target=call, args=(index,)) for index in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def sync_wave(url: str) -> Wave:
    provider = BlackForestLabs_Flux1Schnell(url=url)

    def wave(count: int) -> float:
        with hfimage.Client(protocol="call", max_connections=max(count, 64), cache=False) as client:
            bytes_of(client.generate("warm up", provider=provider))
            return in_threads(count, lambda i: bytes_of(client.generate(f"p{i}", provider=provider)))

    return wave


def bytes_of(image: hfimage.Image) -> bytes:
    """The image's bytes, downloaded as hfimage.aio downloads them before handing an image over."""
    return image.content


def floor_wave(url: str, *, download: bool, queue: bool = False) -> Wave:
    def wave(count: int) -> float:
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=count, pool_maxsize=max(count, 10))
        session.mount("http://", adapter)
        if queue:
            index = fn_index(session, url)
            call = functools.partial(floor_queue_call, session, url, index, download=download)
        else:
            call = functools.partial(floor_call, session, url, download=download)
        call(["warm up", 0, True, 768, 768, 2])
        try:
            return in_threads(count, lambda i: call([f"p{i}", 0, True, 768, 768, 2]))
        finally:
            session.close()

    return wave


def concurrency(sizes: tuple[int, ...], repeats: int) -> None:
    print("concurrency (server takes 0.5 s per job, in parallel; median of waves)", flush=True)
    process, url = fake_space_process(delay=0.5)
    try:
        ways: dict[str, Wave] = {
            "hfimage.aio (auto: queue route)": aio_wave(url, "auto"),
            "hfimage.aio (call route)": aio_wave(url, "call"),
            "sync hfimage.Client in threads (call route)": sync_wave(url),
            "floor in threads, with the download": floor_wave(url, download=True),
            "floor in threads, queue route, with the download": floor_wave(url, download=True, queue=True),
            "floor in threads, without the download": floor_wave(url, download=False),
        }
        ratios: dict[tuple[str, int], float] = {}
        single: dict[str, float] = {}
        for count in (1, *sizes):  # round-robin over the ways, as the machine's speed drifts
            took: dict[str, list[float]] = {name: [] for name in ways}
            cpu: dict[str, float] = dict.fromkeys(ways, 0.0)
            for _ in range(repeats):
                for name, wave in ways.items():
                    started = time.process_time()
                    took[name].append(wave(count))
                    cpu[name] += time.process_time() - started
            for name in ways:
                wall = median(took[name])
                if count == 1:
                    single[name] = wall
                    continue
                ratios[name, count] = wall / single[name]
                per_call = cpu[name] / repeats / count
                detail = f"{single[name] * 1000:.0f} ms for one, {per_call * 1000:.1f} ms CPU per call"
                report(f"{count} at once vs one, {name}", f"{ratios[name, count]:.2f}x ({detail})")
        for count in sizes:
            ours = ratios["hfimage.aio (auto: queue route)", count]
            floor = ratios["floor in threads, with the download", count]
            if count == 64:
                report("64 concurrent hfimage.aio calls vs one", f"{ours:.2f}x", "<= 1.5x", ours <= 1.5)
            report(f"{count} concurrent: hfimage.aio ratio minus the floor's", f"{ours - floor:+.2f}",
                   "<= +0.05" if count == 64 else "", ours - floor <= 0.05 if count == 64 else None)  # fmt: skip
    finally:
        process.communicate("")
