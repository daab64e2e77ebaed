"""hfimage for async code, on anyio (asyncio or trio), and drop-ins for the seeds' async generators.

>>> image = await hfimage.aio.generate("a cat wearing a hat")        # doctest: +SKIP
>>> night = await hfimage.aio.edit(image, "make it night")          # doctest: +SKIP
>>> async with hfimage.aio.stream("a castle") as events:            # doctest: +SKIP
...     async for event in events:
...         print(event)
"""

from typing import TYPE_CHECKING, Any

from .._async.client import Client, download, edit, generate, generate_many, inspect, quota, stream
from .._async.stream import EventStream
from ..providers import Space

if TYPE_CHECKING:
    from ..compat import (
        AsyncImageGenerator,
        BlackForestLabs_Flux1Schnell,
        ImageLabs,
        ImagePreview,
        ImageResponse,
        ResponseError,
        StabilityAI_SD35Large,
        Voodoohop_Flux1Schnell,
        format_image_prompt,
    )


def __getattr__(name: str) -> Any:
    """The drop-ins of ``hfimage.compat``, loaded on first use (they are built on this package's client)."""
    if name in __all__:  # only the drop-ins get here: this module defines the rest
        from .. import compat  # noqa: PLC0415 - compat imports this package's client: load it after

        return getattr(compat, name)
    raise AttributeError(f"module 'hfimage.aio' has no attribute {name!r}")


__all__ = [
    "AsyncImageGenerator",
    "BlackForestLabs_Flux1Schnell",
    "Client",
    "EventStream",
    "ImageLabs",
    "ImagePreview",
    "ImageResponse",
    "ResponseError",
    "Space",
    "StabilityAI_SD35Large",
    "Voodoohop_Flux1Schnell",
    "download",
    "edit",
    "format_image_prompt",
    "generate",
    "generate_many",
    "inspect",
    "quota",
    "stream",
]
