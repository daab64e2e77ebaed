"""Any Gradio text-to-image space, driven through its app's own description of its inputs."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar
from urllib.parse import urlsplit

from .._core.catalog import KNOWN_SPACES, models_served_by
from .._core.request import GenerationRequest
from .._http.auth import Credential
from .._http.urls import origin
from .._protocols.gradio.binding import Binding, Filled, choose, fill
from .._protocols.gradio.call import call
from .._protocols.gradio.queue import join, listen, offers_queue
from .._protocols.gradio.space import Endpoint, InputSpec, SpaceInfo, endpoint_name_problem
from .._protocols.hub import SpaceRecord, check_usable, is_space_id, space_host
from .._protocols.output import Output
from ..errors import (
    ConnectionError,
    HFImageError,
    InvalidRequestError,
    ProtocolError,
    ProviderError,
    QuotaExceededError,
    ReplicaMismatchError,
    ServiceUnavailableError,
    SpaceNotRunningError,
    TimeoutError,
    without_secrets,
)
from ..results import Event, Notice
from .base import Job, Provider, RunContext

log = logging.getLogger("hfimage")

WAKING_STAGES = frozenset({"SLEEPING", "APP_STARTING"})
"""Stages a space leaves by itself: hfimage waits for it (within the deadline) instead of failing."""
WAKE_POLL_SECONDS = 5.0
"""How often a waking space is asked whether it answers yet."""


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
        if self.zerogpu is None and known is not None:
            self.zerogpu = known.zerogpu
        self._bound: tuple[SpaceInfo, Binding] | None = None

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
        try:
            root, space, remembered = self._describe(context)
        except SpaceNotRunningError as asleep:
            if asleep.stage not in WAKING_STAGES:
                raise
            yield Notice(self.name, f"waking the space up (the Hub says {asleep.stage}); this takes a minute or two",
                         "info")  # fmt: skip
            root, space, remembered = self._wake(context)
        if not (self._bound is not None and self._bound[0] is space) and self._signed(space) is None:
            space = context.spaces.get(context.channel, root, named=True)
        try:
            binding, filled = self.inputs_for(space, job.request)
        except InvalidRequestError:
            if not remembered:
                raise
            # refused on what was read earlier: the app may take it now, so read it again before refusing
            context.spaces.forget(root)
            space, remembered = self._read_again(context, root) or space, False
            binding, filled = self.inputs_for(space, job.request)
        pictures = 0
        try:
            for item in self._sized(self._route(binding.endpoint, filled.values, context, space), filled):
                pictures += isinstance(item, Output)
                yield item
        except (ProtocolError, ProviderError, ServiceUnavailableError) as failure:
            if pictures or isinstance(failure, QuotaExceededError):
                raise
            if _not_an_app(failure) and self.space_id is not None:
                self._explain(context, failure)  # raises what the Hub says: paused, stopped, failed...
            if isinstance(failure, ServiceUnavailableError):
                raise
            context.spaces.forget(root)  # the app may have changed: the next call reads it again
            if not remembered:
                raise
            yield from self._run_changed(job.request, context, root, space, binding, failure)

    def _run_changed(
        self,
        request: GenerationRequest,
        context: RunContext,
        root: str,
        before: SpaceInfo,
        binding: Binding,
        failure: HFImageError,
    ) -> Iterator[Output | Event]:
        """Once a job fails on a description read earlier, read the app again: if its inputs changed,
        map the request onto the new ones and send it once more; else the failure stands."""
        now = self._read_again(context, root)
        if now is None:
            raise failure  # the app cannot be read now either: what happened to the job stands
        was = (self._signed(before) or before).endpoints.get(binding.api_name)
        current = (self._signed(now) or now).endpoints.get(binding.api_name)
        if was is not None and current is not None and current.inputs == was.inputs:
            raise failure
        log.info("%s: the app's inputs changed; sending the job again with the new ones", self.name)
        try:
            changed, filled = self.inputs_for(now, request)
        except InvalidRequestError as refused:
            raise InvalidRequestError(
                f"{self.name} changed since hfimage read it: {refused} "
                "Check the space with hfimage inspect, and adapt the call.",
                provider=self.name,
            ) from failure
        yield from self._sized(self._route(changed.endpoint, filled.values, context, now), filled)

    def _read_again(self, context: RunContext, root: str) -> SpaceInfo | None:
        try:
            now = context.spaces.get(context.channel, root, named=self.signature is None)
            return now if self._signed(now) is not None else context.spaces.get(context.channel, root, named=True)
        except HFImageError:
            return None

    def _sized(self, items: Iterator[Output | Event], filled: Filled) -> Iterator[Output | Event]:
        """The run's events, each image with the size the request amounts to and the seed sent when the app
        reports none."""
        for item in items:
            if isinstance(item, Output):
                seed = item.seed if item.seed is not None else filled.seed
                item = dataclasses.replace(item, seed=seed, width=filled.width, height=filled.height)  # noqa: PLW2901
            yield item

    def inputs_for(self, space: SpaceInfo, request: GenerationRequest) -> tuple[Binding, Filled]:
        """The endpoint to call and the values to send it for ``request``; sends nothing.

        Raises InvalidRequestError when the app has no endpoint hfimage can drive, no input for a
        parameter given, or limits or choices the request breaks.
        """
        binding = self._binding(space)
        filled = fill(binding, request, self.name, fixed=self.defaults, settings=self.settings, sizes=self.sizes,
                      size_multiple=self.size_multiple, smallest_side=self.smallest_side)  # fmt: skip
        return binding, filled

    def _binding(self, space: SpaceInfo) -> Binding:
        """The endpoint chosen for ``space``, kept while the client keeps that description (calls share it)."""
        known = self._bound
        if known is not None and known[0] is space:
            return known[1]
        binding = choose(self._signed(space) or space, self.name, self.endpoint, self.defaults)
        self._bound = (space, binding)
        return binding

    def describe(self, context: RunContext) -> tuple[SpaceInfo, Binding]:
        """The app's description and the endpoint hfimage would call, as ``inspect()`` shows them: read
        now, not from what earlier calls (or the disk cache) kept."""
        _, space, _ = self._describe(context, named=True, fresh=True)
        return space, choose(space, self.name, self.endpoint, self.defaults)

    def on_zerogpu(self, context: RunContext) -> bool:
        """Whether the Hub's record says the space runs on ZeroGPU; False when there is no id or the Hub
        cannot say."""
        if self.space_id is None:
            return False
        try:
            record = context.hub.record(context.channel, self.space_id)
        except HFImageError:
            return False
        return (record.hardware or "").startswith("zero")

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

    def _describe(
        self, context: RunContext, *, named: bool | None = None, fresh: bool = False
    ) -> tuple[str, SpaceInfo, bool]:
        """Where the app is, what it is, and whether that was known before this call.

        A space that does not answer as a Gradio app is explained by its Hub record (not found,
        not Gradio, paused...), and found again where the Hub says it is.
        """
        want_names = self.signature is None if named is None else named
        root = None if self._uses_hub(context) else self.url
        try:
            if root is None:
                root = self._hub_root(context, fresh=fresh)
            known = context.spaces.knows(root)
            return root, context.spaces.get(context.channel, root, named=want_names, fresh=fresh), known
        except (ProtocolError, ServiceUnavailableError, ConnectionError) as failure:
            if self.space_id is None or root is None:
                raise
            record = self._explain(context, failure)
            if record.host is None or record.host == root:
                raise
            log.info("%s: the Hub says it runs at %s", self.name, record.host)
            return record.host, context.spaces.get(context.channel, record.host, named=want_names, fresh=fresh), False

    def _wake(self, context: RunContext) -> tuple[str, SpaceInfo, bool]:
        """Ask the app again every few seconds until it answers as a Gradio app, within the call's deadline."""
        channel = context.channel
        while True:
            channel.deadline.check("waiting for the space to wake up", self.name)
            channel.sleep(min(WAKE_POLL_SECONDS, channel.deadline.remaining()))
            try:
                root = self._hub_root(context) if self._uses_hub(context) else self.url
                return root, context.spaces.get(channel, root, named=self.signature is None), False
            except (ProtocolError, ServiceUnavailableError, ConnectionError):
                continue  # still starting: the proxy's page, a 5xx, or nothing listening yet

    def _explain(self, context: RunContext, failure: HFImageError) -> SpaceRecord:
        """The space's Hub record, raising the typed error it implies; ``failure`` when the Hub cannot say."""
        try:
            record = context.hub.record(context.channel, str(self.space_id), fresh=True)
        except TimeoutError:
            if context.channel.deadline.expired:
                raise  # the call's time ran out while the Hub was asked: that is what ended it
            raise failure from None
        except (ProtocolError, ServiceUnavailableError, ConnectionError):
            raise failure from None
        check_usable(record)
        return record

    def _uses_hub(self, context: RunContext) -> bool:
        """Whether the app's address comes from the Hub: an id, on a Hub other than huggingface.co."""
        return not (self._pinned or context.hub.is_default or self.space_id is None)

    def _hub_root(self, context: RunContext, *, fresh: bool = False) -> str:
        """The host the Hub gives; a space it calls asleep or starting is tried anyway (it may be up by now)."""
        record = context.hub.record(context.channel, str(self.space_id), fresh=fresh)
        if record.stage not in WAKING_STAGES:
            check_usable(record)
        if record.host is None:
            raise ProtocolError(f"The Hub gave no host for {self.space_id!r}.", provider=self.name)
        return record.host

    def _route(
        self, endpoint: Endpoint, values: Sequence[Any], context: RunContext, space: SpaceInfo
    ) -> Iterator[Output | Event]:
        """Run the job; when a replica that does not hold it answers, once more on a fresh session."""
        pictures = 0
        try:
            for item in self._route_once(endpoint, values, context, space):
                pictures += isinstance(item, Output)
                yield item
        except ReplicaMismatchError:
            if pictures:
                raise
            log.info("%s: the job was lost between replicas; sending it again on a fresh session", self.name)
            context.channel.transport.forget_cookies(space.root)
            context.channel.replica.clear()
            yield from self._route_once(endpoint, values, context, space)

    def _route_once(
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


def _not_an_app(failure: HFImageError) -> bool:
    """Whether an answer came from something other than a running Gradio app: the proxy's 404 or 5xx page."""
    return failure.status_code == 404 or (failure.status_code or 0) >= 500


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
