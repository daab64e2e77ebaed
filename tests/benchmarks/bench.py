"""hfimage's own cost, measured side by side with a hand-written floor, gradio_client and g4f.

Run from the repository root, after ``pip install ".[test]"``::

    python -m tests.benchmarks.bench            # about three minutes
    python -m tests.benchmarks.bench --quick    # fewer rounds, for a smoke run

The g4f rows need ``pip install g4f`` as well (not a test dependency: it is large); without
it they are skipped with a line that says so.

It starts its own servers on 127.0.0.1 (a real Gradio app, and hfimage's fake servers in
processes of their own) and prints a table of medians and ratios, and whether each target holds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import requests

import hfimage
import hfimage.aio
from hfimage._protocols.poll import PollSchedule
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs, StabilityAI_SD35Large
from hfimage.testing import FakeImageLabs, FinishAfter
from tests.apps.launch import start, stop
from tests.benchmarks.concurrency import concurrency, fake_space_process
from tests.benchmarks.credits import credits
from tests.benchmarks.editing import editing
from tests.benchmarks.floor import INPUTS, floor_call
from tests.benchmarks.network import latency
from tests.benchmarks.peers import SD35_PARAMS, g4f_sd35
from tests.benchmarks.startup import startup
from tests.benchmarks.table import ROWS, median, print_table, report, timed

Timings = dict[str, list[tuple[float, float]]]
"""Each call's wall and CPU seconds, round by round."""


def side_by_side(
    calls: dict[str, Callable[[], object]], rounds: int
) -> tuple[dict[str, float], dict[str, float], Timings]:
    """Warm each call up, then run them in turn ``rounds`` times and report each one's medians.

    Returns the median wall and CPU seconds by name, and every round's timings.
    """
    for call in calls.values():  # warm up: connections, discovery, caches
        call()
    runs: Timings = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            runs[name].append(timed(call))
    wall = {name: median([w for w, _ in values]) for name, values in runs.items()}
    cpu = {name: median([c for _, c in values]) for name, values in runs.items()}
    for name in calls:
        report(f"median wall / CPU per call, {name}", f"{wall[name] * 1000:.1f} ms / {cpu[name] * 1000:.2f} ms")
    return wall, cpu, runs


def pair_ratio(runs: Timings, ours: str, theirs: str) -> float:
    """The median, over rounds, of ``ours``' wall time over ``theirs``' in the same round."""
    return median([mine[0] / other[0] for mine, other in zip(runs[ours], runs[theirs], strict=True)])


# Per-call overhead against a real Gradio server whose function returns at once.


def per_call(rounds: int) -> None:
    from gradio_client import Client as GradioClient

    print("per-call overhead (real Gradio server, function returns at once)", flush=True)
    servers = start(sys.executable, "current", ("flux",))
    root = servers.url["flux"]
    try:
        session = requests.Session()
        provider = BlackForestLabs_Flux1Schnell(url=root)
        call_client = hfimage.Client(protocol="call")
        space_client = hfimage.Client(protocol="call")
        auto_client = hfimage.Client()
        gradio = GradioClient(root, verbose=False)
        params = {"provider": provider, "seed": 5, "width": 256, "height": 256}
        calls = {
            "floor": lambda: floor_call(session, root),
            "call": lambda: call_client.generate("a fox", **params),
            "space": lambda: space_client.generate("a fox", space=root, seed=5, width=256, height=256),
            "auto": lambda: auto_client.generate("a fox", **params),
            "call+bytes": lambda: call_client.generate("a fox", **params).content,
            "gc": lambda: gradio.predict(*INPUTS, api_name="/infer"),
        }
        wall, cpu, runs = side_by_side(calls, rounds)
        ratio = pair_ratio(runs, "call", "floor")
        cpu_ratio = cpu["call"] / cpu["floor"]
        report("hfimage (call route) wall vs floor, median of pair ratios", f"{ratio:.3f}x", "<= 1.05x", ratio <= 1.05)
        report("hfimage client CPU vs floor", f"{cpu_ratio:.2f}x", "<= 1.25x", cpu_ratio <= 1.25)
        space_ratio = pair_ratio(runs, "space", "floor")
        report("hfimage space=URL (any app, read once) wall vs floor", f"{space_ratio:.3f}x", "<= 1.05x",
               space_ratio <= 1.05)  # fmt: skip
        space_cpu = cpu["space"] / cpu["floor"]
        report("hfimage space=URL client CPU vs floor", f"{space_cpu:.2f}x", "<= 1.25x", space_cpu <= 1.25)
        gc_ratio = wall["call+bytes"] / wall["gc"]
        report("hfimage (with the bytes) wall vs gradio_client predict", f"{gc_ratio:.2f}x", "<= 0.3x", gc_ratio <= 0.3)
        report("hfimage queue route (auto) wall vs floor", f"{wall['auto'] / wall['floor']:.2f}x", "(live progress)")
        call_client.close()
        space_client.close()
        auto_client.close()
    finally:
        stop(servers)


# Against g4f, whose providers hfimage replaces, on a real SD 3.5-shaped Gradio server.


def against_g4f(rounds: int) -> None:
    print("against g4f (real Gradio server shaped like SD 3.5: two previews, then the image)", flush=True)
    servers = start(sys.executable, "current", ("sd35",))
    root = servers.url["sd35"]
    try:
        with g4f_sd35(root) as g4f_call, hfimage.Client(protocol="call") as client:
            if g4f_call is None:
                report("g4f rows", "skipped: g4f is not installed (pip install g4f)")
                return
            provider = StabilityAI_SD35Large(url=root)
            calls = {"hfimage": lambda: client.generate("a fox", provider=provider, **SD35_PARAMS), "g4f": g4f_call}
            _, _, runs = side_by_side(calls, rounds)
            ratio = pair_ratio(runs, "hfimage", "g4f")
            report("hfimage wall vs g4f StabilityAI_SD35Large, median of pair ratios", f"{ratio:.2f}x")
    finally:
        stop(servers)


# Import time.


def import_time(module: str, runs: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(runs)]
    return median(times)


def imports(runs: int) -> None:
    print("import time", flush=True)
    ours, theirs = import_time("hfimage", runs), import_time("requests", runs)
    loaded = import_time("hfimage; hfimage.Client", runs)
    report("import hfimage / import requests", f"{ours * 1000:.1f} ms / {theirs * 1000:.1f} ms")
    report("import time ratio", f"{ours / theirs:.2f}x", "<= 1.1x", ours / theirs <= 1.1)
    report("import hfimage and load the client (first use)", f"{loaded * 1000:.1f} ms, {loaded / theirs:.2f}x requests")


# Memory while saving a large image.

MEMORY_CLIENT = """
import resource, sys, tempfile
import hfimage
from hfimage.providers import BlackForestLabs_Flux1Schnell
image = hfimage.generate("big", provider=BlackForestLabs_Flux1Schnell(url=sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with tempfile.TemporaryDirectory() as folder:
    size = image.save(folder + "/big").stat().st_size
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(size, (after - before) * 1024)
"""


def memory(megabytes: int) -> None:
    print(f"memory (saving a {megabytes} MB image)", flush=True)
    setup = (
        f"outputs = space.image(1); space.files[outputs[0]['path']] = "
        f"outputs[0] and b'\\x89PNG\\r\\n\\x1a\\n' + bytes({megabytes} * 2**20); space.script([('complete', outputs)])"
    )
    process, url = fake_space_process(setup=setup)
    try:
        output = subprocess.check_output([sys.executable, "-c", MEMORY_CLIENT, url], text=True).split()
    finally:
        process.communicate("")
    size, growth = int(output[0]), int(output[1])
    report("image size / peak RSS growth while saving", f"{size / 2**20:.0f} MB / {growth / 2**20:.1f} MB")
    report("peak RSS growth", f"{growth / 2**20:.1f} MB", "< 16 MB", growth < 16 * 2**20)


# The ImageLabs poll loop.


def polling(durations: tuple[float, ...]) -> None:
    print("ImageLabs poll loop (tasks done after a set time)", flush=True)
    with FakeImageLabs() as server:
        server.script(*[FinishAfter(seconds) for seconds in durations])
        threads = [
            threading.Thread(target=hfimage.generate, args=("a fox",), kwargs={"provider": ImageLabs(url=server.url)})
            for _ in durations
        ]
        for thread in threads:
            thread.start()
            time.sleep(0.01)
        for thread in threads:
            thread.join()
        delays = []
        for task, done in server.done_at.items():
            noticed = min(moment for moment in server.polls[task] if moment >= done)
            delays.append(noticed - done)
        polls = [len(times) for times in server.polls.values()]
    report("tasks / polls per task", f"{len(delays)} / median {median(polls):.0f}, max {max(polls)}")
    report("detection delay, median / max", f"{median(delays) * 1000:.0f} ms / {max(delays) * 1000:.0f} ms",
           "median < 300 ms", median(delays) < 0.3)  # fmt: skip
    for seconds in (60.0, 600.0):
        elapsed, count = 0.0, 0
        for delay in PollSchedule().delays():
            elapsed += delay
            count += 1
            if elapsed >= seconds:
                break
        report(f"polls per second on a {seconds:.0f} s task (schedule)", f"{count / seconds:.2f}", "about 1",
               count / seconds <= 1.2)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds: a smoke run, not a measurement")
    parser.add_argument("--json", help="also write the table to this file")
    parser.add_argument("--delay", type=float, default=50.0, help="milliseconds the latency proxy adds each way")
    args = parser.parse_args()
    quick = args.quick
    print(f"hfimage {hfimage.__version__}, Python {sys.version.split()[0]}", flush=True)
    per_call(rounds=5 if quick else 30)
    against_g4f(rounds=5 if quick else 30)
    imports(runs=3 if quick else 15)
    startup(rounds=3 if quick else 15)
    latency(args.delay / 1000, rounds=3 if quick else 9)
    concurrency((16, 64) if quick else (16, 64, 256), repeats=1 if quick else 3)
    memory(megabytes=16 if quick else 64)
    editing(rounds=3 if quick else 15)
    credits(rounds=3 if quick else 10)
    polling((0.2, 0.7, 1.5) if quick else (0.2, 0.4, 0.7, 1.0, 1.3, 1.7, 2.2, 2.8, 3.5, 4.2, 5.0))
    print()
    print_table()
    if args.json:
        with open(args.json, "w") as file:
            json.dump([row.__dict__ for row in ROWS], file, indent=1)
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
