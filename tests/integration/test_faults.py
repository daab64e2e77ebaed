"""The fault matrix: every scripted fault ends in its typed error (or the image) within the deadline, leaking nothing.

Each case runs through the sync API and through hfimage.aio. A case names the provider it
scripts (flux, sd35, imagelabs), the route (queue or call), the fault, and what must come out.
"""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest

import hfimage
import hfimage.aio
from hfimage import (
    ConnectionError,
    Image,
    ProtocolError,
    ProviderError,
    QuotaExceededError,
    RateLimitError,
    ReplicaMismatchError,
    ServiceUnavailableError,
    TimeoutError,
)
from hfimage._protocols.gradio.zerogpu import Failure
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs, StabilityAI_SD35Large
from hfimage.testing import (
    SD35_INPUTS,
    FakeImageLabs,
    FakeSpace,
    Fault,
    FinishAfter,
    Reply,
    drop,
    error,
    heartbeat,
    pause,
    raw,
)

from ..helpers import SLACK, ZEROGPU_TEXTS

QUOTA_KINDS = (Failure.QUOTA, Failure.RUNS, Failure.PENDING, Failure.SPACE_LIMIT)


WORDINGS = [
    (text, 30.0 if kind is Failure.PENDING and wait is None else wait)
    for text, kind, wait in ZEROGPU_TEXTS
    if kind in QUOTA_KINDS
]


DEADLINE = 2.0

SLEEPING = Reply(503, "<!DOCTYPE html><html><body>This Space is sleeping</body></html>", "text/html")


def forever():
    return [*[heartbeat(), pause(0.1)] * 200]


def queue_message(**message):
    return ("queue", message)


@dataclass(frozen=True)
class Case:
    name: str
    script: Callable[[Any], None]
    expect: type
    kind: str = "flux"
    protocol: str = "call"
    check: Callable[[Any], None] = field(default=lambda outcome: None)


CASES = [
    Case("null error", lambda s: s.script([error(None)]), ProviderError),
    Case("dict error", lambda s: s.script([error({"error": "CUDA out of memory"})]), ProviderError),
    Case("string error", lambda s: s.script([error("Server stopped unexpectedly.")]), ProviderError),
    Case("job lost twice", lambda s: s.script(*[[error("404: Session not found.")]] * 2), ReplicaMismatchError),
    *[
        Case(
            f"quota wording {index}",
            lambda s, text=text: s.script([error({"error": text})]),
            QuotaExceededError,
            check=lambda e, seconds=seconds: (e.retry_after == seconds) or pytest.fail(f"{e.retry_after} != {seconds}"),
        )
        for index, (text, seconds) in enumerate(WORDINGS)
    ],
    Case("queue full", lambda s: s.script(Reply(503, {"detail": "Queue is full! Please try again."})), ServiceUnavailableError),
    Case(
        "429 with Retry-After",
        lambda s: s.script(Reply(429, {"detail": "slow down"}, headers={"Retry-After": "17"})),
        RateLimitError,
        check=lambda e: e.retry_after == 17.0 or pytest.fail(str(e.retry_after)),
    ),
    Case("sleeping space", lambda s: setattr(s, "outage", SLEEPING), ServiceUnavailableError),
    Case("only heartbeats", lambda s: s.script(forever()), TimeoutError),
    Case("dropped mid-stream", lambda s: s.script([s.preview(), drop()]), ConnectionError),
    Case("slow but fine", lambda s: s.script([pause(0.5), s.final(3)]), Image),
    Case("malformed event", lambda s: s.script([raw(b"event: complete\ndata: [{broken\n\n")]), ProtocolError),
    Case("no outputs", lambda s: s.script([("complete", [])]), ProtocolError),
    Case("image without seed", lambda s: s.script([("complete", s.image()[:1])]), Image),
    Case("ends without result", lambda s: s.script([heartbeat()]), ProtocolError),
    Case("unknown event first", lambda s: s.script([("surprise", {}), s.final()]), Image),
    Case("config fails", lambda s: setattr(s, "outage", Reply(500, "Internal Server Error", "text/plain")), ServiceUnavailableError),
    Case("server gone", lambda s: s.close(), ConnectionError),
    Case("previews then final", lambda s: s.script([s.preview(), heartbeat(), s.preview(), s.final()]), Image, kind="sd35"),
    Case("queue: quoted error text", lambda s: s.script([error({"error": "'Model failed'"})]), ProviderError,
         protocol="queue", check=lambda e: str(e).endswith("failed: Model failed") or pytest.fail(str(e))),
    Case("queue: closed early", lambda s: s.script([queue_message(msg="close_stream", event_id=None)]), ProtocolError,
         protocol="queue"),
    Case("queue: unexpected error", lambda s: s.script([queue_message(msg="unexpected_error", message="boom")]),
         ServiceUnavailableError, protocol="queue"),
    Case("queue: only heartbeats", lambda s: s.script(forever()), TimeoutError, protocol="queue"),
    Case("queue: dropped", lambda s: s.script([s.preview(), drop()]), ConnectionError, protocol="queue"),
    Case("queue: quota", lambda s: s.script([error({"error": WORDINGS[0][0]})]), QuotaExceededError, protocol="queue"),
    Case("imagelabs: error status", lambda s: s.script([{"status": "Error: rejected"}]), ProviderError, kind="imagelabs"),
    Case("imagelabs: null status", lambda s: s.script([{"status": None}]), ProtocolError, kind="imagelabs"),
    Case("imagelabs: never done", lambda s: s.script(FinishAfter(3600)), TimeoutError, kind="imagelabs"),
    Case("imagelabs: start refused", lambda s: s.script(Reply(503, {"detail": "busy"})), ServiceUnavailableError,
         kind="imagelabs"),
    Case("imagelabs: polls fail", lambda s: s.script([Reply(502, "bad gateway", "text/plain")]), ServiceUnavailableError,
         kind="imagelabs"),
    Case("imagelabs: no task id", lambda s: s.script(Reply(200, {"queued": True})), ProtocolError, kind="imagelabs"),
    Case("drip: config", lambda s: s.inject(Fault(route="/config", drip=0.3)), TimeoutError),
    Case("stall: job POST", lambda s: s.inject(Fault(route="/gradio_api/call/infer", stall=30, times=1)), TimeoutError),
    Case("close-delimited stream", lambda s: s.inject(Fault(route="/gradio_api/call/infer/", close_delimited=True)),
         Image),
    Case("close-delimited stream drips",
         lambda s: s.inject(Fault(route="/gradio_api/call/infer/", close_delimited=True, drip=0.3)), TimeoutError),
    Case("queue: stream drips", lambda s: s.inject(Fault(route="/gradio_api/queue/data", drip=0.3, drip_after=150)),
         TimeoutError, protocol="queue"),
    Case("hostile image URL", lambda s: s.script([("complete", [{"url": "http://127.0.0.1:9\\@x.hf.space/i.png"}, 1])]),
         ProtocolError),
    Case("path climbs out", lambda s: s.script([("complete", [{"path": "/tmp/../../etc/passwd"}, 1])]), ProtocolError),
    Case("hostile event id", lambda s: s.script(Reply(200, {"event_id": "../../secret"})), ProtocolError),
    Case("invalid UTF-8 event", lambda s: s.script([raw(b"event: complete\ndata: [\xff]\n\n")]), ProtocolError),
    Case("deeply nested event", lambda s: s.script([raw(b"event: complete\ndata: " + b"[" * 10**5 + b"\n\n")]),
         ProtocolError),
    Case("imagelabs: progress drips", lambda s: s.inject(Fault(route="/progress", drip=0.3, drip_after=100)),
         TimeoutError, kind="imagelabs"),
]  # fmt: skip


def test_the_matrix_has_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


def fake_for(kind):
    if kind == "imagelabs":
        return FakeImageLabs()
    return FakeSpace(inputs=SD35_INPUTS) if kind == "sd35" else FakeSpace()


def provider_for(kind, url):
    return {"flux": BlackForestLabs_Flux1Schnell, "sd35": StabilityAI_SD35Large, "imagelabs": ImageLabs}[kind](url=url)


def call_sync(provider, protocol):
    with hfimage.Client(timeout=DEADLINE, protocol=protocol) as client:
        return client.generate("a fox", provider=provider)


def call_aio(provider, protocol):
    async def call():
        async with hfimage.aio.Client(timeout=DEADLINE, protocol=protocol) as client:
            return await client.generate("a fox", provider=provider)

    return anyio.run(call)


def hfimage_threads():
    return [thread for thread in threading.enumerate() if thread.name.startswith("hfimage-worker")]


def wait_for(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.02)
    return condition()


@pytest.mark.parametrize("api", [call_sync, call_aio], ids=["sync", "aio"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_fault_ends_typed_in_time_and_leaks_nothing(case, api):
    fds = len(os.listdir("/proc/self/fd"))
    threads = len(threading.enumerate())
    fake = fake_for(case.kind)
    with fake:
        provider = provider_for(case.kind, fake.url)
        case.script(fake)
        started = time.monotonic()
        try:
            outcome = api(provider, case.protocol)
        except hfimage.HFImageError as caught:
            outcome = caught
        took = time.monotonic() - started
    assert type(outcome) is case.expect, repr(outcome)  # exactly the kind the case names, not a relative
    case.check(outcome)
    assert took < DEADLINE + SLACK  # the deadline is a wall, whatever the server does
    assert wait_for(lambda: hfimage_threads() == [])
    assert wait_for(lambda: len(threading.enumerate()) <= threads)
    assert wait_for(lambda: len(os.listdir("/proc/self/fd")) <= fds)


def test_fallback_survives_a_matrix_of_first_failures():
    """Whatever the first provider's fault (short of using up the deadline), the second serves the image
    (a space not on ZeroGPU, which the caller's spent ZeroGPU quota does not rest)."""
    for case in [c for c in CASES if c.kind == "flux" and c.expect not in (Image, TimeoutError)]:
        with FakeSpace() as first, FakeSpace() as second:
            case.script(first)
            providers = [BlackForestLabs_Flux1Schnell(url=first.url), hfimage.Space(second.url)]
            with hfimage.Client(timeout=DEADLINE * 2, protocol=case.protocol) as client:
                image = client.generate("a fox", provider=providers)
            assert image.provider == second.url, case.name
            assert isinstance(image.attempts[0].error, case.expect), case.name
