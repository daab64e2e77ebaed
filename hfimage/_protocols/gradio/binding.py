"""How hfimage's parameters meet a Gradio app's named inputs, whatever the app calls them.

An endpoint's inputs are matched to *roles* (prompt, seed, width...) by the names apps use
for them; everything else keeps the app's declared default, since the server fills in
nothing. ``choose()`` picks the endpoint to call, ``fill()`` turns a request into the values
to send. Both are pure: they read a ``SpaceInfo`` and raise InvalidRequestError, never send.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..._core.request import GenerationRequest
from ..._core.spelling import advice, option, options
from ..._core.text import listing, number
from ...errors import InvalidRequestError
from .space import Endpoint, InputSpec, SpaceInfo

ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "prompt": ("prompt", "text_prompt", "positive_prompt", "prompt_text", "input_text", "text", "caption"),
    "negative_prompt": ("negative_prompt", "negative", "neg_prompt", "negative_text", "negative_prompt_text"),
    "seed": ("seed", "manual_seed", "input_seed"),
    "randomize_seed": ("randomize_seed", "random_seed", "randomize", "random", "use_random_seed"),
    "width": ("width", "image_width", "img_width"),
    "height": ("height", "image_height", "img_height"),
    "steps": ("num_inference_steps", "steps", "num_steps", "inference_steps", "sampling_steps", "ddim_steps"),
    "guidance_scale": ("guidance_scale", "cfg", "cfg_scale", "true_guidance_scale", "true_cfg_scale", "guidance"),
    "size": ("aspect_ratio", "resolution", "size", "image_size", "ratio", "dimensions"),
}
"""Each role hfimage can fill, and the parameter names apps give it (compared case-insensitively)."""

PREFERRED_ENDPOINTS = (
    "infer",
    "generate",
    "generate_image",
    "predict",
    "run",
    "txt2img",
    "text_to_image",
    "text2img",
    "inference",
    "process",
    "generate_images",
)
"""Endpoint names tried first, in order; after them, every other named endpoint in the app's order."""

PARAMETER_ROLES: dict[str, tuple[str, ...]] = {
    "negative_prompt": ("negative_prompt",),
    "width": ("width", "size"),
    "height": ("height", "size"),
    "aspect_ratio": ("width", "size"),
    "steps": ("steps",),
    "guidance_scale": ("guidance_scale",),
    "seed": ("seed",),
}
"""Which roles can carry each of ``generate()``'s parameters (any one of them is enough)."""

MEDIA_COMPONENTS = frozenset(
    {
        "image",
        "imageeditor",
        "sketchpad",
        "paint",
        "file",
        "files",
        "video",
        "audio",
        "model3d",
        "imageslider",
        "annotatedimage",
        "uploadbutton",
        "multimodaltextbox",
    }
)
TEXT_COMPONENTS = frozenset({"textbox", "text", "textarea"})
_SECRET_NAME = re.compile(r"token|api_?key|password|secret", re.IGNORECASE)
_PIXELS = re.compile(r"(\d{2,5})\s*[x\u00d7*]\s*(\d{2,5})")
_RATIO = re.compile(r"(\d{1,3})\s*:\s*(\d{1,3})")
DEFAULT_AREA = 1024 * 1024
"""The pixel count assumed for a size choice that names only a ratio."""


@dataclass(frozen=True)
class Slot:
    """One input of an endpoint: the role hfimage fills it with (None: it keeps the app's default),
    and why hfimage cannot fill it, if it cannot."""

    spec: InputSpec
    role: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Binding:
    """An endpoint with each of its inputs matched to what feeds it."""

    endpoint: Endpoint
    slots: tuple[Slot, ...]

    @property
    def api_name(self) -> str:
        return self.endpoint.api_name

    def slot(self, role: str) -> Slot | None:
        return next((slot for slot in self.slots if slot.role == role), None)

    @property
    def problems(self) -> list[str]:
        return [slot.problem for slot in self.slots if slot.problem is not None]

    @property
    def takes(self) -> tuple[str, ...]:
        """``generate()``'s parameters this endpoint can take, in their usual order."""
        roles = {slot.role for slot in self.slots}
        return tuple(
            name
            for name, carriers in PARAMETER_ROLES.items()
            if any(role in roles for role in carriers) and _size_complete(name, roles)
        )


def _size_complete(name: str, roles: set[str | None]) -> bool:
    """Width, height and aspect ratio need both sides as inputs, or one size choice."""
    if name in ("width", "height", "aspect_ratio"):
        return "size" in roles or {"width", "height"} <= roles
    return True


def bind(endpoint: Endpoint, fixed: Mapping[str, Any] = {}) -> Binding:
    """Match an endpoint's inputs to roles by their names; ``fixed`` names inputs the caller sets."""
    taken: set[str] = set()
    slots: list[Slot] = []
    for spec in endpoint.inputs:
        role = None if spec.hidden or spec.name in fixed else _role_of(spec, taken)
        if role is not None:
            taken.add(role)
        slots.append(Slot(spec, role))
    if "prompt" not in taken:
        slots = _first_text_as_prompt(slots, fixed)
    return Binding(endpoint, tuple(_with_problem(slot, fixed) for slot in slots))


def _role_of(spec: InputSpec, taken: set[str]) -> str | None:
    name = (spec.name or "").lower()
    for role, names in ROLE_NAMES.items():
        if role not in taken and name in names and _fits(role, spec):
            return role
    return None


def _fits(role: str, spec: InputSpec) -> bool:
    """Whether an input of this component can take the role's value (any can, when its kind is unknown)."""
    if spec.component == "unknown":
        return role != "size" or bool(spec.choices)
    if role in ("prompt", "negative_prompt"):
        return spec.component in TEXT_COMPONENTS
    if role == "size":
        return bool(spec.choices)
    if role == "randomize_seed":
        return spec.component == "checkbox"
    return spec.component not in MEDIA_COMPONENTS and spec.component not in TEXT_COMPONENTS | {"checkbox"}


def _first_text_as_prompt(slots: list[Slot], fixed: Mapping[str, Any]) -> list[Slot]:
    """When no input is named like a prompt, the first free text box is taken for it."""
    for index, slot in enumerate(slots):
        spec = slot.spec
        free = slot.role is None and not spec.hidden and spec.name not in fixed
        if free and spec.component in TEXT_COMPONENTS and not _SECRET_NAME.search(spec.name or ""):
            return [*slots[:index], Slot(spec, "prompt"), *slots[index + 1 :]]
    return slots


def _with_problem(slot: Slot, fixed: Mapping[str, Any]) -> Slot:
    spec = slot.spec
    if slot.role is not None or spec.hidden or spec.has_default or spec.name in fixed:
        return slot
    what = spec.name or spec.label or spec.component
    if spec.component in MEDIA_COMPONENTS:
        return Slot(spec, None, f"'{what}' needs an input {spec.component}")
    if _SECRET_NAME.search(f"{spec.name} {spec.label}"):
        return Slot(spec, None, f"'{what}' needs a token or key")
    return slot


def choose(space: SpaceInfo, who: str, endpoint: str | None = None, fixed: Mapping[str, Any] = {}) -> Binding:
    """The endpoint hfimage will call: ``endpoint`` when given, else the first preferred name that has a
    text input for the prompt and needs nothing hfimage cannot fill, else the first other such endpoint.

    Raises InvalidRequestError naming the app's endpoints and what each lacks.
    """
    named = {name: found for name, found in space.endpoints.items() if any(spec.name for spec in found.inputs)}
    if endpoint is not None:
        wanted = endpoint.removeprefix("/")
        if wanted not in named:
            offered = listing("/" + name for name in named) or "none with named inputs"
            raise InvalidRequestError(
                f"{who} has no API endpoint '/{wanted}' (it offers {offered}). Check the name on the space's "
                f"'Use via API' page, or leave {option('endpoint')} out to let hfimage choose.",
                provider=who,
            )
        binding = bind(named[wanted], fixed)
        _check_usable(binding, who)
        return binding
    if not named:
        unsafe = (
            f" It names endpoints hfimage will not put in a URL: {listing(map(repr, space.unsafe_endpoints))}."
            if space.unsafe_endpoints
            else ""
        )
        raise InvalidRequestError(
            f"{who} has no named API endpoint hfimage can read ({space.root}): its app shows only unnamed "
            f"endpoints, or none. hfimage needs an endpoint with a name (api_name) and named inputs.{unsafe}",
            provider=who,
        )
    order = [name for name in PREFERRED_ENDPOINTS if name in named] + [n for n in named if n not in PREFERRED_ENDPOINTS]
    reasons = []
    for name in order:
        binding = bind(named[name], fixed)
        reason = _unusable(binding)
        if reason is None:
            return binding
        reasons.append(f"/{name} {reason}")
    raise InvalidRequestError(
        f"{who} has no endpoint hfimage can drive for text-to-image: {listing(reasons, separator='; ', limit=6)}. "
        + advice(
            "Pick another space, or name an endpoint and fix the missing inputs with defaults=.",
            "Pick another space.",
        ),
        provider=who,
    )


def _unusable(binding: Binding) -> str | None:
    if binding.slot("prompt") is None:
        return "has no text input for the prompt"
    if binding.problems:
        return "; ".join(binding.problems)
    return None


def _check_usable(binding: Binding, who: str) -> None:
    reason = _unusable(binding)
    if reason is not None:
        raise InvalidRequestError(
            f"{who}: /{binding.api_name} {reason}, so it is not a text-to-image endpoint hfimage can call. "
            f"Its inputs: {describe_inputs(binding.endpoint)}.",
            provider=who,
        )


def describe_inputs(endpoint: Endpoint) -> str:
    return listing(f"{spec.name or spec.label or '?'} ({spec.component})" for spec in endpoint.visible_inputs)


@dataclass(frozen=True)
class Filled:
    """The values to send, in the endpoint's order, and what they amount to."""

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
    who: str,
    *,
    fixed: Mapping[str, Any] = {},
    settings: Mapping[str, Any] = {},
    sizes: Mapping[str, tuple[int, int]] = {},
    size_multiple: int = 1,
    smallest_side: int = 1,
) -> Filled:
    """The values for a request: the caller's parameters, else ``settings`` (hfimage's names), else
    the app's defaults; ``fixed`` sets inputs by the app's names. ``sizes`` gives the pixels of
    size choices whose label names only a ratio.

    Raises InvalidRequestError for a parameter the endpoint has no input for, or a value outside
    the app's limits or choices, quoting what the caller gave.
    """
    _refuse_unsupported(binding, request, who)
    _refuse_unknown_fixed(binding, fixed, who)
    defaults = {slot.role: slot.spec.default for slot in binding.slots if slot.role is not None}
    wanted = {**defaults, **{name: value for name, value in settings.items() if value is not None}}
    asked: dict[str, Any] = {}
    width, height = _size(binding, request, wanted, (size_multiple, smallest_side), asked)
    choice, choice_size = _size_choice(binding, request, wanted, sizes, (width, height))
    if choice_size is not None:
        width, height = choice_size
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
    }
    values = tuple(_value(slot, by_role, fixed) for slot in binding.slots)
    filled = Filled(values, width, height, seed, asked)
    _check_values(binding, filled, who)
    return filled


def _value(slot: Slot, by_role: Mapping[str, Any], fixed: Mapping[str, Any]) -> Any:
    spec = slot.spec
    if spec.hidden:
        return None
    if spec.name is not None and spec.name in fixed:
        return fixed[spec.name]
    if slot.role is not None:
        return by_role[slot.role]
    if spec.has_default:
        return spec.default
    return "" if spec.component in TEXT_COMPONENTS else None  # what a browser sends for an empty input


def _refuse_unsupported(binding: Binding, request: GenerationRequest, who: str) -> None:
    takes = binding.takes
    missing = [name for name in request.given() if name not in takes]
    if missing:
        raise InvalidRequestError(
            f"{who} has no input for {options(missing)}: /{binding.api_name} takes "
            f"{describe_inputs(binding.endpoint)}. Leave {'it' if len(missing) == 1 else 'them'} out, "
            "or pick another space.",
            provider=who,
        )


def _refuse_unknown_fixed(binding: Binding, fixed: Mapping[str, Any], who: str) -> None:
    names = [spec.name for spec in binding.endpoint.visible_inputs if spec.name]
    unknown = [name for name in fixed if name not in names]
    if unknown:
        raise InvalidRequestError(
            f"{who}: defaults= names {listing(map(repr, unknown))}, but /{binding.api_name} has no such "
            f"input; its inputs are {listing(names)}.",
            provider=who,
        )


def _size(
    binding: Binding,
    request: GenerationRequest,
    wanted: Mapping[str, Any],
    rounding: tuple[int, int],
    asked: dict[str, Any],
) -> tuple[int | None, int | None]:
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
    """The size choice nearest to what was asked (the app's default when nothing was), and its pixels."""
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
    if pixels is None:
        return choice, None
    if isinstance(pixels, float):
        side = math.sqrt(DEFAULT_AREA / pixels)
        return choice, (round(side * pixels / 16) * 16, round(side / 16) * 16)
    return choice, pixels


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


def _check_values(binding: Binding, filled: Filled, who: str) -> None:
    """Refuse values the app would reject: outside a slider's limits or not among the choices."""
    for slot, value in zip(binding.slots, filled.values, strict=True):
        spec, name = slot.spec, slot.spec.name or slot.spec.label or "?"
        given = filled.asked.get(name, value)
        if spec.choices and slot.role != "size" and _is_scalar(value) and value not in spec.choices:
            raise InvalidRequestError(
                f"{who} accepts {name} among {listing(map(repr, spec.choices))}; got {given!r}.", provider=who
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        low = spec.minimum if spec.minimum is not None else -math.inf
        high = spec.maximum if spec.maximum is not None else math.inf
        if not low <= value <= high:
            raise InvalidRequestError(
                f"{who} accepts {name} from {number(low)} to {number(high)}; got {number(given)}.", provider=who
            )


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)
