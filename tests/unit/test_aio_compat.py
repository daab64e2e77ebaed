"""Code written against the seeds' async generators runs unchanged but for its import line."""

import pytest

import hfimage.aio
from hfimage.aio import (
    BlackForestLabs_Flux1Schnell,
    ImageLabs,
    StabilityAI_SD35Large,
    Voodoohop_Flux1Schnell,
)


def test_an_explicit_prompt_wins_over_messages():
    assert hfimage.aio.format_image_prompt([{"role": "user", "content": "no"}], "yes") == "yes"
    assert (
        hfimage.aio.format_image_prompt([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]) == "a\nb"
    )
    assert hfimage.aio.format_image_prompt([{"role": "system", "content": "s"}]) == ""


@pytest.mark.parametrize(
    ("cls", "attributes"),
    [
        (
            StabilityAI_SD35Large,
            {
                "label": "StabilityAI SD-3.5-Large",
                "url": "https://stabilityai-stable-diffusion-3-5-large.hf.space",
                "api_endpoint": "/gradio_api/call/infer",
                "working": True,
                "default_model": "stabilityai-stable-diffusion-3-5-large",
                "default_image_model": "stabilityai-stable-diffusion-3-5-large",
                "model_aliases": {
                    "sd-3.5": "stabilityai-stable-diffusion-3-5-large",
                    "sd-3.5-large": "stabilityai-stable-diffusion-3-5-large",
                },
                "image_models": ["sd-3.5", "sd-3.5-large"],
                "models": ["sd-3.5", "sd-3.5-large"],
            },
        ),
        (
            BlackForestLabs_Flux1Schnell,
            {
                "label": "BlackForestLabs Flux-1-Schnell",
                "url": "https://black-forest-labs-flux-1-schnell.hf.space",
                "api_endpoint": "https://black-forest-labs-flux-1-schnell.hf.space/call/infer",
                "working": True,
                "default_model": "black-forest-labs-flux-1-schnell",
                "default_image_model": "black-forest-labs-flux-1-schnell",
                "model_aliases": {
                    "flux-schnell": "black-forest-labs-flux-1-schnell",
                    "flux": "black-forest-labs-flux-1-schnell",
                },
                "image_models": ["flux-schnell", "flux"],
                "models": ["flux-schnell", "flux"],
            },
        ),
        (
            Voodoohop_Flux1Schnell,
            {
                "label": "Voodoohop Flux-1-Schnell",
                "url": "https://voodoohop-flux-1-schnell.hf.space",
                "api_endpoint": "https://voodoohop-flux-1-schnell.hf.space/call/infer",
                "default_model": "voodoohop-flux-1-schnell",
                "model_aliases": {"flux-schnell": "voodoohop-flux-1-schnell", "flux": "voodoohop-flux-1-schnell"},
                "models": ["flux-schnell", "flux"],
            },
        ),
        (
            ImageLabs,
            {
                "url": "https://editor.imagelabs.net",
                "api_endpoint": "https://editor.imagelabs.net/txt2img",
                "working": True,
                "supports_stream": False,
                "supports_system_message": False,
                "supports_message_history": False,
                "default_model": "sdxl-turbo",
                "default_image_model": "sdxl-turbo",
                "image_models": ["sdxl-turbo"],
                "models": ["sdxl-turbo"],
            },
        ),
    ],
)
def test_class_attributes_match_the_seeds(cls, attributes):
    assert {name: getattr(cls, name) for name in attributes} == attributes


def test_get_model_resolves_aliases_as_the_seeds_did():
    assert StabilityAI_SD35Large.get_model("sd-3.5") == "stabilityai-stable-diffusion-3-5-large"
    assert StabilityAI_SD35Large.get_model("") == "stabilityai-stable-diffusion-3-5-large"
    assert Voodoohop_Flux1Schnell.get_model("flux") == "voodoohop-flux-1-schnell"
    assert ImageLabs.get_model("whatever") == "sdxl-turbo"
    with pytest.raises(hfimage.InvalidRequestError, match="does not serve model 'dall-e'"):
        BlackForestLabs_Flux1Schnell.get_model("dall-e")
