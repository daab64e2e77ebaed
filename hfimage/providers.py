"""The services hfimage can generate with: data (URL, models, defaults) plus a mapping to their inputs.

Each class works as is, against the public service; an instance can be pointed at a copy
of the same app, e.g. a duplicated or private space or a local run::

    BlackForestLabs_Flux1Schnell(url="http://127.0.0.1:7860")
"""

from __future__ import annotations

import abc
import dataclasses
import logging
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ._core.catalog import KNOWN_SPACES, models_served_by
from ._core.request import GenerationRequest
from ._http.auth import Credential, check_token
from ._http.transport import Channel
from ._http.urls import origin, url_problem
from ._protocols.gradio.binding import Binding, Filled, choose, fill
from ._protocols.gradio.call import call
from ._protocols.gradio.directory import SpaceDirectory
from ._protocols.gradio.queue import join, listen, offers_queue
from ._protocols.gradio.space import Endpoint, InputSpec, SpaceInfo
from ._protocols.hub import Hub, SpaceRecord, check_usable, is_space_id, space_host
from ._protocols.imagelabs import run_task
from ._protocols.output import Output
from ._protocols.poll import PollSchedule
from .errors import (
    ConnectionError,
    HFImageError,
    InvalidRequestError,
    ProtocolError,
    ServiceUnavailableError,
    TimeoutError,
)
from .results import Event

log = logging.getLogger("hfimage")

PROTOCOLS = ("auto", "queue", "call")
"""How to reach a Gradio app: its queue route (live progress, real error text), its call route, or
``auto``: the queue route where the app offers it, else the call route."""


@dataclass(frozen=True)
class RunContext:
    """What a provider's run needs from the client: the channel, what is known of spaces and of the
    Hub, the protocol."""

    channel: Channel
    spaces: SpaceDirectory
    hub: Hub
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
    request: GenerationRequest | None = None
    """The request itself, for providers that map it onto the app's inputs only when they run."""

    @property
    def values(self) -> list[Any]:
        return [value for _, value in self.inputs]


class Provider(abc.ABC):
    """A service that turns a prompt into an image."""

    label: ClassVar[str]
    default_url: ClassVar[str]
    accepts: frozenset[str] | None = None
    """The optional parameters of ``generate()`` it takes; None when only the app can say."""

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

    @property
    def models(self) -> tuple[str, ...]:
        """Canonical names of the models it serves; the first is its default."""
        return models_served_by(self.name)

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
        """Refuse parameters this provider does not take (where that is known before asking the app)."""
        if self.accepts is None:
            return
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


class Space(Provider):
    """Any Gradio text-to-image space, by its id (``owner/name``) or by URL.

    ``endpoint`` names the API endpoint when hfimage's choice is wrong; ``defaults`` sets the
    app's inputs by their own names (``{"shift": 3}``); ``token`` is this space's Hugging Face
    token. hfimage reads the app's description on first use and maps its parameters onto the
    app's inputs by name; ``hfimage.inspect()`` shows the mapping.
    """

    label: ClassVar[str] = "Gradio space"
    default_url: ClassVar[str] = ""
    home_space: ClassVar[str | None] = None
    """The space a built-in provider drives."""
    default_endpoint: ClassVar[str | None] = None
    signature: ClassVar[tuple[str, ...] | None] = None
    """A built-in provider's input names, in order: when the app's config agrees, ``/info`` is not read."""
    default_settings: ClassVar[Mapping[str, Any]] = MappingProxyType({})
    """hfimage parameters (``steps``, ``width``...) used where the caller gives none."""
    size_multiple: ClassVar[int] = 1
    """Widths and heights are floored to a multiple of this..."""
    smallest_side: ClassVar[int] = 1
    """... and raised to at least this."""

    def __init__(
        self,
        space: str | None = None,
        *,
        url: str | None = None,
        endpoint: str | None = None,
        token: str | None = None,
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        given = _space_argument(space, url)
        if given is not None and is_space_id(given):
            space_id, where, pinned = given, space_host(given), False
        elif given is not None:
            space_id, where, pinned = None, given, True
        elif self.home_space is not None:
            space_id, where, pinned = self.home_space, self.default_url, True
        else:
            raise InvalidRequestError("Space() needs a space id ('owner/name') or the URL of a Gradio app.")
        super().__init__(where, token=token)
        self.space_id: str | None = space_id
        self._pinned = pinned
        """True when the app's URL is fixed: given, or a built-in provider's; else found from the id."""
        self._own_url = given is not None and space_id is None
        self.endpoint = _endpoint_argument(endpoint) or self.default_endpoint
        self.defaults = _defaults_argument(defaults)
        known = KNOWN_SPACES.get(space_id or "")
        self.settings: Mapping[str, Any] = {**(known.settings if known else {}), **self.default_settings}
        self.sizes: Mapping[str, tuple[int, int]] = known.sizes if known else {}
        if self.accepts is None and known is not None:
            self.accepts = known.takes

    @property
    def name(self) -> str:
        if type(self) is Space:
            return self.space_id or self.url
        return type(self).__name__

    @property
    def models(self) -> tuple[str, ...]:
        served = models_served_by(type(self).__name__) or models_served_by(self.space_id or "")
        return served or (self.space_id or self.url,)

    def credential(self, client_token: str | None) -> Credential | None:
        """An instance's token also reaches the URL it was given; otherwise tokens reach Hugging Face hosts only."""
        if self._token is not None:
            return Credential(self._token, own_origin=origin(self.url) if self._own_url else None)
        if client_token is not None:
            return Credential(client_token)
        return None

    def prepare(self, request: GenerationRequest) -> Job:
        self.check(request)
        width, height = request.size(default=(self.settings.get("width", 1024), self.settings.get("height", 1024)))
        return Job((), width, height, request.seed, request=request)

    def run(self, job: Job, context: RunContext) -> Iterator[Output | Event]:
        if job.request is None:
            raise InvalidRequestError(f"{self.name}: this job was not prepared by this provider.")
        root, space = self._describe(context)
        if self._signed(space) is None:
            space = context.spaces.get(context.channel, root, named=True)
        binding, filled = self.inputs_for(space, job.request)
        try:
            for item in self._route(binding.endpoint, filled.values, context, space):
                if isinstance(item, Output):
                    seed = item.seed if item.seed is not None else filled.seed
                    item = dataclasses.replace(item, seed=seed, width=filled.width, height=filled.height)  # noqa: PLW2901
                yield item
        except ProtocolError:
            context.spaces.forget(root)  # the app may have moved to another Gradio layout
            raise

    def inputs_for(self, space: SpaceInfo, request: GenerationRequest) -> tuple[Binding, Filled]:
        """The endpoint to call and the values to send it for ``request``; sends nothing.

        Raises InvalidRequestError when the app has no endpoint hfimage can drive, no input for a
        parameter given, or limits or choices the request breaks.
        """
        binding = choose(self._signed(space) or space, self.name, self.endpoint, self.defaults)
        filled = fill(binding, request, self.name, fixed=self.defaults, settings=self.settings, sizes=self.sizes,
                      size_multiple=self.size_multiple, smallest_side=self.smallest_side)  # fmt: skip
        return binding, filled

    def describe(self, context: RunContext) -> tuple[SpaceInfo, Binding]:
        """The app's description and the endpoint hfimage would call, as ``inspect()`` shows them."""
        _, space = self._describe(context, named=True)
        return space, choose(space, self.name, self.endpoint, self.defaults)

    def _signed(self, space: SpaceInfo) -> SpaceInfo | None:
        """``space`` with its inputs named: by the app, or by this provider's signature when the app's
        config agrees with it; None when only the app's ``/info`` can name them."""
        if space.named or self.signature is None:
            return space if space.named else None
        endpoint = space.endpoints.get(self.endpoint or "")
        if endpoint is None and not space.endpoints:  # no config: trust the signature
            unknown = tuple(InputSpec("unknown") for _ in self.signature)
            endpoint = Endpoint(self.endpoint or "", -1, unknown, queued=False)
        if endpoint is None or len(endpoint.visible_inputs) != len(self.signature):
            return None
        names = iter(self.signature)
        inputs = tuple(spec if spec.hidden else dataclasses.replace(spec, name=next(names)) for spec in endpoint.inputs)
        return dataclasses.replace(space, endpoints={endpoint.api_name: dataclasses.replace(endpoint, inputs=inputs)})

    def _describe(self, context: RunContext, *, named: bool | None = None) -> tuple[str, SpaceInfo]:
        """Where the app is and what it is; a space that does not answer as a Gradio app is explained
        by its Hub record (not found, not Gradio, paused...), and found again where the Hub says it is."""
        want_names = self.signature is None if named is None else named
        root = self.url if self._pinned or context.hub.is_default or self.space_id is None else None
        try:
            if root is None:
                root = self._hub_root(context)
            return root, context.spaces.get(context.channel, root, named=want_names)
        except (ProtocolError, ServiceUnavailableError, ConnectionError) as failure:
            if self.space_id is None or root is None:
                raise
            record = self._explain(context, failure)
            if record.host is None or record.host == root:
                raise
            log.info("%s: the Hub says it runs at %s", self.name, record.host)
            return record.host, context.spaces.get(context.channel, record.host, named=want_names)

    def _explain(self, context: RunContext, failure: HFImageError) -> SpaceRecord:
        """The space's Hub record, raising the typed error it implies; ``failure`` when the Hub cannot say."""
        try:
            record = context.hub.record(context.channel, str(self.space_id))
        except (ProtocolError, ServiceUnavailableError, ConnectionError, TimeoutError):
            raise failure from None
        check_usable(record)
        return record

    def _hub_root(self, context: RunContext) -> str:
        record = context.hub.record(context.channel, str(self.space_id))
        check_usable(record)
        if record.host is None:
            raise ProtocolError(f"The Hub gave no host for {self.space_id!r}.", provider=self.name)
        return record.host

    def _route(
        self, endpoint: Endpoint, values: Sequence[Any], context: RunContext, space: SpaceInfo
    ) -> Iterator[Output | Event]:
        if context.protocol == "call" or (context.protocol == "auto" and not offers_queue(space, endpoint)):
            yield from call(context.channel, space, endpoint.api_name, values)
            return
        if endpoint.fn_index < 0:
            raise ProtocolError(
                f"{self.name}: the queue route needs the app's config, and {space.root} gave none. "
                "Use protocol='call'.",
                provider=self.name,
            )
        try:
            session, event_id = join(context.channel, space, endpoint, values)
        except ProtocolError:
            if context.protocol == "queue":
                raise
            log.info("%s: the queue route refused the job; using the call route", self.name)
            yield from call(context.channel, space, endpoint.api_name, values)
            return
        yield from listen(context.channel, space, session, event_id)

    def __repr__(self) -> str:
        if type(self) is Space:
            return f"Space({self.space_id or self.url!r})"
        return super().__repr__()


GradioSpace = Space
"""The name hfimage 0.x gave the Gradio provider base."""


class StabilityAI_SD35Large(Space):
    """Stable Diffusion 3.5 Large on its official space."""

    label = "StabilityAI SD-3.5-Large"
    default_url = "https://stabilityai-stable-diffusion-3-5-large.hf.space"
    home_space = "stabilityai/stable-diffusion-3.5-large"
    default_endpoint = "infer"
    signature = (
        "prompt",
        "negative_prompt",
        "seed",
        "randomize_seed",
        "width",
        "height",
        "guidance_scale",
        "num_inference_steps",
    )
    accepts = frozenset({"negative_prompt", "width", "height", "aspect_ratio", "steps", "guidance_scale", "seed"})
    default_settings = MappingProxyType({"width": 1024, "height": 1024, "guidance_scale": 4.5, "steps": 50})


class _Flux1Schnell(Space):
    """FLUX.1 [schnell]: sizes are floored to a multiple of 8, at least 32."""

    default_endpoint = "infer"
    signature = ("prompt", "seed", "randomize_seed", "width", "height", "num_inference_steps")
    accepts = frozenset({"width", "height", "aspect_ratio", "steps", "seed"})
    default_settings = MappingProxyType({"width": 768, "height": 768, "steps": 2})
    size_multiple = 8
    smallest_side = 32


class BlackForestLabs_Flux1Schnell(_Flux1Schnell):
    """FLUX.1 [schnell] on Black Forest Labs' official space."""

    label = "BlackForestLabs Flux-1-Schnell"
    default_url = "https://black-forest-labs-flux-1-schnell.hf.space"
    home_space = "black-forest-labs/FLUX.1-schnell"


class Voodoohop_Flux1Schnell(_Flux1Schnell):
    """FLUX.1 [schnell] on voodoohop's space (silent since 2025: never the only choice for a model)."""

    label = "Voodoohop Flux-1-Schnell"
    default_url = "https://voodoohop-flux-1-schnell.hf.space"
    home_space = "voodoohop/FLUX.1-schnell"


class ImageLabs(Provider):
    """SDXL Turbo on ImageLabs' web API: start a task, then poll it until it is done.

    It never receives a Hugging Face token.
    """

    label = "ImageLabs"
    default_url = "https://editor.imagelabs.net"
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


def _space_argument(space: object, url: object) -> str | None:
    if space is not None and url is not None:
        raise InvalidRequestError("Give a space id or URL once: as the first argument, or as url=, not both.")
    given = space if space is not None else url
    if given is not None and not isinstance(given, str):
        raise InvalidRequestError(f"A space is a string, its id or URL; got {type(given).__name__}.")
    if given is not None and not is_space_id(given.strip()) and "://" not in given:
        raise InvalidRequestError(
            "A space is named by its id, 'owner/name' (e.g. 'Tongyi-MAI/Z-Image-Turbo'), or by the URL of its "
            f"app (e.g. 'https://tongyi-mai-z-image-turbo.hf.space' or 'http://127.0.0.1:7860'); got {given!r}."
        )
    return given.strip() if given is not None else None


def _endpoint_argument(endpoint: object) -> str | None:
    if endpoint is None:
        return None
    if not isinstance(endpoint, str) or not endpoint.strip("/ "):
        raise InvalidRequestError(f"endpoint= is an API endpoint's name, such as '/infer'; got {endpoint!r}.")
    return endpoint.strip().strip("/")


def _defaults_argument(defaults: object) -> dict[str, Any]:
    if defaults is None:
        return {}
    if not isinstance(defaults, Mapping) or not all(isinstance(name, str) for name in defaults):
        raise InvalidRequestError(
            f"defaults= maps the app's input names to values, e.g. {{'shift': 3}}; got {type(defaults).__name__}."
        )
    return dict(defaults)


PROVIDERS: dict[str, type[Provider]] = {
    cls.__name__: cls
    for cls in (BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell, StabilityAI_SD35Large, ImageLabs)
}


def provider_for(item: object) -> Provider:
    """A provider from an instance, a built-in provider's name, or a space id or URL."""
    if isinstance(item, Provider):
        return item
    if isinstance(item, str) and item in PROVIDERS:
        return PROVIDERS[item]()
    if isinstance(item, str) and ("/" in item or item.startswith(("http://", "https://"))):
        return Space(item)
    raise InvalidRequestError(
        f"Unknown provider {item!r}. Known providers: {', '.join(PROVIDERS)}; or a space id such as "
        "'Tongyi-MAI/Z-Image-Turbo', a space's URL, or a provider instance such as Space(...)."
    )


__all__ = [
    "PROVIDERS",
    "BlackForestLabs_Flux1Schnell",
    "GradioSpace",
    "ImageLabs",
    "Job",
    "Provider",
    "Space",
    "StabilityAI_SD35Large",
    "Voodoohop_Flux1Schnell",
    "provider_for",
]
