"""Running one job on a Gradio app: find it (waking it if need be), map the request onto its inputs,
pick the route, and read the app again when it changed under a job.

A provider hands the runner its ``Target`` and a ``bind`` function that maps the request onto an
app's endpoint; everything else about Gradio (routes, replicas, the Hub, waking) happens here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..._http.channel import Channel
from ...errors import (
    HFImageError,
    InvalidRequestError,
    ProtocolError,
    ProviderError,
    QuotaExceededError,
    ServiceUnavailableError,
    SpaceNotRunningError,
)
from ...results import Event, Notice
from ..hub import Hub
from ..output import Output, sized
from .app import App, Endpoint, named_by
from .binding import Binding
from .call import call
from .directory import AppDirectory
from .filling import Filled
from .finding import WAKING_STAGES, Finder, Found, Target
from .queue import join, listen, offers_queue
from .replica import Replica, on_one_replica
from .upload import with_uploads

log = logging.getLogger("hfimage")

PROTOCOLS = ("auto", "queue", "call")
"""How to reach a Gradio app: its queue route (live progress, real error text), its call route, or
``auto``: the queue route where the app offers it, else the call route."""

Bind = Callable[[App], tuple[Binding, Filled]]
"""Maps a request onto an app: the endpoint to call and the values to send; InvalidRequestError when
the app cannot take it."""


class Runner:
    """Runs jobs for one target during one call."""

    def __init__(self, target: Target, channel: Channel, apps: AppDirectory, hub: Hub, protocol: str = "auto"):
        self.target = target
        self.channel = channel
        self.protocol = protocol
        self.finder = Finder(target, channel, apps, hub)

    def run(self, bind: Bind) -> Iterator[Output | Event]:
        """The job's events and images, each image with the size the request amounts to (None where only
        the image can say) and the seed sent when the app reports none; or a typed error."""
        apps, unnamed = self.finder.apps, self.target.signature is None
        try:
            found = self.finder.find(named=unnamed)
        except SpaceNotRunningError as asleep:
            if asleep.stage not in WAKING_STAGES:
                raise
            yield Notice(self.target.name, f"waking the space up (the Hub says {asleep.stage}); this takes a "
                         "minute or two", "info")  # fmt: skip
            found = self.finder.wake(named=unnamed)
        app = self.named(found.app) or apps.get(self.channel, found.root, named=True)
        try:
            binding, filled = bind(app)
        except InvalidRequestError:
            if not found.remembered:
                raise
            # refused on what was read earlier: the app may take it now, so read it again before refusing
            apps.forget(found.root)
            app = self._read_again(found.root) or app
            found = Found(found.root, app, remembered=False)
            binding, filled = bind(app)
        pictures = 0
        try:
            for item in sized(
                self._route(binding.endpoint, filled.values, app), filled.width, filled.height, filled.seed
            ):
                pictures += isinstance(item, Output)
                yield item
        except (ProtocolError, ProviderError, ServiceUnavailableError) as failure:
            if pictures or isinstance(failure, QuotaExceededError):
                raise
            if _not_an_app(failure) and self.target.space_id is not None:
                self.finder.explain(failure)  # raises what the Hub says: paused, stopped, failed...
            if isinstance(failure, ServiceUnavailableError):
                raise
            apps.forget(found.root)  # the app may have changed: the next call reads it again
            if not found.remembered:
                raise
            yield from self._run_changed(bind, found.root, app, binding, failure)

    def inspect(self) -> App:
        """The app's description with its inputs named, read now (not from what earlier calls kept)."""
        return self.finder.find(named=True, fresh=True).app

    def named(self, app: App) -> App | None:
        """``app`` with its inputs named, by the app or by the target's signature; None when ``/info`` must."""
        return named_by(app, self.target.signature, self.target.endpoint)

    def _run_changed(
        self, bind: Bind, root: str, before: App, binding: Binding, failure: HFImageError
    ) -> Iterator[Output | Event]:
        """Once a job fails on a description read earlier, read the app again: if its inputs changed,
        map the request onto the new ones and send it once more; else the failure stands."""
        now = self._read_again(root)
        if now is None:
            raise failure  # the app cannot be read now either: what happened to the job stands
        was = (self.named(before) or before).endpoints.get(binding.api_name)
        current = (self.named(now) or now).endpoints.get(binding.api_name)
        if was is not None and current is not None and current.inputs == was.inputs:
            raise failure
        log.info("%s: the app's inputs changed; sending the job again with the new ones", self.target.name)
        try:
            changed, filled = bind(now)
        except InvalidRequestError as refused:
            raise InvalidRequestError(
                f"{self.target.name} changed since hfimage read it: {refused} "
                "Check the space with hfimage inspect, and adapt the call.",
                provider=self.target.name,
            ) from failure
        yield from sized(self._route(changed.endpoint, filled.values, now), filled.width, filled.height, filled.seed)

    def _read_again(self, root: str) -> App | None:
        apps = self.finder.apps
        try:
            now = apps.get(self.channel, root, named=self.target.signature is None)
            return now if self.named(now) is not None else apps.get(self.channel, root, named=True)
        except HFImageError:
            return None

    def _route(self, endpoint: Endpoint, values: Sequence[Any], app: App) -> Iterator[Output | Event]:
        """The job on the route ``protocol`` picks, on one replica of the space."""
        if self.protocol == "call" or (self.protocol == "auto" and not offers_queue(app, endpoint)):
            return on_one_replica(
                self.channel, app, lambda channel, replica: _called(channel, replica, endpoint, values, app)
            )
        if endpoint.fn_index < 0:
            raise ProtocolError(
                f"{self.target.name}: the queue route needs the app's config, and {app.root} gave none. "
                "Use protocol='call'.",
                provider=self.target.name,
            )
        return on_one_replica(
            self.channel, app, lambda channel, replica: self._queued(channel, replica, endpoint, values, app)
        )

    def _queued(
        self, channel: Channel, replica: Replica, endpoint: Endpoint, values: Sequence[Any], app: App
    ) -> Iterator[Output | Event]:
        values = with_uploads(channel, app, values)
        try:
            session, event_id = join(channel, app, endpoint, values)
        except ProtocolError:
            if self.protocol == "queue":
                raise
            log.info("%s: the queue route refused the job; using the call route", self.target.name)
            yield from call(channel, app, endpoint.api_name, values, replica)
            return
        yield from listen(channel, app, session, event_id, replica)


def _called(
    channel: Channel, replica: Replica, endpoint: Endpoint, values: Sequence[Any], app: App
) -> Iterator[Output | Event]:
    """The job on the call route, its images uploaded first (to the replica that will run it)."""
    yield from call(channel, app, endpoint.api_name, with_uploads(channel, app, values), replica)


def _not_an_app(failure: HFImageError) -> bool:
    """Whether an answer came from something other than a running Gradio app: the proxy's 404 or 5xx page."""
    return failure.status_code == 404 or (failure.status_code or 0) >= 500
