"""Connections: a client reuses one from call to call on both routes, because it reads each event
stream to its end; a stream that goes on after its result costs only its own connection."""

import logging
import time

import anyio
import pytest

import hfimage
import hfimage.aio
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, heartbeat, pause

ROUTES = ["call", "queue"]


@pytest.mark.parametrize("protocol", ROUTES)
def test_sequential_calls_share_one_connection(space, protocol):
    with hfimage.Client(protocol=protocol) as client:
        provider = BlackForestLabs_Flux1Schnell(url=space.url)
        images = [client.generate(f"a fox {index}", provider=provider) for index in range(4)]
        assert all(image.content for image in images)
    assert len(space.requests) == 1 + 4 * 3  # the config, then start, stream and download per call
    assert space.connections == 1


@pytest.mark.parametrize("protocol", ROUTES)
@pytest.mark.parametrize("after", [[pause(30)], [heartbeat(), pause(0.02)] * 1500], ids=["silent", "chatty"])
def test_a_stream_that_goes_on_after_the_result_is_dropped_not_waited_for(protocol, after):
    with FakeSpace() as space, hfimage.Client(protocol=protocol) as client:
        space.script([space.final(1), *after], [space.final(2), *after])
        provider = BlackForestLabs_Flux1Schnell(url=space.url)
        started = time.monotonic()
        seeds = [client.generate("a fox", provider=provider).seed for _ in range(2)]
        took = time.monotonic() - started
        connections = space.connections
    assert seeds == [1, 2]
    assert took < 10  # not the 30 s the server keeps each stream open after the result
    assert connections == 2  # a connection with unread bytes is closed, never reused


def test_an_async_client_keeps_a_connection_for_each_worker(caplog):
    async def main(space):
        provider = BlackForestLabs_Flux1Schnell(url=space.url)
        async with hfimage.aio.Client(max_concurrency=100) as client, anyio.create_task_group() as group:
            for index in range(100):
                group.start_soon(lambda index=index: client.generate(f"a fox {index}", provider=provider))

    with FakeSpace(delay=0.3) as space, caplog.at_level(logging.WARNING, logger="urllib3"):
        anyio.run(main, space)
    assert len(space.requests) == 1 + 100 * 3
    assert space.connections <= 101  # one per worker: none opened per request
    assert [record.getMessage() for record in caplog.records] == []  # urllib3 discarded no connection
