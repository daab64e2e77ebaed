"""Turning a request into the values an endpoint is sent: the caller's parameters, hfimage's
settings for the space, the app's own defaults, sizes floored and checked against its limits.

Pure: reads a ``Binding`` and raises InvalidRequestError, never sends.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..._core.catalog import editing_models
from ..._core.input_image import InputImage
from ..._core.request import GenerationRequest
from ..._core.spelling import advice, options
from ..._core.text import listing, number
from ...errors import InvalidRequestError
from .binding import IMAGE_COMPONENTS, TEXT_COMPONENTS, Binding, Slot, listed_inputs

_PIXELS = re.compile(r"(\d{2,5})\s*[x\u00d7*]\s*(\d{2,5})")
_RATIO = re.compile(r"(\d{1,3})\s*:\s*(\d{1,3})")


@dataclass(frozen=True)
class ImagesToSend:
    """The caller's images, in the place of an image input's value until they are uploaded to the app:
    one ``FileData`` for an Image input, a list of gallery items for a Gallery."""

    images: tuple[InputImage, ...]
    gallery: bool


@dataclass(frozen=True)
class Filled:
    """The values to send, in the endpoint's order, and what they amount to: the size the request
    makes (None where only the image can say: a ratio, an edit, an app without size inputs)."""

    values: tuple[Any, ...]
    width: int | None
    height: int | None
    seed: int | None
    asked: Mapping[str, Any]
    """What the caller asked for, by input name, where something else is sent (a floored size)."""

    def named(self, binding: Binding) -> dict[str, Any]:
        return {slot.spec.name: value for slot, value in zip(binding.slots, self.values, strict=True) if slot.spec.name}


def fill(
    binding: Binding,
    request: GenerationRequest,
    provider: str,
    *,
    defaults: Mapping[str, Any] = {},
    settings: Mapping[str, Any] = {},
    sizes: Mapping[str, tuple[int, int]] = {},
    size_multiple: int = 1,
    smallest_side: int = 1,
) -> Filled:
    """The values for a request: the caller's parameters, else ``settings`` (hfimage's names), else
    the app's declared defaults; ``defaults`` sets inputs by the app's own names. ``sizes`` gives the pixels of
    size choices whose label names only a ratio.

    Raises InvalidRequestError for a parameter the endpoint has no input for, or a value outside
    the app's limits or choices, quoting what the caller gave.
    """
    _refuse_unsupported(binding, request, provider)
    _refuse_unknown_defaults(binding, defaults, provider)
    images = _images(binding, request, provider)
    declared = {slot.role: slot.spec.default for slot in binding.slots if slot.role is not None}
    wanted = {**declared, **{name: value for name, value in settings.items() if value is not None}}
    asked: dict[str, Any] = {}
    width, height = _size(binding, request, wanted, (size_multiple, smallest_side), asked)
    choice, choice_size = _size_choice(binding, request, wanted, sizes, (width, height))
    made: tuple[int, int] | None = (width, height) if binding.slot("width") and binding.slot("height") else None
    if binding.slot("size") is not None:
        made = choice_size
    seed = request.seed
    if seed is None and binding.slot("randomize_seed") is None and binding.slot("seed") is not None:
        seed = _random_seed(binding.slot("seed"))
    by_role: dict[str, Any] = {
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt
        if request.negative_prompt is not None
        else wanted.get("negative_prompt") or "",
        "seed": seed if seed is not None else _seed_default(wanted.get("seed")),
        "randomize_seed": request.seed is None,
        "width": width,
        "height": height,
        "steps": _whole(request.steps if request.steps is not None else wanted.get("steps")),
        "guidance_scale": request.guidance_scale
        if request.guidance_scale is not None
        else wanted.get("guidance_scale"),
        "size": choice,
        "image": images,
    }
    values = tuple(_value(slot, by_role, defaults) for slot in binding.slots)
    filled = Filled(values, made[0] if made else None, made[1] if made else None, seed, asked)
    _check_values(binding, filled, provider)
    return filled


def _value(slot: Slot, by_role: Mapping[str, Any], defaults: Mapping[str, Any]) -> Any:
    spec = slot.spec
    if spec.hidden:
        return None
    if spec.name is not None and spec.name in defaults:
        return defaults[spec.name]
    if slot.role is not None and (slot.role != "image" or by_role["image"] is not None):
        return by_role[slot.role]
    if spec.has_default:
        return spec.default
    return "" if spec.component in TEXT_COMPONENTS else None  # what a browser sends for an empty input


def _images(binding: Binding, request: GenerationRequest, provider: str) -> ImagesToSend | None:
    """The caller's images for the endpoint's image input; InvalidRequestError when it has none, takes fewer,
    or needs one the caller did not give."""
    slot = binding.slot("image")
    if not request.image:
        if slot is not None and binding.needs_image:
            raise InvalidRequestError(
                f"{provider} edits an image: /{binding.api_name} needs one in '{slot.spec.name}'. Pass it with "
                f"{advice('image=', '--image')} (a file's path, bytes, a URL...), or pick a text-to-image model.",
                provider=provider,
            )
        return None
    if slot is None:
        raise InvalidRequestError(
            f"{provider} takes no input image: /{binding.api_name} takes {listed_inputs(binding.endpoint)}. "
            f"To edit an image, use {' or '.join(editing_models())}, or a space whose app has an "
            "image input.",
            provider=provider,
        )
    most = IMAGE_COMPONENTS[slot.spec.component]
    if most is not None and len(request.image) > most:
        raise InvalidRequestError(
            f"{provider} takes {most} image in '{slot.spec.name}' ({slot.spec.component}); got {len(request.image)}. "
            "Pass one, or use an app whose image input is a gallery.",
            provider=provider,
        )
    return ImagesToSend(request.image, gallery=most is None)


def _refuse_unsupported(binding: Binding, request: GenerationRequest, provider: str) -> None:
    takes = binding.takes
    missing = [name for name in request.given() if name not in takes and name != "image"]
    if missing:
        raise InvalidRequestError(
            f"{provider} has no input for {options(missing)}: /{binding.api_name} takes "
            f"{listed_inputs(binding.endpoint)}. Leave {'it' if len(missing) == 1 else 'them'} out, "
            "or pick another space.",
            provider=provider,
        )


def _refuse_unknown_defaults(binding: Binding, defaults: Mapping[str, Any], provider: str) -> None:
    names = [spec.name for spec in binding.endpoint.visible_inputs if spec.name]
    unknown = [name for name in defaults if name not in names]
    if unknown:
        raise InvalidRequestError(
            f"{provider}: defaults= names {listing(map(repr, unknown))}, but /{binding.api_name} has no such "
            f"input; its inputs are {listing(names)}.",
            provider=provider,
        )


def _size(
    binding: Binding,
    request: GenerationRequest,
    wanted: Mapping[str, Any],
    rounding: tuple[int, int],
    asked: dict[str, Any],
) -> tuple[int, int]:
    """Width and height for width and height inputs (floored to a multiple, at least the smallest side),
    or as asked for a size choice."""
    multiple, smallest = rounding
    default = (_whole(wanted.get("width")) or 1024, _whole(wanted.get("height")) or 1024)
    width, height = request.size(default=default)
    if binding.slot("width") is None or binding.slot("height") is None:
        return width, height
    sent = [max(smallest, side // multiple * multiple) for side in (width, height)]
    for name, value, floored in (("width", width, sent[0]), ("height", height, sent[1])):
        if value != floored:
            asked[name] = value
    return sent[0], sent[1]


def _size_choice(
    binding: Binding,
    request: GenerationRequest,
    wanted: Mapping[str, Any],
    sizes: Mapping[str, tuple[int, int]],
    size: tuple[int | None, int | None],
) -> tuple[Any, tuple[int, int] | None]:
    """The size choice nearest to what was asked (the app's default when nothing was), and its pixels
    when its label or ``sizes`` say them."""
    slot = binding.slot("size")
    if slot is None or not slot.spec.choices:
        return None, None
    choices = slot.spec.choices
    choice = wanted.get("size")
    if request.width is not None or request.height is not None or request.aspect_ratio is not None:
        width, height = size
        target = (width or 1024) / (height or 1024)
        area = (width or 1024) * (height or 1024) if request.width and request.height else None
        choice = min(choices, key=lambda option: _distance(_pixels(option, sizes), target, area))
    pixels = _pixels(choice, sizes)
    return choice, pixels if isinstance(pixels, tuple) else None  # a ratio alone: the image will say


def _pixels(choice: Any, sizes: Mapping[str, tuple[int, int]]) -> tuple[int, int] | float | None:
    """A size choice's pixels (``1024x768``), else its ratio (``4:3``), else None."""
    label = str(choice)
    if label in sizes:
        return sizes[label]
    found = _PIXELS.search(label)
    if found:
        return int(found.group(1)), int(found.group(2))
    ratio = _RATIO.search(label)
    if ratio and int(ratio.group(2)):
        return int(ratio.group(1)) / int(ratio.group(2))
    return None


def _distance(pixels: tuple[int, int] | float | None, target: float, area: int | None) -> tuple[float, float]:
    if pixels is None:
        return (math.inf, math.inf)
    ratio = pixels if isinstance(pixels, float) else pixels[0] / pixels[1]
    size_gap = abs(math.log(pixels[0] * pixels[1] / area)) if area and not isinstance(pixels, float) else 0.0
    return (round(abs(math.log(ratio / target)), 3), size_gap)


def _random_seed(slot: Slot | None) -> int:
    low = int(slot.spec.minimum) if slot is not None and slot.spec.minimum is not None else 0
    high = int(slot.spec.maximum) if slot is not None and slot.spec.maximum is not None else 2**31 - 1
    return random.randint(low, max(low, high))  # noqa: S311 - a seed, not a secret


def _seed_default(value: Any) -> int:
    return _whole(value) or 0


def _whole(value: Any) -> int | None:
    """A whole number from an app's default (sliders declare floats such as ``4.0``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def _check_values(binding: Binding, filled: Filled, provider: str) -> None:
    """Refuse values the app would reject: outside a slider's limits or not among the choices."""
    for slot, value in zip(binding.slots, filled.values, strict=True):
        spec, name = slot.spec, slot.spec.name or slot.spec.label or "?"
        given = filled.asked.get(name, value)
        if spec.choices and slot.role != "size" and _is_scalar(value) and value not in spec.choices:
            raise InvalidRequestError(
                f"{provider} takes {name} among {listing(map(repr, spec.choices))}; got {given!r}.", provider=provider
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        low = spec.minimum if spec.minimum is not None else -math.inf
        high = spec.maximum if spec.maximum is not None else math.inf
        if not low <= value <= high:
            raise InvalidRequestError(
                f"{provider} takes {name} from {number(low)} to {number(high)}; got {number(given)}.", provider=provider
            )


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)
