"""hfimage.aio: the same behaviour as the sync API on asyncio and trio, cancellation, concurrency."""

import functools
import gc
import os
import threading
import time

import anyio
import pytest

import hfimage
import hfimage.aio
from hfimage import Image, InvalidRequestError, Preview, Progress, ProviderError, QuotaExceededError, Status
from hfimage._async.stream import EventStream
from hfimage._protocols.poll import PollSchedule
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs, Voodoohop_Flux1Schnell
from hfimage.testing import (
    FakeImageLabs,
    FakeSpace,
    FinishAfter,
    error,
    heartbeat,
    pause,
    progress,
    prompt_colour,
    solid_png,
)

from ..helpers import BACKENDS, SLACK, StepTimer, pictures

QUOTA = {"error": "Space app has reached its GPU limit. Please retry in 0:00:56"}
"""A space's own GPU limit: it rests that space alone, so the next one (ZeroGPU or not) is tried."""


def workers():
    return [thread for thread in threading.enumerate() if thread.name == "hfimage-worker"]


def open_fds():
    return len(os.listdir("/proc/self/fd"))


def test_generate_returns_the_prompts_image_with_its_seed(api, fake_space):
    image = api.generate("a red fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url), seed=17)
    assert isinstance(image, Image)
    assert image.seed == 17
    assert image.content == solid_png(8, 8, prompt_colour("a red fox"))


def test_stream_gives_previews_then_the_final_image(api, fake_space):
    fake_space.script([fake_space.preview(1), heartbeat(), fake_space.preview(1), heartbeat(), fake_space.final(1)])
    events = api.events("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
    assert [type(event) for event in pictures(events)] == [Preview, Preview, Image]


def test_fallback_and_attempts(api, fake_space):
    with FakeSpace() as second:
        fake_space.script([error(QUOTA)])
        providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second.url)]
        image = api.generate("a cat", provider=providers, seed=3)
    assert image.provider == "Voodoohop_Flux1Schnell"
    assert isinstance(image.attempts[0].error, QuotaExceededError)


def test_errors_are_the_same_typed_errors(api, fake_space):
    fake_space.script([error({"error": "weights missing"})])
    with pytest.raises(ProviderError, match="failed: weights missing"):
        api.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))


def test_bad_input_fails_before_any_request(api, fake_space):
    with pytest.raises(InvalidRequestError, match="width must be between"):
        api.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url), width=-1)
    assert fake_space.requests == []


def test_the_deadline_holds(api, fake_space):
    fake_space.script([*[heartbeat(), pause(0.1)] * 300])
    with pytest.raises(hfimage.TimeoutError, match=r"after 1 s"):
        api.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url), timeout=1)
    assert anyio.run(wait_until, lambda: len(fake_space.cancelled) == 1)  # cut while the job still ran


def test_imagelabs_status_events_and_image(api):
    with FakeImageLabs() as server:
        events = api.events("a red fox", provider=ImageLabs(url=server.url))
    assert [type(event) for event in events] == [Status, Status, Image]
    assert [event.status for event in events[:2]] == ["Queued", "Processing"]


async def wait_until(condition, seconds=2.0):
    with anyio.move_on_after(seconds):
        while not condition():
            await anyio.sleep(0.01)
    return condition()


def long_job(space):
    space.script([space.preview(1), *[heartbeat(), pause(0.05)] * 400, space.final(1)])


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_slow_reader_gets_every_event_in_order_while_the_worker_runs_ahead(fake_space, backend):
    fake_space.script([progress(index, 60) for index in range(60)] + [fake_space.final(5)])
    seen = []

    async def main():
        async with (
            hfimage.aio.Client() as client,
            client.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url)) as events,
        ):
            async for event in events:
                if not seen:
                    await anyio.sleep(0.3)  # long enough for the worker to have handed over everything
                    assert len(fake_space.requests) == 4  # config, job, stream, and the image downloaded
                seen.append(event)

    anyio.run(main, backend=backend)
    steps = [event.index for event in seen if isinstance(event, Progress)]
    assert steps == list(range(60))
    assert isinstance(seen[-1], Image)
    assert seen[-1].seed == 5


@pytest.mark.parametrize("backend", BACKENDS)
def test_generate_without_a_listener_is_handed_the_image_alone(fake_space, backend, monkeypatch):
    """Progress events would each wake the event loop for nothing; with on_event they all still come."""
    handed = []
    put = EventStream._put
    monkeypatch.setattr(
        EventStream, "_put", lambda stream, item: (handed.append(type(item).__name__), put(stream, item))
    )
    fake_space.script([fake_space.preview(1), fake_space.final(2)], [fake_space.preview(3), fake_space.final(4)])
    provider = BlackForestLabs_Flux1Schnell(url=fake_space.url)
    heard = []

    async def main():
        async with hfimage.aio.Client(protocol="queue") as client:
            alone = await client.generate("a cat", provider=provider)
            first = list(handed)
            listened = await client.generate("a cat", provider=provider, on_event=heard.append)
            return alone, first, listened

    alone, first, listened = anyio.run(main, backend=backend)
    assert (alone.seed, listened.seed) == (2, 4)
    assert first == ["Image"]
    assert handed[1:] == ["Queued", "Started", "Preview", "Image"]
    assert [type(event).__name__ for event in heard] == ["Queued", "Started", "Preview", "Image"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_timeout_scope_cancels_the_job_on_the_server(fake_space, backend):
    long_job(fake_space)

    async def main():
        fds = open_fds()
        async with hfimage.aio.Client() as client:
            with anyio.move_on_after(0.3):
                await client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
            assert workers() == []
            assert await wait_until(lambda: len(fake_space.cancelled) == 1)
        assert await wait_until(lambda: open_fds() <= fds)

    anyio.run(main, backend=backend)


def test_task_cancel_under_asyncio_ends_the_worker(fake_space):
    import asyncio

    long_job(fake_space)

    async def main():
        async with hfimage.aio.Client() as client:
            task = asyncio.ensure_future(
                client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
            )
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert workers() == []
        assert await wait_until(lambda: len(fake_space.cancelled) == 1)

    asyncio.run(main())


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cancelled_task_group_ends_every_worker(fake_space, backend):
    for _ in range(3):
        long_job(fake_space)

    async def main():
        async with hfimage.aio.Client() as client, anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(
                    functools.partial(
                        client.generate, "a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url)
                    )
                )
            await anyio.sleep(0.4)
            group.cancel_scope.cancel()
        assert workers() == []
        assert await wait_until(lambda: len(fake_space.cancelled) == 3)

    anyio.run(main, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_leaving_a_stream_early_closes_it(fake_space, backend):
    long_job(fake_space)

    async def main():
        async with (
            hfimage.aio.Client() as client,
            client.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url)) as events,
        ):
            async for event in events:
                if isinstance(event, Preview):
                    break
        assert workers() == []
        assert await wait_until(lambda: len(fake_space.cancelled) == 1)

    anyio.run(main, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_cancelling_while_imagelabs_waits_between_polls_is_prompt(backend):
    async def main():
        with FakeImageLabs() as server:
            server.script(FinishAfter(3600))
            provider = ImageLabs(url=server.url)
            provider.schedule = PollSchedule(first=30.0, step=0.0, ceiling=30.0)  # a wait that ends only if cut
            async with hfimage.aio.Client() as client:
                started = time.monotonic()
                with anyio.move_on_after(0.5):
                    await client.generate("a cat", provider=provider)
                # the 30 s poll wait ends at the cancel: no join runs it out, no worker is left
                assert time.monotonic() - started < 0.5 + SLACK
                assert workers() == []

    anyio.run(main, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_hfimage_coroutine_blocks_the_event_loop(backend):
    """No step of hfimage's coroutines holds the loop: no waiting for the server (which takes a second to
    answer), no large work (50 ms of CPU). The bounds hold on a machine many times slower; the figures
    themselves belong to the benchmark. The garbage collector is paused while it is measured: its passes
    stop every thread alike, and are not hfimage's."""

    async def main():
        with FakeSpace(delay=1.0) as space:  # a step that waited for the server would take a second
            provider = BlackForestLabs_Flux1Schnell(url=space.url)
            async with hfimage.aio.Client() as client:
                timers = [StepTimer(client.generate(f"cat {i}", provider=provider)) for i in range(8)]
                async with anyio.create_task_group() as group:
                    for timer in timers:
                        group.start_soon(_await, timer)
                streamed = StepTimer(_stream_all(client, provider))
                await streamed
        for timer in [*timers, streamed]:
            assert len(timer.steps) >= 3
            assert timer.longest_cpu < 0.05, timer.steps  # no step decodes or parses anything large on the loop
            assert timer.longest_wall < 0.5, timer.steps  # no step waits for the server

    gc.disable()
    try:
        anyio.run(main, backend=backend)
    finally:
        gc.enable()


async def _await(awaitable):
    await awaitable


async def _stream_all(client, provider):
    async with client.stream("a dog", provider=provider) as events:
        return [event async for event in events]


@pytest.mark.parametrize("backend", BACKENDS)
def test_fifty_concurrent_calls_run_in_parallel_each_with_its_own_image(backend):
    async def main():
        with FakeSpace(delay=0.5) as space:
            provider = BlackForestLabs_Flux1Schnell(url=space.url)
            results = {}

            async def one(index):
                results[index] = await hfimage.aio.generate(f"prompt {index}", provider=provider, seed=index)

            async with anyio.create_task_group() as group:
                for index in range(50):
                    group.start_soon(one, index)
        assert space.peak_active > 1  # the jobs ran at once, not one after another
        for index, image in results.items():
            assert image.prompt == f"prompt {index}"
            assert image.seed == index
            assert image.content == solid_png(8, 8, prompt_colour(f"prompt {index}"))
        assert len(results) == 50

    anyio.run(main, backend=backend)


def test_max_concurrency_caps_calls_in_flight():
    async def main():
        with FakeSpace(delay=0.3) as space:
            provider = BlackForestLabs_Flux1Schnell(url=space.url)
            async with hfimage.aio.Client(max_concurrency=2) as client:
                started = time.monotonic()
                async with anyio.create_task_group() as group:
                    for index in range(4):
                        group.start_soon(functools.partial(client.generate, f"p{index}", provider=provider))
                return time.monotonic() - started

    assert 0.6 <= anyio.run(main) < 1.5  # two rounds of two


def test_it_works_inside_an_already_running_loop():
    """As in a Jupyter cell: awaited at the top of a cell, in the loop the kernel is running, whose
    other work (here a ticker) goes on while the image is made."""
    import asyncio

    async def kernel():
        ticks = []

        async def ticker():
            while True:
                ticks.append(1)
                await asyncio.sleep(0.01)

        with FakeSpace(delay=0.5) as space:
            running = asyncio.ensure_future(ticker())
            await asyncio.sleep(0)
            image = await hfimage.aio.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url), seed=2)
            running.cancel()
        return image, len(ticks)

    image, ticks = asyncio.run(kernel())
    assert image.seed == 2
    assert ticks >= 10  # the loop kept running its other work during the half-second job


def test_download_fetches_a_previews_bytes_in_a_worker(fake_space):
    fake_space.script([fake_space.preview(1), heartbeat(), fake_space.final(1)])

    async def main():
        async with hfimage.aio.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url)) as events:
            async for event in events:
                if isinstance(event, Preview):
                    return await hfimage.aio.download(event)
            raise AssertionError("no preview")

    assert anyio.run(main).startswith(b"\x89PNG")
