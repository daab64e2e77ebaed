"""``hfimage.aio.Client``: the sync client's calls, awaited without blocking the event loop."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from inspect import isawaitable
from typing import TYPE_CHECKING

import anyio
import anyio.lowlevel

from .._core.batch import check_count
from .._core.cancel import Cancellation
from .._core.lazy import module_default
from ..client import POOL_SIZE, FinalImage, Plan
from ..client import Client as SyncClient
from ..errors import HFImageError
from ..inspection import SpaceDescription
from ..parameters import EditParams, GenerateParams, ImageArgument, check_callback, check_prompts, documented
from ..providers import Provider
from ..results import Event, Image, Preview, ZeroGPUQuota, content_of
from .stream import EventStream

if TYPE_CHECKING:
    from typing_extensions import Unpack

DEFAULT_MAX_CONCURRENCY = 64


class Client:
    """Generates images from async code (asyncio or trio); an async context manager.

    Same parameters and results as ``hfimage.Client``. Each call runs in a worker thread;
    ``max_concurrency`` caps how many run at once.
    """

    def __init__(
        self,
        token: str | None = None,
        proxy: str | None = None,
        timeout: float | None = None,
        *,
        protocol: str = "auto",
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        hub_url: str | None = None,
        cache: bool | str | os.PathLike[str] = True,
        router_url: str | None = None,
        credits: bool | str = False,
    ) -> None:
        self.max_concurrency = check_count("max_concurrency", max_concurrency)
        # A connection for each worker, so none is opened and thrown away per request.
        connections = max(POOL_SIZE, self.max_concurrency)
        self._sync = SyncClient(
            token=token,
            proxy=proxy,
            timeout=timeout,
            protocol=protocol,
            max_connections=connections,
            hub_url=hub_url,
            cache=cache,
            router_url=router_url,
            credits=credits,
        )
        self._limiter: tuple[object, anyio.CapacityLimiter] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"aio.{self._sync!r}"

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP session."""
        self._sync.close()

    @documented
    def stream(self, prompt: str, **params: Unpack[GenerateParams]) -> EventStream:
        """The events of one generation, to use as ``async with client.stream(...) as events``.

        Bad input raises InvalidRequestError here, before anything is sent. The final Image's
        bytes are downloaded in the worker, so reading ``.content`` never blocks the loop;
        for a Preview's, use ``await hfimage.aio.download(preview)``.
        """
        return self._stream(self._sync.plan(prompt, **params), images_only=False)

    def _stream(self, plan: Plan, *, images_only: bool) -> EventStream:
        start = functools.partial(self._sync.run, plan)
        return EventStream(start, self._limiter_for, download_final=True, images_only=images_only)

    @documented
    async def generate(
        self, prompt: str, *, on_event: Callable[[Event], object] | None = None, **params: Unpack[GenerateParams]
    ) -> Image:
        """Generate one image; its bytes are already downloaded when this returns.

        ``on_event`` (a function or a coroutine function) is called with every event as it comes.
        """
        check_callback(on_event)
        if params.get("image") is None:
            plan = self._sync.plan(prompt, **params)
        else:  # reading the images (a Pillow image is encoded) is file work: keep it off the loop
            plan = await anyio.to_thread.run_sync(functools.partial(self._sync.plan, prompt, **params))
        final = FinalImage()
        # Without on_event only the image matters: progress events would each wake the loop for nothing,
        # which at 64 calls at once cost 0.05x of their time.
        async with self._stream(plan, images_only=on_event is None) as events:
            async for event in events:
                if on_event is not None and isawaitable(reported := on_event(event)):
                    await reported
                final.see(event)
        return final.image()

    @documented
    async def edit(
        self,
        image: ImageArgument | Sequence[ImageArgument],
        prompt: str,
        *,
        on_event: Callable[[Event], object] | None = None,
        **params: Unpack[EditParams],
    ) -> Image:
        """Edit an image as the prompt says and return the result: ``generate()`` with ``image=``; see
        ``hfimage.Client.edit()``. The images are read and checked in a worker thread, before anything is sent."""
        return await self.generate(prompt, on_event=on_event, image=image, **params)

    @documented
    async def generate_many(
        self, prompts: Iterable[str], *, concurrency: int = 4, **params: Unpack[GenerateParams]
    ) -> list[Image | HFImageError]:
        """One image (or the error met) per prompt, in order, ``concurrency`` at a time."""
        prompts = check_prompts(prompts)
        concurrency, params = await anyio.to_thread.run_sync(self._sync.check_batch, concurrency, params)
        results: list[Image | HFImageError | None] = [None] * len(prompts)
        limiter = anyio.CapacityLimiter(concurrency)

        async def one(index: int) -> None:
            async with limiter:
                try:
                    results[index] = await self.generate(prompts[index], **params)
                except HFImageError as error:
                    results[index] = error

        async with anyio.create_task_group() as group:
            for index in range(len(prompts)):
                group.start_soon(one, index)
        return [result for result in results if result is not None]

    async def inspect(
        self, space: str | Provider, *, token: str | None = None, proxy: str | None = None, timeout: float | None = None
    ) -> SpaceDescription:
        """What hfimage would do with a Gradio space; see ``hfimage.Client.inspect()``."""
        inspect = functools.partial(self._sync.inspect, space, token=token, proxy=proxy, timeout=timeout)
        return await anyio.to_thread.run_sync(inspect, limiter=self._limiter_for())

    async def quota(self, *, timeout: float | None = None) -> ZeroGPUQuota:
        """The caller's ZeroGPU quota, from the Hub; see ``hfimage.Client.quota()``."""
        return await anyio.to_thread.run_sync(functools.partial(self._sync.quota, timeout=timeout))

    def _limiter_for(self) -> anyio.CapacityLimiter:
        """This client's limiter for the running event loop (a limiter belongs to one loop)."""
        loop = anyio.lowlevel.current_token().native_token
        with self._lock:
            if self._limiter is None or self._limiter[0] is not loop:
                self._limiter = (loop, anyio.CapacityLimiter(self.max_concurrency))
            return self._limiter[1]


async def download(picture: Preview | Image) -> bytes:
    """A Preview's or Image's bytes, downloaded in a worker thread; cancelling stops the download at once."""
    cancellation = Cancellation()
    try:
        return await anyio.to_thread.run_sync(content_of, picture, cancellation, abandon_on_cancel=True)
    except BaseException:
        cancellation.cancel()
        raise


_default = module_default(Client)


def default_client() -> Client:
    """The client behind hfimage.aio's module-level functions, made on first use."""
    return _default.get()


@documented
async def generate(
    prompt: str, *, on_event: Callable[[Event], object] | None = None, **params: Unpack[GenerateParams]
) -> Image:
    """Generate one image with the default async client."""
    return await default_client().generate(prompt, on_event=on_event, **params)


@documented
async def edit(
    image: ImageArgument | Sequence[ImageArgument],
    prompt: str,
    *,
    on_event: Callable[[Event], object] | None = None,
    **params: Unpack[EditParams],
) -> Image:
    """Edit an image as the prompt says, with the default async client; see ``hfimage.Client.edit()``."""
    return await default_client().edit(image, prompt, on_event=on_event, **params)


@documented
async def generate_many(
    prompts: Iterable[str], *, concurrency: int = 4, **params: Unpack[GenerateParams]
) -> list[Image | HFImageError]:
    """One image (or the error met) per prompt, in order, with the default async client."""
    return await default_client().generate_many(prompts, concurrency=concurrency, **params)


async def inspect(space: str | Provider, *, token: str | None = None, timeout: float | None = None) -> SpaceDescription:
    """What hfimage would do with a Gradio space, with the default async client."""
    return await default_client().inspect(space, token=token, timeout=timeout)


async def quota(*, timeout: float | None = None) -> ZeroGPUQuota:
    """The caller's ZeroGPU quota, with the default async client."""
    return await default_client().quota(timeout=timeout)


@documented
def stream(prompt: str, **params: Unpack[GenerateParams]) -> EventStream:
    """Stream one generation with the default async client: ``async with hfimage.aio.stream(...) as events``."""
    return default_client().stream(prompt, **params)


__all__ = [
    "Client",
    "default_client",
    "download",
    "edit",
    "generate",
    "generate_many",
    "inspect",
    "quota",
    "stream",
]
