"""How hfimage's parameters meet a Gradio app's named inputs, whatever the app calls them.

An endpoint's inputs are matched to *roles* (prompt, seed, width...) by the names apps use
for them; everything else keeps the app's declared default, since the server fills in
nothing. ``choose()`` picks the endpoint to call, ``fill()`` turns a request into the values
to send. Both are pure: they read a ``App`` and raise InvalidRequestError, never send.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..._core.spelling import advice, option
from ..._core.text import listing
from ...errors import InvalidRequestError
from .app import App, Endpoint, InputSpec

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
    "image": ("image",),
}
"""Which roles can carry each of ``generate()``'s parameters (any one of them is enough)."""

IMAGE_COMPONENTS: dict[str, int | None] = {"image": 1, "gallery": None}
"""The components that take the caller's images, with how many each takes (None: any number). An
input is found by its component, whatever the app names it (``input_image``, ``image``, ``images``...)."""

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
    def needs_image(self) -> bool:
        """Whether the endpoint edits an image: its image input has no default to fall back on."""
        slot = self.slot("image")
        return slot is not None and not slot.spec.has_default

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


def bind(endpoint: Endpoint, defaults: Mapping[str, Any] = {}) -> Binding:
    """Match an endpoint's inputs to roles by their names; ``defaults`` names inputs the caller sets."""
    taken: set[str] = set()
    slots: list[Slot] = []
    for spec in endpoint.inputs:
        role = None if spec.hidden or spec.name in defaults else _role_of(spec, taken)
        if role is not None:
            taken.add(role)
        slots.append(Slot(spec, role))
    if "prompt" not in taken:
        slots = _first_text_as_prompt(slots, defaults)
    return Binding(endpoint, tuple(_with_problem(slot, defaults) for slot in slots))


def _role_of(spec: InputSpec, taken: set[str]) -> str | None:
    if spec.component in IMAGE_COMPONENTS and "image" not in taken and not spec.also_output:
        return "image"  # an input the endpoint also writes (a gallery of past results) is its history
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


def _first_text_as_prompt(slots: list[Slot], defaults: Mapping[str, Any]) -> list[Slot]:
    """When no input is named like a prompt, the first free text box is taken for it."""
    for index, slot in enumerate(slots):
        spec = slot.spec
        free = slot.role is None and not spec.hidden and spec.name not in defaults
        if free and spec.component in TEXT_COMPONENTS and not _SECRET_NAME.search(spec.name or ""):
            return [*slots[:index], Slot(spec, "prompt"), *slots[index + 1 :]]
    return slots


def _with_problem(slot: Slot, defaults: Mapping[str, Any]) -> Slot:
    spec = slot.spec
    if slot.role is not None or spec.hidden or spec.has_default or spec.name in defaults:
        return slot
    what = spec.name or spec.label or spec.component
    if spec.component in MEDIA_COMPONENTS:
        return Slot(spec, None, f"'{what}' needs an input {spec.component}")
    if _SECRET_NAME.search(f"{spec.name} {spec.label}"):
        return Slot(spec, None, f"'{what}' needs a token or key")
    return slot


def choose(
    space: App,
    provider: str,
    endpoint: str | None = None,
    defaults: Mapping[str, Any] = {},
    images: bool | None = None,
) -> Binding:
    """The endpoint hfimage will call: ``endpoint`` when given, else the first preferred name that has a
    text input for the prompt and needs nothing hfimage cannot fill, else the first other such endpoint.
    With ``images`` True, only an endpoint with an image input will do; with False, only one that
    does not need an image; with None, either.

    Raises InvalidRequestError naming the app's endpoints and what each lacks.
    """
    named = {name: found for name, found in space.endpoints.items() if any(spec.name for spec in found.inputs)}
    if endpoint is not None:
        wanted = endpoint.removeprefix("/")
        if wanted not in named:
            offered = listing("/" + name for name in named) or "none with named inputs"
            raise InvalidRequestError(
                f"{provider} has no API endpoint '/{wanted}' (it offers {offered}). Check the name on the space's "
                f"'Use via API' page, or leave {option('endpoint')} out to let hfimage choose.",
                provider=provider,
            )
        binding = bind(named[wanted], defaults)
        _check_usable(binding, provider, images)
        return binding
    if not named:
        unsafe = (
            f" It names endpoints hfimage will not put in a URL: {listing(map(repr, space.unsafe_endpoints))}."
            if space.unsafe_endpoints
            else ""
        )
        raise InvalidRequestError(
            f"{provider} has no named API endpoint hfimage can read ({space.root}): its app shows only unnamed "
            f"endpoints, or none. hfimage needs an endpoint with a name (api_name) and named inputs.{unsafe}",
            provider=provider,
        )
    order = [name for name in PREFERRED_ENDPOINTS if name in named] + [n for n in named if n not in PREFERRED_ENDPOINTS]
    reasons = []
    editing = []
    for name in order:
        binding = bind(named[name], defaults)
        reason = _unusable(binding, images)
        if reason is None:
            return binding
        reasons.append(f"/{name} {reason}")
        if _unusable(binding, True) is None:
            editing.append(binding)
    if editing:
        slot = editing[0].slot("image")
        raise InvalidRequestError(
            f"{provider} edits images: /{editing[0].api_name} needs an input image in "
            f"'{slot.spec.name if slot else '?'}'. Pass one with {advice('image=', '--image')} (a file's path, "
            "bytes, a URL...), or pick a text-to-image space.",
            provider=provider,
        )
    task = "editing an image" if images else "text-to-image"
    raise InvalidRequestError(
        f"{provider} has no endpoint hfimage can drive for {task}: {listing(reasons, separator='; ', limit=6)}. "
        + advice(
            "Pick another space, or name an endpoint and fix the missing inputs with defaults=.",
            "Pick another space.",
        ),
        provider=provider,
    )


def _unusable(binding: Binding, images: bool | None) -> str | None:
    if binding.slot("prompt") is None:
        return "has no text input for the prompt"
    if binding.problems:
        return "; ".join(binding.problems)
    if images and binding.slot("image") is None:
        return "takes no input image"
    image = binding.slot("image")
    if images is False and image is not None and binding.needs_image:
        return f"needs an input image in '{image.spec.name}' ({advice('image=', '--image')})"
    return None


def _check_usable(binding: Binding, provider: str, images: bool | None) -> None:
    reason = _unusable(binding, images)
    if reason is not None:
        raise InvalidRequestError(
            f"{provider}: /{binding.api_name} {reason}, so hfimage cannot call it "
            f"{'with' if images else 'without'} an image. Its inputs: {listed_inputs(binding.endpoint)}.",
            provider=provider,
        )


def listed_inputs(endpoint: Endpoint) -> str:
    return listing(f"{spec.name or spec.label or '?'} ({spec.component})" for spec in endpoint.visible_inputs)
