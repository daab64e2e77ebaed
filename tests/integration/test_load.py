"""Load: hundreds of generations at once, each image matched to its prompt, threads and memory bounded,
connections reused."""

import threading
import tracemalloc

import anyio
import pytest

import hfimage
import hfimage.aio
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, prompt_colour, solid_png


def workers():
    return sum(thread.name.startswith("hfimage-worker") for thread in threading.enumerate())


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_two_hundred_concurrent_async_generations(backend):
    with FakeSpace(delay=0.2) as space:
        provider = BlackForestLabs_Flux1Schnell(url=space.url)
        peak_workers = 0
        results = {}

        async def main():
            nonlocal peak_workers
            async with hfimage.aio.Client(max_concurrency=64) as client:

                async def one(index):
                    results[index] = await client.generate(f"prompt {index}", provider=provider, seed=index)

                async with anyio.create_task_group() as group:
                    for index in range(200):
                        group.start_soon(one, index)
                    while len(results) < 200:
                        peak_workers = max(peak_workers, workers())
                        await anyio.sleep(0.01)

        tracemalloc.start()
        anyio.run(main, backend=backend)
        _, peak_memory = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        requests = len(space.requests)
        connections = space.connections
    assert len(results) == 200
    for index, image in results.items():
        assert (image.prompt, image.seed) == (f"prompt {index}", index)
        assert image.content == solid_png(8, 8, prompt_colour(f"prompt {index}"))
    assert peak_workers <= 64
    assert peak_memory < 64 * 2**20
    assert requests == 1 + 200 * 3  # one config, then join, stream and image for each
    assert connections <= 0.7 * requests  # connections are reused, not opened per request


def test_fifty_threads_share_one_sync_client():
    with FakeSpace(delay=0.2) as space:
        provider = BlackForestLabs_Flux1Schnell(url=space.url)
        results = {}
        with hfimage.Client() as client:

            def one(index):
                image = client.generate(f"thread {index}", provider=provider, seed=index)
                results[index] = (image, image.content)

            threads = [threading.Thread(target=one, args=(index,)) for index in range(50)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        requests = len(space.requests)
        connections = space.connections
    assert len(results) == 50
    for index, (image, content) in results.items():
        assert (image.prompt, image.seed) == (f"thread {index}", index)
        assert content == solid_png(8, 8, prompt_colour(f"thread {index}"))
    assert space.peak_active > 1  # the threads' jobs ran at once, not one after another
    assert requests == 1 + 50 * 3
    assert connections <= 0.7 * requests
