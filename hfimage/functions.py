"""The module-level functions (``hfimage.generate()``...): each a call on a default client, made on first use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ._calls.final import EventCallback
from ._core.catalog import CATALOG, ModelInfo
from ._core.lazy import module_default
from .client import Client
from .errors import HFImageError
from .inspection import SpaceDescription
from .parameters import EditParams, GenerateParams, ImageArgument, documented
from .providers import Provider
from .results import Event, Image, ZeroGPUQuota

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["default_client", "edit", "generate", "generate_many", "inspect", "models", "quota", "stream"]


def models() -> tuple[ModelInfo, ...]:
    """Every model: its name, its aliases, and the providers that serve it, in fallback order."""
    return CATALOG


_default = module_default(Client)


def default_client() -> Client:
    """The client behind the module-level functions, made on first use."""
    return _default.get()


@documented
def generate(prompt: str, *, on_event: EventCallback | None = None, **params: Unpack[GenerateParams]) -> Image:
    """Generate one image with the default client and return it.

    ``on_event``, if given, is called with every event as it comes (see ``stream()``).
    """
    return default_client().generate(prompt, on_event=on_event, **params)


@documented
def edit(
    image: ImageArgument | Sequence[ImageArgument],
    prompt: str,
    *,
    on_event: EventCallback | None = None,
    **params: Unpack[EditParams],
) -> Image:
    """Edit an image as the prompt says, with the default client; see ``Client.edit()``."""
    return default_client().edit(image, prompt, on_event=on_event, **params)


@documented
def generate_many(
    prompts: Iterable[str], *, concurrency: int = 4, **params: Unpack[GenerateParams]
) -> list[Image | HFImageError]:
    """One image (or the error met) per prompt, in order, ``concurrency`` at a time, with the default
    client; see ``Client.generate_many()``."""
    return default_client().generate_many(prompts, concurrency=concurrency, **params)


def quota(*, timeout: float | None = None) -> ZeroGPUQuota:
    """The caller's ZeroGPU quota, with the default client; see ``Client.quota()``."""
    return default_client().quota(timeout=timeout)


def inspect(space: str | Provider, *, token: str | None = None, timeout: float | None = None) -> SpaceDescription:
    """What hfimage would do with a Gradio space, with the default client; see ``Client.inspect()``."""
    return default_client().inspect(space, token=token, timeout=timeout)


@documented
def stream(prompt: str, **params: Unpack[GenerateParams]) -> Iterator[Event]:
    """Stream one generation with the default client: progress and previews, then the final ``Image``."""
    return default_client().stream(prompt, **params)
