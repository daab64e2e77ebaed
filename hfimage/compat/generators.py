"""Drop-in async generators for code written against the seeds' provider classes.

``async for image in StabilityAI_SD35Large.create_async_generator(model, messages): ...``
works as documented there, yielding ``ImagePreview`` and ``ImageResponse`` objects, with
hfimage's fallback-free, typed-error machinery underneath. Subclass to change ``url``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Generator, Mapping, Sequence
from types import TracebackType
from typing import Any, ClassVar

from .. import providers
from .._async.client import Client
from .._core.lazy import module_default
from .._core.request import ASPECT_RATIOS
from ..errors import HFImageError, InvalidRequestError
from ..results import Image, Preview

log = logging.getLogger("hfimage")

Messages = Sequence[Mapping[str, Any]]
ResponseError = HFImageError
"""The seeds raised ResponseError; every hfimage error is one."""

_client = module_default(Client)


class ImageResponse:
    """An image by URL, as the seeds' providers yield it; ``str()`` gives Markdown."""

    def __init__(self, images: str | Sequence[str], alt: str, options: Mapping[str, Any] | None = None) -> None:
        self.images = [images] if isinstance(images, str) else list(images)
        self.alt = alt
        self.options = dict(options or {})

    @property
    def url(self) -> str:
        return self.images[0]

    def __str__(self) -> str:
        return "\n".join(f"[![{self.alt}]({url})]({url})" for url in self.images)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(images={self.images!r}, alt={self.alt!r})"


class ImagePreview(ImageResponse):
    """An intermediate image sent while the space works."""


class AsyncImageGenerator:
    """The images of one call: an async iterator that can also be awaited, giving itself.

    The seeds' examples use it both ways: ``async for image in X.create_async_generator(...)``
    and ``async for image in await X.create_async_generator(...)``.
    """

    def __init__(self, images: AsyncGenerator[ImageResponse, None]) -> None:
        self._images = images

    def __aiter__(self) -> AsyncImageGenerator:
        return self

    async def __anext__(self) -> ImageResponse:
        return await self._images.__anext__()

    def __await__(self) -> Generator[Any, None, AsyncImageGenerator]:
        return self._itself().__await__()

    async def _itself(self) -> AsyncImageGenerator:
        return self

    async def aclose(self) -> None:
        """Stop early: cancels the job and closes its connection."""
        await self._images.aclose()

    async def athrow(
        self, kind: type[BaseException], value: BaseException | None = None, traceback: TracebackType | None = None
    ) -> ImageResponse:
        return await self._images.athrow(kind, value, traceback)


def format_image_prompt(messages: Messages, prompt: str | None = None) -> str:
    """``prompt`` if given, else the trailing run of user messages joined by newlines (``messages`` is not changed)."""
    if prompt:
        return prompt
    trailing: list[str] = []
    for message in reversed(messages):
        if message.get("role") != "user":
            break
        trailing.append(str(message.get("content", "")))
    return "\n".join(reversed(trailing))


class _SeedProvider:
    """What every seed class shares: its attributes, ``get_model()`` and the event loop."""

    provider_class: ClassVar[type[providers.Provider]]
    label: ClassVar[str]
    url: ClassVar[str]
    api_endpoint: ClassVar[str]
    working: ClassVar[bool] = True
    default_model: ClassVar[str]
    default_image_model: ClassVar[str]
    model_aliases: ClassVar[dict[str, str]] = {}
    image_models: ClassVar[list[str]]
    models: ClassVar[list[str]]

    @classmethod
    def get_model(cls, model: str) -> str:
        """The model's own name: the default for an empty name, the target of an alias."""
        if not model:
            return cls.default_model
        if model in cls.models or model == cls.default_model:
            return cls.model_aliases.get(model, model)
        raise InvalidRequestError(f"{cls.__name__} does not serve model {model!r}; it serves {', '.join(cls.models)}.")

    @classmethod
    async def _images(
        cls, prompt: str, *, api_key: str | None, proxy: str | None, ignored: Mapping[str, Any], **params: Any
    ) -> AsyncGenerator[ImageResponse, None]:
        if ignored:
            log.debug("%s ignores %s, as the seed did", cls.__name__, ", ".join(sorted(ignored)))
        provider = cls.provider_class(url=cls.url, token=api_key) if api_key else cls.provider_class(url=cls.url)
        stream = _client.get().stream(prompt, provider=provider, proxy=proxy, **params)
        async with stream as events:
            async for event in events:
                if isinstance(event, Image):
                    yield ImageResponse([event.url], prompt)
                elif isinstance(event, Preview):
                    yield ImagePreview([event.url], prompt)


class StabilityAI_SD35Large(_SeedProvider):
    provider_class = providers.StabilityAI_SD35Large
    label = providers.StabilityAI_SD35Large.label
    url = providers.StabilityAI_SD35Large.default_url
    api_endpoint = "/gradio_api/call/infer"
    default_model = "stabilityai-stable-diffusion-3-5-large"
    default_image_model = default_model
    model_aliases = {"sd-3.5": default_model, "sd-3.5-large": default_model}
    image_models = list(model_aliases)
    models = image_models

    @classmethod
    def create_async_generator(
        cls,
        model: str,
        messages: Messages,
        prompt: str | None = None,
        negative_prompt: str | None = None,
        api_key: str | None = None,
        proxy: str | None = None,
        aspect_ratio: str = "1:1",
        width: int | None = None,
        height: int | None = None,
        guidance_scale: float = 4.5,
        num_inference_steps: int = 50,
        seed: int = 0,
        randomize_seed: bool = True,
        **kwargs: Any,
    ) -> AsyncImageGenerator:
        """Previews, then the final image of one SD3.5 generation."""
        cls.get_model(model)
        ratio: str | None = aspect_ratio
        if width is not None or height is not None:  # as the seed did: a side given wins, the ratio fills the other
            ratio_width, ratio_height = ASPECT_RATIOS.get(aspect_ratio, (None, None))
            width, height, ratio = width or ratio_width, height or ratio_height, None
        return AsyncImageGenerator(
            cls._images(
                format_image_prompt(messages, prompt),
                api_key=api_key,
                proxy=proxy,
                ignored=kwargs,
                negative_prompt=negative_prompt,
                aspect_ratio=ratio,
                width=width,
                height=height,
                guidance_scale=guidance_scale,
                steps=num_inference_steps,
                seed=None if randomize_seed else seed,
            )
        )


class _Flux1Schnell(_SeedProvider):
    @classmethod
    def create_async_generator(
        cls,
        model: str,
        messages: Messages,
        proxy: str | None = None,
        prompt: str | None = None,
        width: int = 768,
        height: int = 768,
        num_inference_steps: int = 2,
        seed: int = 0,
        randomize_seed: bool = True,
        **kwargs: Any,
    ) -> AsyncImageGenerator:
        """The image of one FLUX.1 [schnell] generation."""
        cls.get_model(model)
        return AsyncImageGenerator(
            cls._images(
                format_image_prompt(messages, prompt),
                api_key=None,
                proxy=proxy,
                ignored=kwargs,
                width=width,
                height=height,
                steps=num_inference_steps,
                seed=None if randomize_seed else seed,
            )
        )


class BlackForestLabs_Flux1Schnell(_Flux1Schnell):
    provider_class = providers.BlackForestLabs_Flux1Schnell
    label = providers.BlackForestLabs_Flux1Schnell.label
    url = providers.BlackForestLabs_Flux1Schnell.default_url
    api_endpoint = "https://black-forest-labs-flux-1-schnell.hf.space/call/infer"
    default_model = "black-forest-labs-flux-1-schnell"
    default_image_model = default_model
    model_aliases = {"flux-schnell": default_image_model, "flux": default_image_model}
    image_models = list(model_aliases)
    models = image_models


class Voodoohop_Flux1Schnell(_Flux1Schnell):
    provider_class = providers.Voodoohop_Flux1Schnell
    label = providers.Voodoohop_Flux1Schnell.label
    url = providers.Voodoohop_Flux1Schnell.default_url
    api_endpoint = "https://voodoohop-flux-1-schnell.hf.space/call/infer"
    default_model = "voodoohop-flux-1-schnell"
    default_image_model = default_model
    model_aliases = {"flux-schnell": default_model, "flux": default_model}
    image_models = list(model_aliases)
    models = image_models


class ImageLabs(_SeedProvider):
    provider_class = providers.ImageLabs
    label = providers.ImageLabs.label
    url = providers.ImageLabs.default_url
    api_endpoint = "https://editor.imagelabs.net/txt2img"
    supports_stream = False
    supports_system_message = False
    supports_message_history = False
    default_model = "sdxl-turbo"
    default_image_model = default_model
    image_models = [default_model]
    models = image_models

    @classmethod
    def get_model(cls, model: str) -> str:
        """Always ``sdxl-turbo``, whatever it is given, as in the seed."""
        return cls.default_model

    @classmethod
    def create_async_generator(
        cls,
        model: str,
        messages: Messages,
        proxy: str | None = None,
        prompt: str | None = None,
        negative_prompt: str = "",
        width: int = 1152,
        height: int = 896,
        **kwargs: Any,
    ) -> AsyncImageGenerator:
        """The image of one ImageLabs task."""
        if prompt is None:
            prompt = str(messages[-1]["content"]) if messages else ""
        return AsyncImageGenerator(
            cls._images(
                prompt,
                api_key=None,
                proxy=proxy,
                ignored=kwargs,
                negative_prompt=negative_prompt,
                width=width,
                height=height,
            )
        )
