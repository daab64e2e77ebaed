"""hfimage for async code, on anyio (asyncio or trio), and drop-ins for the seeds' async generators.

>>> image = await hfimage.aio.generate("a cat wearing a hat")        # doctest: +SKIP
>>> async with hfimage.aio.stream("a castle") as events:            # doctest: +SKIP
...     async for event in events:
...         print(event)
"""

from ._bridge import EventStream
from ._client import Client, download, generate, generate_many, stream
from ._compat import (
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

__all__ = [
    "AsyncImageGenerator",
    "BlackForestLabs_Flux1Schnell",
    "Client",
    "EventStream",
    "ImageLabs",
    "ImagePreview",
    "ImageResponse",
    "ResponseError",
    "StabilityAI_SD35Large",
    "Voodoohop_Flux1Schnell",
    "download",
    "format_image_prompt",
    "generate",
    "generate_many",
    "stream",
]
