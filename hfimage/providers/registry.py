"""The built-in providers by name, and a provider from whatever a caller names one by."""

from __future__ import annotations

from ..errors import (
    InvalidRequestError,
)
from .base import Provider
from .imagelabs import ImageLabs
from .presets import BlackForestLabs_Flux1Schnell, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from .space import Space

PROVIDERS: dict[str, type[Provider]] = {
    cls.__name__: cls
    for cls in (BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell, StabilityAI_SD35Large, ImageLabs)
}


def provider_for(item: object) -> Provider:
    """A provider from an instance, a built-in provider's name, or a space id or URL."""
    if isinstance(item, Provider):
        return item
    if isinstance(item, str) and item in PROVIDERS:
        return PROVIDERS[item]()
    if isinstance(item, str) and ("/" in item or item.startswith(("http://", "https://"))):
        return Space(item)
    raise InvalidRequestError(
        f"Unknown provider {item!r}. Known providers: {', '.join(PROVIDERS)}; or a space id such as "
        "'Tongyi-MAI/Z-Image-Turbo', a space's URL, or a provider instance such as Space(...)."
    )
