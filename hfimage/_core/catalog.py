"""Models, their aliases, and the providers that serve each, in fallback order."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidRequestError

DEFAULT_MODEL = "flux"


@dataclass(frozen=True)
class ModelInfo:
    """A model: its canonical name, other names it answers to, and its providers in fallback order."""

    name: str
    aliases: tuple[str, ...]
    providers: tuple[str, ...]


CATALOG: tuple[ModelInfo, ...] = (
    ModelInfo("flux", ("flux-schnell",), ("BlackForestLabs_Flux1Schnell", "Voodoohop_Flux1Schnell")),
    ModelInfo("black-forest-labs-flux-1-schnell", (), ("BlackForestLabs_Flux1Schnell",)),
    ModelInfo("voodoohop-flux-1-schnell", (), ("Voodoohop_Flux1Schnell",)),
    ModelInfo("sd-3.5", ("sd-3.5-large", "stabilityai-stable-diffusion-3-5-large"), ("StabilityAI_SD35Large",)),
    ModelInfo("sdxl-turbo", (), ("ImageLabs",)),
)

_BY_NAME = {name: info for info in CATALOG for name in (info.name, *info.aliases)}


def find_model(name: object) -> ModelInfo:
    """The model called ``name`` (case-insensitive, by name or alias), or InvalidRequestError."""
    if not isinstance(name, str):
        raise InvalidRequestError(f"model must be a string; got {type(name).__name__}.")
    info = _BY_NAME.get(name.strip().lower())
    if info is not None:
        return info
    import difflib  # noqa: PLC0415 - only a misspelt name needs it; keeps `import hfimage` quick

    close = difflib.get_close_matches(name.strip().lower(), _BY_NAME, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise InvalidRequestError(
        f"Unknown model {name!r}.{hint} Known models: {', '.join(info.name for info in CATALOG)} "
        "(see hfimage.models())."
    )
