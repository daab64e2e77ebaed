"""Models, their aliases, and the spaces that serve each, in fallback order: data, not code.

A model's providers are built-in provider names (``BlackForestLabs_Flux1Schnell``) or space
ids (``Tongyi-MAI/Z-Image-Turbo``), which hfimage drives through the app's own description and
what ``spaces.SPACES`` adds to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidRequestError
from .spelling import advice


@dataclass(frozen=True)
class ModelInfo:
    """A model: its canonical name, other names it answers to, and its providers in fallback order.
    An ``edits`` model changes an image given with ``image=``, and needs one. ``repo`` is its
    repository on the Hugging Face Hub, which Inference Providers serve on the caller's credits."""

    name: str
    aliases: tuple[str, ...]
    providers: tuple[str, ...]
    edits: bool = False
    repo: str | None = None


_SCHNELL = "black-forest-labs/FLUX.1-schnell"
CATALOG: tuple[ModelInfo, ...] = (
    ModelInfo("flux", ("flux-schnell",), ("BlackForestLabs_Flux1Schnell", "Voodoohop_Flux1Schnell"), repo=_SCHNELL),
    ModelInfo("flux-dev", ("flux.1-dev",), ("black-forest-labs/FLUX.1-dev",), repo="black-forest-labs/FLUX.1-dev"),
    ModelInfo("z-image-turbo", ("z-image",), ("Tongyi-MAI/Z-Image-Turbo", "mrfakename/Z-Image-Turbo"),
              repo="Tongyi-MAI/Z-Image-Turbo"),
    ModelInfo("sd-3.5", ("sd-3.5-large", "stabilityai-stable-diffusion-3-5-large"), ("StabilityAI_SD35Large",),
              repo="stabilityai/stable-diffusion-3.5-large"),
    ModelInfo("sd-3.5-turbo", ("sd-3.5-large-turbo",), ("stabilityai/stable-diffusion-3.5-large-turbo",),
              repo="stabilityai/stable-diffusion-3.5-large-turbo"),
    ModelInfo("qwen-image", (), ("Qwen/Qwen-Image",), repo="Qwen/Qwen-Image"),
    ModelInfo("black-forest-labs-flux-1-schnell", (), ("BlackForestLabs_Flux1Schnell",), repo=_SCHNELL),
    ModelInfo("voodoohop-flux-1-schnell", (), ("Voodoohop_Flux1Schnell",), repo=_SCHNELL),
    ModelInfo("sdxl-turbo", (), ("ImageLabs",), repo="stabilityai/sdxl-turbo"),
    ModelInfo("flux-kontext", ("flux.1-kontext-dev", "kontext"), ("black-forest-labs/FLUX.1-Kontext-Dev",), edits=True),
    ModelInfo("qwen-image-edit", (), ("Qwen/Qwen-Image-Edit",), edits=True),
)  # fmt: skip

DEFAULT_CHAIN: tuple[str, ...] = ("flux", "z-image-turbo", "sd-3.5-turbo")
"""The models ``model=None`` tries, in order: fast ones, each on spaces that were up in 2026."""

DEFAULT_EDIT_CHAIN: tuple[str, ...] = ("flux-kontext", "qwen-image-edit")
"""The models ``model=None`` tries when the call gives ``image=``: editing models, in order."""

_BY_NAME = {name: info for info in CATALOG for name in (info.name, *info.aliases)}


def find_model(name: object) -> ModelInfo:
    """The model called ``name`` (case-insensitive, by name or alias), or InvalidRequestError."""
    if not isinstance(name, str):
        raise InvalidRequestError(f"model must be a string; got {type(name).__name__}.")
    info = _BY_NAME.get(name.strip().lower())
    if info is not None:
        return info
    close = closest_model(name)
    hint = f" Did you mean {close!r}?" if close else ""
    raise InvalidRequestError(
        f"Unknown model {name!r}.{hint} Known models: {', '.join(info.name for info in CATALOG)} "
        f"(see {advice('hfimage.models()', '`hfimage models`')}); or name a space with "
        f"{advice('space=', '--space ')}'owner/name'."
    )


def closest_model(name: str) -> str | None:
    """The model name or alias that ``name`` most likely misspells, if any."""
    import difflib  # noqa: PLC0415 - only a misspelt name needs it; keeps `import hfimage` quick

    close = difflib.get_close_matches(name.strip().lower(), _BY_NAME, n=1)
    return close[0] if close else None


def editing_models() -> tuple[str, ...]:
    """The names of the models that edit an image."""
    return tuple(info.name for info in CATALOG if info.edits)


def models_served_by(provider: str) -> tuple[str, ...]:
    """The canonical names of the models whose providers include ``provider`` (a name or a space id)."""
    return tuple(info.name for info in CATALOG if provider in info.providers)
