"""Two real Gradio servers behind a sticky_proxy that routes as Hugging Face's does: by its cookie, else at random.

Without the cookie a job joins on one replica and its stream lands on the other, which answers that
it knows no such session. ``test_without_cookies_jobs_get_lost`` shows the sticky_proxy does split them:
the same calls with the client's cookie jar refusing every cookie lose jobs.
"""

import http.cookiejar
import sys

import anyio
import gradio
import pytest

import hfimage
import hfimage.aio

from ..apps.launch import start, stop
from ..sticky_proxy import StickyProxy


@pytest.fixture(scope="module")
def sticky_proxy():
    replicas = [start(sys.executable, gradio.__version__, ("flux",)) for _ in range(2)]
    try:
        with StickyProxy([servers.url["flux"] for servers in replicas]) as made:
            yield made
    finally:
        for servers in replicas:
            stop(servers)


def test_fifty_calls_in_a_row_reach_the_replica_that_holds_each_job(sticky_proxy):
    with hfimage.Client(timeout=60) as client:
        images = [client.generate(f"a fox {n}", space=sticky_proxy.url, width=256, height=256) for n in range(50)]
    assert all(not image.attempts[0].error for image in images)
    assert len({image.url.split("/--replicas/")[1].split("/")[0] for image in images}) == 1
    assert len(set(sticky_proxy.routed)) == 2 or sticky_proxy.routed.count(sticky_proxy.routed[0]) == len(
        sticky_proxy.routed
    )


def test_twenty_calls_at_once_reach_the_replica_that_holds_each_job(sticky_proxy):
    async def main():
        async with hfimage.aio.Client(timeout=60) as client:
            results = []

            async def one(n):
                results.append(await client.generate(f"a fox {n}", space=sticky_proxy.url, width=256, height=256))

            async with anyio.create_task_group() as group:
                for n in range(20):
                    group.start_soon(one, n)
            return results

    images = anyio.run(main)
    assert len(images) == 20
    assert all(len(image.attempts) == 1 for image in images)
    assert all(len(image.content) > 0 for image in images)


def test_without_cookies_jobs_get_lost(sticky_proxy):
    """The check that the sticky_proxy really splits a job: with the client's cookie jar refusing every cookie,
    and the sticky_proxy sending cookie-less requests to each replica in turn, the job joins on one replica
    and its stream asks the other, which never saw it."""
    refuse_all = http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
    with (
        StickyProxy(sticky_proxy.replicas, rotate=True) as rotating,
        hfimage.Client(timeout=4, protocol="queue") as client,
    ):
        client._transport._session.cookies.set_policy(refuse_all)
        with pytest.raises((hfimage.ReplicaMismatchError, hfimage.ConnectionError, hfimage.TimeoutError)):
            client.generate("a lost fox", space=rotating.url, width=256, height=256)
        assert set(rotating.routed) == {0, 1}
