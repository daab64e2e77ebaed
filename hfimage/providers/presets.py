"""The seeds' Gradio providers, each a Space preset: the space it drives, by its catalog entry."""

from __future__ import annotations

from .._protocols.hub import space_host
from .space import Space

GradioSpace = Space
"""The name hfimage 0.x gave the Gradio provider base."""


class StabilityAI_SD35Large(Space):
    """Stable Diffusion 3.5 Large on its official space."""

    label = "StabilityAI SD-3.5-Large"
    home_space = "stabilityai/stable-diffusion-3.5-large"
    default_url = space_host(home_space)


class BlackForestLabs_Flux1Schnell(Space):
    """FLUX.1 [schnell] on Black Forest Labs' official space."""

    label = "BlackForestLabs Flux-1-Schnell"
    home_space = "black-forest-labs/FLUX.1-schnell"
    default_url = space_host(home_space)


class Voodoohop_Flux1Schnell(Space):
    """FLUX.1 [schnell] on voodoohop's space (silent since 2025: never the only choice for a model)."""

    label = "Voodoohop Flux-1-Schnell"
    home_space = "voodoohop/FLUX.1-schnell"
    default_url = space_host(home_space)
