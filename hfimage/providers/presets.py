"""The seeds' Gradio providers, each a Space preset: the space it drives, its input names and defaults."""

from __future__ import annotations

from types import MappingProxyType

from .space import Space

GradioSpace = Space
"""The name hfimage 0.x gave the Gradio provider base."""


class StabilityAI_SD35Large(Space):
    """Stable Diffusion 3.5 Large on its official space."""

    label = "StabilityAI SD-3.5-Large"
    default_url = "https://stabilityai-stable-diffusion-3-5-large.hf.space"
    home_space = "stabilityai/stable-diffusion-3.5-large"
    default_endpoint = "infer"
    signature = (
        "prompt",
        "negative_prompt",
        "seed",
        "randomize_seed",
        "width",
        "height",
        "guidance_scale",
        "num_inference_steps",
    )
    accepts = frozenset({"negative_prompt", "width", "height", "aspect_ratio", "steps", "guidance_scale", "seed"})
    zerogpu = True
    default_settings = MappingProxyType({"width": 1024, "height": 1024, "guidance_scale": 4.5, "steps": 50})


class _Flux1Schnell(Space):
    """FLUX.1 [schnell]: sizes are floored to a multiple of 8, at least 32."""

    default_endpoint = "infer"
    signature = ("prompt", "seed", "randomize_seed", "width", "height", "num_inference_steps")
    accepts = frozenset({"width", "height", "aspect_ratio", "steps", "seed"})
    zerogpu = True
    default_settings = MappingProxyType({"width": 768, "height": 768, "steps": 2})
    size_multiple = 8
    smallest_side = 32


class BlackForestLabs_Flux1Schnell(_Flux1Schnell):
    """FLUX.1 [schnell] on Black Forest Labs' official space."""

    label = "BlackForestLabs Flux-1-Schnell"
    default_url = "https://black-forest-labs-flux-1-schnell.hf.space"
    home_space = "black-forest-labs/FLUX.1-schnell"


class Voodoohop_Flux1Schnell(_Flux1Schnell):
    """FLUX.1 [schnell] on voodoohop's space (silent since 2025: never the only choice for a model)."""

    label = "Voodoohop Flux-1-Schnell"
    default_url = "https://voodoohop-flux-1-schnell.hf.space"
    home_space = "voodoohop/FLUX.1-schnell"
