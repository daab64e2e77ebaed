"""Any Gradio image space: what the caller and the catalog say of it, mapped onto the Gradio runner."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from .._core.catalog import models_served_by
from .._core.request import GenerationRequest
from .._core.spaces import SPACES, SpaceEntry
from .._http.auth import Credential
from .._http.urls import origin
from .._protocols.gradio.app import App, endpoint_name_problem, named_by
from .._protocols.gradio.binding import Binding, choose
from .._protocols.gradio.filling import Filled, fill
from .._protocols.gradio.finding import Finder, Target
from .._protocols.gradio.runner import Runner
from .._protocols.hub import is_space_id, space_host
from .._protocols.output import Output
from .._secrets import without_secrets
from ..errors import InvalidRequestError
from ..results import Event
from .base import Job, Provider, RunContext


class Space(Provider):
    """Any Gradio text-to-image or image-editing space, by its id (``owner/name``) or by URL.

    ``endpoint`` names the API endpoint when hfimage's choice is wrong; ``defaults`` sets the
    app's inputs by their own names (``{"shift": 3}``); ``token`` is this space's Hugging Face
    token. hfimage reads the app's description on first use and maps its parameters onto the
    app's inputs by name; ``hfimage.inspect()`` shows the mapping.
    """

    label: ClassVar[str] = "Gradio space"
    default_url: ClassVar[str] = ""
    home_space: ClassVar[str | None] = None
    """The space a built-in provider drives: its catalog entry names the endpoint and its inputs, so
    that ``/info`` is read only when the app's config disagrees."""

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
        self._own_url = given is not None and space_id is None
        home = SPACES.get(self.home_space or "")
        """A built-in provider's own entry, wherever it is pointed: it names the endpoint and its inputs."""
        entry = home or SPACES.get(space_id or "")
        self.entry: SpaceEntry | None = entry
        """The catalog's entry for this space, if it has one."""
        self.endpoint = _endpoint_argument(endpoint) or (home.signature.api_name if home else None)
        self.defaults = _defaults_argument(defaults)
        if self.takes is None and entry is not None:
            self.takes = entry.takes
        if self.zerogpu is None and entry is not None:
            self.zerogpu = entry.zerogpu
        signature = home.signature.names if home else None
        self.target = Target(self.name, self.url, space_id, pinned, self.endpoint, signature)
        self._bound: dict[bool, tuple[App, Binding]] = {}

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
        settings = self.entry.settings if self.entry else {}
        width, height = request.size(default=(settings.get("width", 1024), settings.get("height", 1024)))
        return Job((), width, height, request.seed, request=request)

    def run(self, job: Job, context: RunContext) -> Iterator[Output | Event]:
        request = job.request
        if request is None:
            raise InvalidRequestError(f"{self.name}: this job was not prepared by this provider.")
        runner = Runner(self.target, context.channel, context.apps, context.hub, context.protocol)
        return runner.run(lambda app: self.inputs_for(app, request))

    def inputs_for(self, app: App, request: GenerationRequest) -> tuple[Binding, Filled]:
        """The endpoint to call and the values to send it for ``request``; sends nothing.

        Raises InvalidRequestError when the app has no endpoint hfimage can drive, no input for a
        parameter given, or limits or choices the request breaks.
        """
        binding = self._binding(app, bool(request.image))
        entry = self.entry
        filled = fill(binding, request, self.name, defaults=self.defaults, settings=entry.settings if entry else {},
                      sizes=entry.sizes if entry else {}, size_multiple=entry.size_multiple if entry else 1,
                      smallest_side=entry.smallest_side if entry else 1)  # fmt: skip
        return binding, filled

    def _binding(self, app: App, images: bool) -> Binding:
        """The endpoint chosen for ``app``, with or without images, kept while the client keeps that
        description (calls share it)."""
        known = self._bound.get(images)
        if known is not None and known[0] is app:
            return known[1]
        named = named_by(app, self.target.signature, self.endpoint) or app
        binding = choose(named, self.name, self.endpoint, self.defaults, images)
        self._bound[images] = (app, binding)
        return binding

    def inspect(self, context: RunContext) -> tuple[App, Binding]:
        """The app's description and the endpoint hfimage would call, as ``inspect()`` shows them: read
        now, not from what earlier calls (or the disk cache) kept."""
        app = Runner(self.target, context.channel, context.apps, context.hub, context.protocol).inspect()
        return app, choose(app, self.name, self.endpoint, self.defaults)

    def on_zerogpu(self, context: RunContext) -> bool:
        """Whether the Hub's record says the space runs on ZeroGPU; False when there is no id or the Hub
        cannot say."""
        return Finder(self.target, context.channel, context.apps, context.hub).on_zerogpu()

    def __repr__(self) -> str:
        if type(self) is Space:
            return f"Space({self.space_id or self.url!r})"
        return super().__repr__()


def _space_argument(space: object, url: object) -> str | None:
    if space is not None and url is not None:
        raise InvalidRequestError("Give a space id or URL once: as the first argument, or as url=, not both.")
    given = space if space is not None else url
    if given is not None and not isinstance(given, str):
        raise InvalidRequestError(f"A space is a string, its id or URL; got {type(given).__name__}.")
    if given is not None and "@" in urlsplit(given.strip()).netloc:
        raise InvalidRequestError(
            "A space's URL cannot carry a user name or password (hfimage sends a Hugging Face token where one is "
            f"needed: token=); got {without_secrets(given)[:200]!r}."
        )
    if given is not None and not is_space_id(given.strip()) and "://" not in given:
        raise InvalidRequestError(
            "A space is named by its id, 'owner/name' (e.g. 'Tongyi-MAI/Z-Image-Turbo'), or by the URL of its "
            f"app (e.g. 'https://tongyi-mai-z-image-turbo.hf.space' or 'http://127.0.0.1:7860'); got {given!r}."
        )
    return given.strip() if given is not None else None


def _endpoint_argument(endpoint: object) -> str | None:
    if endpoint is None:
        return None
    name = endpoint.strip().removeprefix("/") if isinstance(endpoint, str) else None
    problem = endpoint_name_problem(name)
    if problem is not None:
        raise InvalidRequestError(
            f"endpoint= is an API endpoint's name, such as '/infer' ({problem}); got {str(endpoint)[:100]!r}."
        )
    return name


def _defaults_argument(defaults: object) -> dict[str, Any]:
    if defaults is None:
        return {}
    if not isinstance(defaults, Mapping) or not all(isinstance(name, str) for name in defaults):
        raise InvalidRequestError(
            f"defaults= maps the app's input names to values, e.g. {{'shift': 3}}; got {type(defaults).__name__}."
        )
    return dict(defaults)
