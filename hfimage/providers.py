"""The services hfimage can generate with: data (URL, models, defaults) plus a mapping to their inputs.

Each class works as is, against the public service; an instance can be pointed at a copy
of the same app, e.g. a duplicated or private space or a local run::

    BlackForestLabs_Flux1Schnell(url="http://127.0.0.1:7860")
"""

from __future__ import annotations

import abc
import logging
import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ._core.request import GenerationRequest
from ._http.auth import Credential, check_token
from ._http.transport import Channel
from ._http.urls import origin, url_problem
from ._protocols.gradio.call import call
from ._protocols.gradio.queue import join, listen, offers_queue
from ._protocols.gradio.space import SpaceDirectory, SpaceInfo, check_inputs
from ._protocols.imagelabs import run_task
from ._protocols.output import Output
from ._protocols.poll import PollSchedule
from .errors import InvalidRequestError, ProtocolError
from .results import Event

log = logging.getLogger("hfimage")

PROTOCOLS = ("auto", "queue", "call")
"""How to reach a Gradio app: its queue route (live progress, real error text), its call route, or
``auto``: the queue route where the app offers it, else the call route."""


@dataclass(frozen=True)
class RunContext:
    """What a provider's run needs from the client: the channel, what is known of spaces, the protocol."""

    channel: Channel
    spaces: SpaceDirectory
    protocol: str = "auto"


@dataclass(frozen=True)
class Job:
    """What one provider will be sent: its named inputs, the size they ask for, and the seed if fixed."""

    inputs: tuple[tuple[str, Any], ...]
    width: int
    height: int
    seed: int | None = None
    asked: Mapping[str, Any] = field(default_factory=dict)
    """What the caller asked for, by input name, where the provider sends something else (a floored size)."""

    @property
    def values(self) -> list[Any]:
        return [value for _, value in self.inputs]


class Provider(abc.ABC):
    """A service that turns a prompt into an image."""

    label: ClassVar[str]
    default_url: ClassVar[str]
    models: ClassVar[tuple[str, ...]]
    """Canonical names of the models it serves; the first is its default."""
    accepts: ClassVar[frozenset[str]]
    """The optional parameters of ``generate()`` it takes."""

    def __init__(self, url: str | None = None, *, token: str | None = None) -> None:
        if url is not None and not isinstance(url, str):
            raise InvalidRequestError(f"A provider URL must be a string; got {type(url).__name__}.")
        url = (url or self.default_url).rstrip("/")
        if url_problem(url) is not None or urlsplit(url).query or urlsplit(url).fragment:
            raise InvalidRequestError(
                f"A provider URL must be an http(s) URL with a host and no user info, query or fragment, "
                f"such as 'http://127.0.0.1:7860'; got {url!r}."
            )
        self.url = url
        self._token = check_token(token, "token=")

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def key(self) -> str:
        """Identifies this provider at this URL, e.g. for quota memory."""
        return f"{self.name} {self.url}"

    def credential(self, client_token: str | None) -> Credential | None:
        """The token this provider's requests may carry, and where.

        A token given to this instance also goes to its own origin (scheme, host and port); the
        client's token goes to Hugging Face hosts only.
        """
        if self._token is not None:
            return Credential(self._token, own_origin=origin(self.url))
        if client_token is not None:
            return Credential(client_token)
        return None

    def check(self, request: GenerationRequest) -> None:
        """Refuse parameters this provider does not take."""
        unsupported = [name for name in request.given() if name not in self.accepts]
        if unsupported:
            raise InvalidRequestError(
                f"{self.name} does not take {', '.join(unsupported)}; it takes "
                f"{', '.join(sorted(self.accepts))}. Leave the others out, or pick another model.",
                provider=self.name,
            )

    @abc.abstractmethod
    def prepare(self, request: GenerationRequest) -> Job:
        """The job for a request, or InvalidRequestError; sends nothing."""

    @abc.abstractmethod
    def run(self, job: Job, context: RunContext) -> Iterator[Output | Event]:
        """Run a prepared job: progress events and previews, then the final image, or a typed error."""

    def __repr__(self) -> str:
        return f"{self.name}(url={self.url!r})"


class GradioSpace(Provider):
    """A Hugging Face Space (or a copy of it) whose Gradio app has an ``infer`` endpoint."""

    api_name: ClassVar[str] = "infer"

    def run(self, job: Job, context: RunContext) -> Iterator[Output | Event]:
        channel, spaces = context.channel, context.spaces
        space = spaces.get(channel, self.url)
        check_inputs(space, self.api_name, job.inputs, self.name, asked=job.asked)
        try:
            yield from self._route(job, context, space)
        except ProtocolError:
            spaces.forget(self.url)  # the app may have moved to another Gradio layout
            raise

    def _route(self, job: Job, context: RunContext, space: SpaceInfo) -> Iterator[Output | Event]:
        endpoint = space.endpoints.get(self.api_name)
        if context.protocol == "call" or (context.protocol == "auto" and not offers_queue(space, endpoint)):
            yield from call(context.channel, space, self.api_name, job.values)
            return
        if endpoint is None:
            raise ProtocolError(
                f"{self.name}: the queue route needs the app's config, and {space.root} gave none. "
                "Use protocol='call'.",
                provider=self.name,
            )
        try:
            session, event_id = join(context.channel, space, endpoint, job.values)
        except ProtocolError:
            if context.protocol == "queue":
                raise
            log.info("%s: the queue route refused the job; using the call route", self.name)
            yield from call(context.channel, space, self.api_name, job.values)
            return
        yield from listen(context.channel, space, session, event_id)


class StabilityAI_SD35Large(GradioSpace):
    """Stable Diffusion 3.5 Large on its official space."""

    label = "StabilityAI SD-3.5-Large"
    default_url = "https://stabilityai-stable-diffusion-3-5-large.hf.space"
    models = ("sd-3.5",)
    accepts = frozenset({"negative_prompt", "width", "height", "aspect_ratio", "steps", "guidance_scale", "seed"})
    default_guidance_scale = 4.5
    default_steps = 50

    def prepare(self, request: GenerationRequest) -> Job:
        self.check(request)
        width, height = request.size(default=(1024, 1024))
        inputs = (
            ("prompt", request.prompt),
            ("negative_prompt", request.negative_prompt or ""),
            ("seed", request.seed or 0),
            ("randomize_seed", request.seed is None),
            ("width", width),
            ("height", height),
            ("guidance_scale", _default(request.guidance_scale, self.default_guidance_scale)),
            ("steps", request.steps or self.default_steps),
        )
        return Job(inputs, width, height, request.seed)


class _Flux1Schnell(GradioSpace):
    """FLUX.1 [schnell]: sizes are floored to a multiple of 8, at least 32."""

    accepts = frozenset({"width", "height", "aspect_ratio", "steps", "seed"})
    default_size = (768, 768)
    default_steps = 2

    def prepare(self, request: GenerationRequest) -> Job:
        self.check(request)
        asked_width, asked_height = request.size(default=self.default_size)
        width, height = (max(32, side // 8 * 8) for side in (asked_width, asked_height))
        inputs = (
            ("prompt", request.prompt),
            ("seed", request.seed or 0),
            ("randomize_seed", request.seed is None),
            ("width", width),
            ("height", height),
            ("steps", request.steps or self.default_steps),
        )
        asked = {name: value for name, value, sent in (("width", asked_width, width), ("height", asked_height, height))
                 if value != sent}  # fmt: skip
        return Job(inputs, width, height, request.seed, asked)


class BlackForestLabs_Flux1Schnell(_Flux1Schnell):
    """FLUX.1 [schnell] on Black Forest Labs' official space."""

    label = "BlackForestLabs Flux-1-Schnell"
    default_url = "https://black-forest-labs-flux-1-schnell.hf.space"
    models = ("flux", "black-forest-labs-flux-1-schnell")


class Voodoohop_Flux1Schnell(_Flux1Schnell):
    """FLUX.1 [schnell] on voodoohop's space."""

    label = "Voodoohop Flux-1-Schnell"
    default_url = "https://voodoohop-flux-1-schnell.hf.space"
    models = ("flux", "voodoohop-flux-1-schnell")


class ImageLabs(Provider):
    """SDXL Turbo on ImageLabs' web API: start a task, then poll it until it is done.

    It never receives a Hugging Face token.
    """

    label = "ImageLabs"
    default_url = "https://editor.imagelabs.net"
    models = ("sdxl-turbo",)
    accepts = frozenset({"negative_prompt", "width", "height", "aspect_ratio", "seed"})
    default_size = (1152, 896)
    max_seed = 2**32 - 1
    schedule = PollSchedule()

    def __init__(self, url: str | None = None) -> None:
        super().__init__(url)

    def credential(self, client_token: str | None) -> Credential | None:
        return None

    def prepare(self, request: GenerationRequest) -> Job:
        self.check(request)
        width, height = request.size(default=self.default_size)
        seed = random.randint(0, self.max_seed) if request.seed is None else request.seed  # noqa: S311
        body = (
            ("prompt", request.prompt),
            ("seed", str(seed)),
            ("subseed", str(int(time.time() * 1000))),
            ("attention", 0),
            ("tiling", False),
            ("negative_prompt", request.negative_prompt or ""),
            ("reference_image", ""),
            ("reference_image_type", None),
            ("reference_strength", 30),
            ("width", width),
            ("height", height),
        )
        return Job(body, width, height, seed)

    def run(self, job: Job, context: RunContext) -> Iterator[Output | Event]:
        return run_task(context.channel, self.url, dict(job.inputs), seed=job.seed, schedule=self.schedule)


def _default(value: float | None, default: float) -> float:
    return default if value is None else value


PROVIDERS: dict[str, type[Provider]] = {
    cls.__name__: cls
    for cls in (BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell, StabilityAI_SD35Large, ImageLabs)
}

__all__ = [
    "PROVIDERS",
    "BlackForestLabs_Flux1Schnell",
    "GradioSpace",
    "ImageLabs",
    "Job",
    "Provider",
    "StabilityAI_SD35Large",
    "Voodoohop_Flux1Schnell",
]
