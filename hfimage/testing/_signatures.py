"""The inputs and outputs of the text-to-image spaces people call, as their apps declare them.

Names, order and kinds are the real apps'; limits and defaults are close to theirs. A
``FakeSpace(signature=SIGNATURES["Tongyi-MAI/Z-Image-Turbo"])`` answers as that app would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Input:
    """One input of a fake app: its parameter name and Gradio component, with what the component declares.

    ``default`` is the component's initial value (None: it has none); ``optional`` says the
    app's function has a default of None for it, which Gradio reports as a default too.
    """

    name: str
    component: str = "slider"
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[Any, ...] | None = None
    optional: bool = False


@dataclass(frozen=True)
class Signature:
    """An endpoint of a fake app: its name, inputs in order, and output components in order."""

    api_name: str
    inputs: tuple[Input, ...]
    outputs: tuple[str, ...] = ("image", "number")


def _seed(default: int = 0) -> Input:
    return Input("seed", "slider", default, 0, MAX_SEED, 1)


def _side(name: str, low: int, high: int, step: int = 32, default: int = 1024) -> Input:
    return Input(name, "slider", default, low, high, step)


def _steps(name: str = "num_inference_steps", high: int = 50, default: int = 28) -> Input:
    return Input(name, "slider", default, 1, high, 1)


PROMPT = Input("prompt", "textbox")
RANDOMIZE = Input("randomize_seed", "checkbox", True)
NEGATIVE = Input("negative_prompt", "textbox")

FLUX_SCHNELL = Signature(
    "infer", (PROMPT, _seed(), RANDOMIZE, _side("width", 256, 2048), _side("height", 256, 2048), _steps(default=4))
)
SD35 = Signature(
    "infer",
    (PROMPT, NEGATIVE, _seed(), RANDOMIZE, _side("width", 512, 1440), _side("height", 512, 1440),
     Input("guidance_scale", "slider", 4.5, 0.0, 7.5, 0.1), _steps(default=40)),
)  # fmt: skip
FLUX_DEV = Signature(
    "infer",
    (PROMPT, _seed(), RANDOMIZE, _side("width", 256, 2048), _side("height", 256, 2048),
     Input("guidance_scale", "slider", 3.5, 1.0, 15.0, 0.1), _steps(default=28)),
)  # fmt: skip
FLUX2_DEV = Signature(
    "infer",
    (PROMPT, Input("input_images", "gallery", optional=True), _seed(), RANDOMIZE, _side("width", 256, 2048),
     _side("height", 256, 2048), _steps(default=30), Input("guidance_scale", "slider", 4.0, 1.0, 10.0, 0.1),
     Input("prompt_upsampling", "checkbox", False)),
)  # fmt: skip
QWEN_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3")
QWEN_IMAGE = Signature(
    "infer",
    (PROMPT, _seed(), RANDOMIZE, Input("aspect_ratio", "radio", "16:9", choices=QWEN_RATIOS),
     Input("guidance_scale", "slider", 4.0, 1.0, 10.0, 0.1), _steps(default=50),
     Input("prompt_enhance", "checkbox", True)),
)  # fmt: skip
Z_IMAGE_RESOLUTIONS = ("1024x1024 ( 1:1 )", "1152x896 ( 9:7 )", "896x1152 ( 7:9 )", "1152x864 ( 4:3 )",
                       "864x1152 ( 3:4 )", "1248x832 ( 3:2 )", "832x1248 ( 2:3 )", "1280x720 ( 16:9 )",
                       "720x1280 ( 9:16 )", "1344x576 ( 21:9 )", "576x1344 ( 9:21 )")  # fmt: skip
TONGYI_Z_IMAGE = Signature(
    "generate",
    (PROMPT, Input("resolution", "dropdown", Z_IMAGE_RESOLUTIONS[0], choices=Z_IMAGE_RESOLUTIONS),
     Input("seed", "number", 42), _steps("steps", 100, 8), Input("shift", "slider", 3.0, 1.0, 10.0, 0.1),
     Input("random_seed", "checkbox", True), Input("gallery_images", "gallery", [])),
    outputs=("gallery", "textbox", "number"),
)  # fmt: skip
MRFAKENAME_Z_IMAGE = Signature(
    "generate_image",
    (PROMPT, _side("height", 256, 2048, 64), _side("width", 256, 2048, 64), _steps(high=20, default=9),
     _seed(42), RANDOMIZE),
)  # fmt: skip
KOLORS = Signature(
    "infer",
    (PROMPT, Input("ip_adapter_image", "image", optional=True), Input("ip_adapter_scale", "slider", 0.5, 0.0, 1.0),
     NEGATIVE, _seed(), RANDOMIZE, _side("width", 256, 1536), _side("height", 256, 1536),
     Input("guidance_scale", "slider", 5.0, 0.0, 10.0, 0.1), _steps(default=25)),
    outputs=("image",),
)  # fmt: skip

SIGNATURES: Mapping[str, Signature] = {
    "black-forest-labs/FLUX.1-schnell": FLUX_SCHNELL,
    "voodoohop/FLUX.1-schnell": FLUX_SCHNELL,
    "stabilityai/stable-diffusion-3.5-large": SD35,
    "stabilityai/stable-diffusion-3.5-large-turbo": SD35,
    "stabilityai/stable-diffusion-3-medium": SD35,
    "black-forest-labs/FLUX.1-dev": FLUX_DEV,
    "black-forest-labs/FLUX.2-dev": FLUX2_DEV,
    "Qwen/Qwen-Image": QWEN_IMAGE,
    "Tongyi-MAI/Z-Image-Turbo": TONGYI_Z_IMAGE,
    "mrfakename/Z-Image-Turbo": MRFAKENAME_Z_IMAGE,
    "Kwai-Kolors/Kolors": KOLORS,
}
"""Each space's text-to-image endpoint, by space id."""
