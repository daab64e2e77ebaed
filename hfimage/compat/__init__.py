"""Drop-ins for the older provider classes: async generators with the signatures code written for
them expects. ``hfimage.aio`` re-exports them; new code should use ``hfimage.aio`` itself."""

from .generators import (
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
    "ImageLabs",
    "ImagePreview",
    "ImageResponse",
    "ResponseError",
    "StabilityAI_SD35Large",
    "Voodoohop_Flux1Schnell",
    "format_image_prompt",
]
