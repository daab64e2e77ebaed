"""A generation request, checked before anything is sent."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from ..errors import InvalidRequestError
from .input_image import InputImage
from .spelling import advice, option

MAX_SIDE = 8192
MAX_STEPS = 1000
MAX_GUIDANCE = 100.0
MAX_SEED = 2**63 - 1

# Sizes for each aspect ratio, as the SD3.5 seed defines them.
ASPECT_RATIOS: dict[str, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "16:9": (1024, 576),
    "9:16": (576, 1024),
    "4:3": (1024, 768),
    "3:4": (768, 1024),
    "3:2": (1024, 682),
    "2:3": (682, 1024),
    "21:9": (1024, 440),
    "9:21": (440, 1024),
    "4:5": (832, 1040),
    "5:4": (1040, 832),
    "2:1": (1024, 512),
    "1:2": (512, 1024),
}
_RATIO = re.compile(r"^\s*(\d+)\s*[:x/]\s*(\d+)\s*$")


@dataclass(frozen=True)
class GenerationRequest:
    """What the caller asked for; None means "the provider's default"."""

    prompt: str
    negative_prompt: str | None = None
    width: int | None = None
    height: int | None = None
    aspect_ratio: str | None = None
    steps: int | None = None
    guidance_scale: float | None = None
    seed: int | None = None
    image: tuple[InputImage, ...] = ()
    """The images to edit, or to take as references; none for text-to-image."""

    def given(self) -> list[str]:
        """The optional parameters the caller set, in declaration order."""
        return [f.name for f in fields(self) if f.name != "prompt" and getattr(self, f.name) not in (None, ())]

    def size(self, default: tuple[int, int]) -> tuple[int, int]:
        """Width and height: given values win, the rest comes from the aspect ratio, else ``default``."""
        base = ASPECT_RATIOS[self.aspect_ratio] if self.aspect_ratio is not None else default
        return (self.width or base[0], self.height or base[1])


def build_request(prompt: Any, **given: Any) -> GenerationRequest:
    """A checked request from the prompt and ``GENERATION_PARAMETERS`` (None: not given), or
    InvalidRequestError naming the first problem."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidRequestError("The prompt must be a non-empty string describing the image.")
    _readable("The prompt", prompt)
    unknown = sorted(set(given) - set(_CHECKS))
    if unknown:
        raise InvalidRequestError(f"Unknown parameter {unknown[0]!r}; known: {', '.join(_CHECKS)}.")
    request = GenerationRequest(prompt=prompt, **{name: check(given.get(name)) for name, check in _CHECKS.items()})
    if request.aspect_ratio is not None and (request.width is not None or request.height is not None):
        raise InvalidRequestError(
            advice("Give width and height, or aspect_ratio", "Give --size or --aspect")
            + ", not both: the ratio picks a size of its own."
        )
    return request


def _text(name: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidRequestError(f"{_named(name)} must be a string; got {type(value).__name__}.")
    return _readable(_named(name), value) if value is not None else None


def _named(name: str) -> str:
    """A parameter as a message names it; a side of ``--size`` on the command line."""
    return advice(name, f"the {name} of --size") if name in ("width", "height") else option(name)


def _readable(name: str, text: str) -> str:
    """``text``, if it can travel as UTF-8: not when it holds bytes that were not text (lone surrogates,
    which is how Python carries undecodable bytes from the command line or a file)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as bad:
        raise InvalidRequestError(
            f"{name} is not valid text: character {bad.start + 1} is a byte that is not UTF-8. "
            "Save the text as UTF-8 (or type it again) and retry."
        ) from None
    return text


def _whole(name: str, value: Any, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestError(f"{_named(name)} must be a whole number; got {value!r}.")
    if not low <= value <= high:
        raise InvalidRequestError(f"{_named(name)} must be between {low} and {high}; got {value}.")
    return value


def _guidance(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidRequestError(f"{option('guidance_scale')} must be a finite number; got {value!r}.")
    if not 0 <= value <= MAX_GUIDANCE:
        raise InvalidRequestError(f"{option('guidance_scale')} must be between 0 and {MAX_GUIDANCE:g}; got {value:g}.")
    return float(value)


def _ratio(value: Any) -> str | None:
    if value is None:
        return None
    match = _RATIO.match(value) if isinstance(value, str) else None
    known = ", ".join(ASPECT_RATIOS)
    if match is None:
        raise InvalidRequestError(
            f"{option('aspect_ratio')} must look like '16:9'; got {value!r}. Known ratios: {known}."
        )
    ratio = f"{int(match.group(1))}:{int(match.group(2))}"
    if ratio not in ASPECT_RATIOS:
        raise InvalidRequestError(
            f"Unknown {option('aspect_ratio')} {ratio!r}. Known ratios: {known}; or pass "
            f"{advice('width and height', '--size')}."
        )
    return ratio


def _images(value: Any) -> tuple[InputImage, ...]:
    """Images come checked by the call's planning (which knows every form a caller may give)."""
    if value is None:
        return ()
    if not isinstance(value, tuple) or not all(isinstance(item, InputImage) for item in value):
        raise InvalidRequestError(f"image must be the call's checked images; got {type(value).__name__}.")
    return value


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "negative_prompt": lambda value: _text("negative_prompt", value),
    "width": lambda value: _whole("width", value, 1, MAX_SIDE),
    "height": lambda value: _whole("height", value, 1, MAX_SIDE),
    "aspect_ratio": _ratio,
    "steps": lambda value: _whole("steps", value, 1, MAX_STEPS),
    "guidance_scale": _guidance,
    "seed": lambda value: _whole("seed", value, 0, MAX_SEED),
    "image": _images,
}
"""How each optional parameter of a request is checked, in the order the request declares them."""

GENERATION_PARAMETERS: tuple[str, ...] = tuple(
    field.name for field in fields(GenerationRequest) if field.name != "prompt"
)
"""What a caller may ask of the image besides the prompt: the fields of ``GenerationRequest``."""
