"""What hfimage would do with a space: the endpoint it calls, and what feeds each of the app's inputs.

``hfimage.inspect("owner/name")`` (and ``hfimage inspect`` on the command line) answers in one
request or two, without running a job: a user learns in seconds whether a space will work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ._core.request import GENERATION_PARAMETERS
from ._core.spelling import advice
from ._core.text import number
from ._protocols.gradio.app import App
from ._protocols.gradio.binding import IMAGE_COMPONENTS, Binding, Slot
from ._protocols.gradio.queue import offers_queue

FED_BY = {
    "prompt": "prompt",
    "negative_prompt": "negative_prompt",
    "seed": "seed",
    "randomize_seed": "seed (true when seed is None)",
    "width": "width",
    "height": "height",
    "steps": "steps",
    "guidance_scale": "guidance_scale",
    "size": "width/height/aspect_ratio (nearest choice)",
    "image": "image",
}
"""How each role is shown: the hfimage parameter that fills it."""


@dataclass(frozen=True)
class InputDescription:
    """One input of the endpoint: what the app declares, and what hfimage sends it.

    ``fed_by`` names the hfimage parameter that fills it, or is None when the input keeps the
    app's default (or the value given in ``defaults=``: ``fixed``); ``problem`` says why hfimage
    cannot fill it, if it cannot.
    """

    name: str | None
    component: str
    default: Any
    minimum: float | None
    maximum: float | None
    step: float | None
    choices: tuple[Any, ...] | None
    fed_by: str | None
    fixed: bool = False
    problem: str | None = None
    images: str | None = None
    """For the input ``image=`` feeds: how many images it takes ("one image", "several images")."""


@dataclass(frozen=True)
class SpaceDescription:
    """What hfimage knows of a space and would do with it.

    ``endpoint`` is the API endpoint hfimage calls (``/infer``), ``route`` how (``queue`` or
    ``call``); ``takes`` and ``cannot_take`` split ``generate()``'s parameters; ``outputs``
    lists the endpoint's output components; ``endpoints`` every named endpoint of the app.
    ``edits`` is True for an image-editing app: its endpoint needs an input image (``image=``).
    """

    space: str
    url: str
    gradio_version: str | None
    endpoint: str
    route: str
    inputs: tuple[InputDescription, ...]
    takes: tuple[str, ...]
    cannot_take: tuple[str, ...]
    outputs: tuple[str, ...]
    endpoints: tuple[str, ...]
    edits: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The description as plain JSON-ready values."""
        return asdict(self)

    def __str__(self) -> str:
        version = f", Gradio {self.gradio_version}" if self.gradio_version else ""
        where = f" ({self.url}{version})" if self.url != self.space else f" (Gradio {self.gradio_version})"
        lines = [
            self.space + (where if self.gradio_version or self.url != self.space else ""),
            f"endpoint {self.endpoint}, by the {self.route} route" + _others(self),
            *_task(self),
            "",
        ]
        rows = [("INPUT", "TYPE", "DEFAULT", "LIMITS OR CHOICES", "SENT")]
        rows += [
            (spec.name or "?", spec.component, _short(spec.default), _limits(spec), _sent(spec)) for spec in self.inputs
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        lines += [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        lines += [
            "",
            f"takes: {', '.join(self.takes) or 'only the prompt'}",
            f"cannot take: {', '.join(self.cannot_take) or 'nothing: every parameter works'}",
            f"outputs: {', '.join(self.outputs) or 'unknown'}",
        ]
        return "\n".join(lines)


def description_of(name: str, space: App, binding: Binding, defaults: frozenset[str]) -> SpaceDescription:
    """The description of ``binding``'s endpoint on ``space``, as ``inspect()`` returns it."""
    takes = binding.takes
    return SpaceDescription(
        space=name,
        url=space.root,
        gradio_version=space.version,
        endpoint="/" + binding.api_name,
        route="queue" if offers_queue(space, binding.endpoint) else "call",
        inputs=tuple(_input(slot, defaults) for slot in binding.slots if not slot.spec.hidden),
        takes=takes,
        cannot_take=tuple(name for name in GENERATION_PARAMETERS if name not in takes),
        outputs=binding.endpoint.outputs,
        endpoints=tuple("/" + name for name, found in space.endpoints.items() if any(s.name for s in found.inputs)),
        edits=binding.needs_image,
    )


def _input(slot: Slot, defaults: frozenset[str]) -> InputDescription:
    spec = slot.spec
    return InputDescription(
        name=spec.name,
        component=spec.component,
        default=spec.default,
        minimum=spec.minimum,
        maximum=spec.maximum,
        step=spec.step,
        choices=spec.choices,
        fed_by=FED_BY.get(slot.role or ""),
        fixed=spec.name in defaults,
        problem=slot.problem,
        images=_images(spec.component) if slot.role == "image" else None,
    )


def _images(component: str) -> str:
    return "one image" if IMAGE_COMPONENTS.get(component) == 1 else "several images"


def _task(description: SpaceDescription) -> list[str]:
    """What the app does with images, when it takes any."""
    image = next((spec for spec in description.inputs if spec.images is not None), None)
    if image is None:
        return []
    what = f"{image.name} takes {image.images}"
    option = advice("image=", "--image")
    if description.edits:
        return [f"an image-editing app: give the image to edit with {option} ({what})"]
    return [f"takes an input image too, with {option} ({what}); without one it makes an image from the prompt"]


def _others(description: SpaceDescription) -> str:
    others = [name for name in description.endpoints if name != description.endpoint]
    return f" (also offers {', '.join(others)})" if others else ""


def _short(value: Any, limit: int = 24) -> str:
    text = "-" if value is None else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _limits(spec: InputDescription) -> str:
    if spec.choices:
        shown = ", ".join(map(str, spec.choices[:3]))
        return f"{len(spec.choices)} choices: {shown}" + (", ..." if len(spec.choices) > 3 else "")
    if spec.minimum is None and spec.maximum is None:
        return "-"
    low = "-inf" if spec.minimum is None else number(spec.minimum)
    high = "inf" if spec.maximum is None else number(spec.maximum)
    return f"{low}..{high}" + (f" step {number(spec.step)}" if spec.step else "")


def _sent(spec: InputDescription) -> str:
    if spec.problem:
        return f"CANNOT FILL: {spec.problem}"
    if spec.fixed:
        return "your defaults="
    return spec.fed_by or "the app's default"
