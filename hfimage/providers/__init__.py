"""The services hfimage can generate with: data (URL, models, defaults) plus a mapping to their inputs.

Each class works as is, against the public service; an instance can be pointed at a copy
of the same app, e.g. a duplicated or private space or a local run::

    BlackForestLabs_Flux1Schnell(url="http://127.0.0.1:7860")
"""

from .._protocols.gradio.runner import PROTOCOLS
from .base import Job, Provider, RunContext
from .imagelabs import ImageLabs
from .presets import BlackForestLabs_Flux1Schnell, GradioSpace, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from .registry import PROVIDERS, provider_for
from .space import Space

__all__ = [
    "PROTOCOLS",
    "PROVIDERS",
    "BlackForestLabs_Flux1Schnell",
    "GradioSpace",
    "ImageLabs",
    "Job",
    "Provider",
    "RunContext",
    "Space",
    "StabilityAI_SD35Large",
    "Voodoohop_Flux1Schnell",
    "provider_for",
]
