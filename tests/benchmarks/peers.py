"""The peers hfimage is measured against, as blocking calls: g4f's StabilityAI_SD35Large (when installed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator

SD35_PARAMS = {"negative_prompt": "", "seed": 5, "width": 512, "height": 512, "guidance_scale": 4.5, "steps": 2}
"""What both hfimage and g4f ask an SD 3.5-shaped app for."""


@contextlib.contextmanager
def g4f_sd35(url: str) -> Iterator[Callable[[], str] | None]:
    """A blocking call of g4f's StabilityAI_SD35Large against the app at ``url``, returning the image's
    URL; None when g4f is not installed. Every call runs on one event loop, so its start-up is not
    counted against g4f."""
    try:
        from g4f.Provider.hf_space.StabilityAI_SD35Large import StabilityAI_SD35Large as G4fSD35
    except ImportError:
        yield None
        return
    local = type("LocalSD35", (G4fSD35,), {"url": url})

    async def call() -> str:
        """Read g4f's generator to its end (leaving it early leaks its aiohttp session)."""
        items = [item async for item in local.create_async_generator(
            "sd-3.5-large", [{"role": "user", "content": "a fox"}], negative_prompt="", seed=5, randomize_seed=False,
            width=512, height=512, guidance_scale=4.5, num_inference_steps=2,
        )]  # fmt: skip
        if type(items[-1]).__name__ != "ImageResponse":
            raise RuntimeError(f"g4f gave no image: {items}")
        return str(items[-1])

    loop = asyncio.new_event_loop()
    try:
        yield lambda: loop.run_until_complete(call())
    finally:
        loop.close()
