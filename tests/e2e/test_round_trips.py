"""The fewest round trips a call can make, counted by a latency_proxy in front of real Gradio apps (6 and 4.44).

A warm call needs three requests (the job, its event stream, the image); a new process adds one
connection, and with the disk cache nothing else: no config, no API description, no Hub.
"""

import re
import time
import urllib.request

import pytest

import hfimage
import hfimage.aio
from hfimage.providers import BlackForestLabs_Flux1Schnell

from ..helpers import run_hfimage
from ..latency_proxy import LatencyProxy


def shapes(requests, prefix):
    """Each request as ``METHOD route``, with its ids and file names cut off."""
    cut = []
    for request in requests:
        method, target = request.split(" ", 1)
        route = target.removeprefix(prefix)
        route = re.sub(r"^/call/infer/\w+$", "/call/infer/ID", route)
        route = re.sub(r"^/queue/data\?session_hash=\w+$", "/queue/data", route)
        route = re.sub(r"^/file=.*$", "/file=", route)
        cut.append(f"{method} {route}")
    return cut


JOB = {
    "call": ["POST /call/infer", "GET /call/infer/ID", "GET /file="],
    "queue": ["POST /queue/join", "GET /queue/data", "GET /file="],
}


@pytest.fixture
def latency_proxy(gradio):
    with LatencyProxy(gradio.url["flux"].removeprefix("http://"), 0.0) as made:
        yield made


def prefix_of(gradio):
    return "" if gradio.version.startswith("4") else "/gradio_api"


@pytest.mark.parametrize("protocol", ["call", "queue"])
def test_a_warm_call_sends_the_job_its_stream_and_the_download_and_nothing_else(gradio, latency_proxy, protocol):
    provider = BlackForestLabs_Flux1Schnell(url=latency_proxy.url)
    with hfimage.Client(protocol=protocol, cache=False) as client:
        assert client.generate("a fox", provider=provider).content[:4] == b"RIFF"
        first = latency_proxy.take()
        for _ in range(3):
            assert client.generate("a fox", provider=provider).content[:4] == b"RIFF"
    warm = latency_proxy.take()
    assert (first.connections, shapes(first.requests, prefix_of(gradio))) == (1, ["GET /config", *JOB[protocol]])
    assert (warm.connections, shapes(warm.requests, prefix_of(gradio))) == (0, 3 * JOB[protocol])


def test_a_new_process_with_the_cache_connects_once_and_sends_only_the_job(gradio, latency_proxy, tmp_path):
    for run in range(2):
        result = run_hfimage("a fox", "--url", latency_proxy.url, "--protocol", "call", "-o", f"{run}.webp", "-q",
                             cwd=tmp_path, HFIMAGE_CACHE=str(tmp_path / "cache"))  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"{run}.webp").read_bytes()[:4] == b"RIFF"
        traffic = latency_proxy.take()
        assert traffic.connections == 1
        assert shapes(traffic.requests, prefix_of(gradio)) == ([] if run else ["GET /config"]) + JOB["call"]


def test_the_proxy_adds_its_delay_to_each_round_trip_and_one_to_each_connection(gradio):
    one_way = 0.05
    with LatencyProxy(gradio.url["flux"].removeprefix("http://"), one_way) as latency_proxy:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{latency_proxy.url}/config", timeout=10) as answer:  # a new connection each
            assert answer.status == 200
        first = time.perf_counter() - started
        started = time.perf_counter()
        with urllib.request.urlopen(f"{latency_proxy.url}/config", timeout=10) as answer:
            answer.read()
        second = time.perf_counter() - started
        traffic = latency_proxy.take()
    assert (traffic.connections, traffic.requests, traffic.round_trips) == (2, ["GET /config", "GET /config"], 4)
    assert first >= 4 * one_way  # set-up and request: two round trips
    assert second >= 4 * one_way  # urllib opens a new connection each time
