"""The catalog's table of spaces: what hfimage knows of each space it names, in one entry a space.

An entry holds the app's endpoint as the app declares it (its name, inputs in order
with their components, limits and defaults, and its outputs), and what the app does not say about
itself: which of ``generate()``'s parameters it takes (so a request is checked before anything is
sent), settings that differ from its defaults, the pixels behind size choices that name only a
ratio, and whether it runs on ZeroGPU. The built-in providers, ``inspect``, the fakes of
``hfimage.testing`` and hfimage's own test apps all read it: adding a space is one entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SIZES = frozenset({"width", "height", "aspect_ratio"})


@dataclass(frozen=True)
class Input:
    """One input of an endpoint: its parameter name and Gradio component, with what the component declares.

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
    also_output: bool = False
    """The endpoint writes this component too: its output of the same kind (a gallery of past results)."""


@dataclass(frozen=True)
class Signature:
    """An endpoint as its app declares it: its name, inputs in order, and output components in order."""

    api_name: str
    inputs: tuple[Input, ...]
    outputs: tuple[str, ...] = ("image", "number")

    @property
    def names(self) -> tuple[str, ...]:
        """The inputs' parameter names, in order."""
        return tuple(spec.name for spec in self.inputs)


@dataclass(frozen=True)
class SpaceEntry:
    """What hfimage knows of one space beyond what its app says of itself."""

    id: str
    signature: Signature
    takes: frozenset[str]
    """``generate()``'s parameters it takes."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """hfimage parameters (``steps``, ``guidance_scale``...) to use where the caller gives none."""
    sizes: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Width and height behind each size choice whose label names only a ratio."""
    zerogpu: bool = True
    """Whether it runs on ZeroGPU (each of these did in 2026)."""
    size_multiple: int = 1
    """Widths and heights are floored to a multiple of this..."""
    smallest_side: int = 1
    """... and raised to at least this."""


MAX_SEED = 2**31 - 1
"""The largest seed the apps' sliders take."""


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
     Input("random_seed", "checkbox", True), Input("gallery_images", "gallery", [], also_output=True)),
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

FLUX_KONTEXT = Signature(
    "infer",
    (Input("input_image", "image"), PROMPT, _seed(), RANDOMIZE, Input("guidance_scale", "slider", 2.5, 1.0, 10.0, 0.1),
     Input("steps", "slider", 28, 1, 30, 1)),
    outputs=("image", "number", "button"),
)  # fmt: skip
QWEN_IMAGE_EDIT = Signature(
    "infer",
    (Input("image", "image"), PROMPT, _seed(), RANDOMIZE, Input("true_guidance_scale", "slider", 4.0, 1.0, 10.0, 0.1),
     _steps(default=50), Input("rewrite_prompt", "checkbox", True),
     Input("num_images_per_prompt", "slider", 1, 1, 4, 1)),
    outputs=("gallery", "number"),
)  # fmt: skip

_FLUX_SCHNELL_SETTINGS = {"width": 768, "height": 768, "steps": 2}
_EDIT_TAKES = frozenset({"image", "steps", "guidance_scale", "seed"})
_SD35_TAKES = SIZES | {"negative_prompt", "steps", "guidance_scale", "seed"}

SPACES: Mapping[str, SpaceEntry] = {
    entry.id: entry
    for entry in (
        SpaceEntry("black-forest-labs/FLUX.1-schnell", FLUX_SCHNELL, SIZES | {"steps", "seed"},
                   settings=_FLUX_SCHNELL_SETTINGS, size_multiple=8, smallest_side=32),
        SpaceEntry("voodoohop/FLUX.1-schnell", FLUX_SCHNELL, SIZES | {"steps", "seed"},
                   settings=_FLUX_SCHNELL_SETTINGS, size_multiple=8, smallest_side=32),
        SpaceEntry("stabilityai/stable-diffusion-3.5-large", SD35, _SD35_TAKES,
                   settings={"width": 1024, "height": 1024, "guidance_scale": 4.5, "steps": 50}),
        SpaceEntry("stabilityai/stable-diffusion-3.5-large-turbo", SD35, _SD35_TAKES,
                   settings={"steps": 4, "guidance_scale": 0.0}),
        SpaceEntry("stabilityai/stable-diffusion-3-medium", SD35, _SD35_TAKES),
        SpaceEntry("black-forest-labs/FLUX.1-dev", FLUX_DEV, SIZES | {"steps", "guidance_scale", "seed"}),
        SpaceEntry("black-forest-labs/FLUX.2-dev", FLUX2_DEV, SIZES | {"image", "steps", "guidance_scale", "seed"}),
        SpaceEntry("Tongyi-MAI/Z-Image-Turbo", TONGYI_Z_IMAGE, SIZES | {"steps", "seed"}),
        SpaceEntry("mrfakename/Z-Image-Turbo", MRFAKENAME_Z_IMAGE, SIZES | {"steps", "seed"}),
        SpaceEntry("Qwen/Qwen-Image", QWEN_IMAGE, SIZES | {"steps", "guidance_scale", "seed"},
                   sizes={"1:1": (1328, 1328), "16:9": (1664, 928), "9:16": (928, 1664), "4:3": (1472, 1140),
                          "3:4": (1140, 1472), "3:2": (1584, 1056), "2:3": (1056, 1584)}),
        SpaceEntry("Kwai-Kolors/Kolors", KOLORS,
                   SIZES | {"image", "negative_prompt", "steps", "guidance_scale", "seed"}),
        SpaceEntry("black-forest-labs/FLUX.1-Kontext-Dev", FLUX_KONTEXT, _EDIT_TAKES),
        SpaceEntry("Qwen/Qwen-Image-Edit", QWEN_IMAGE_EDIT, _EDIT_TAKES),
    )
}  # fmt: skip
"""Every space hfimage knows, by id."""
