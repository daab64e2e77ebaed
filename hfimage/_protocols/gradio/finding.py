"""Where a Gradio app is, and why it does not answer: the Hub's record of its space, and waking it.

A space named by id is found at its ``hf.space`` host, or where a Hub other than huggingface.co
says it runs. When the app does not answer as Gradio, the Hub's record explains why (not found,
not Gradio, paused, failed), and a sleeping or starting space is asked again until it answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..._http.channel import Channel
from ...errors import ConnectionError, HFImageError, ProtocolError, ServiceUnavailableError, TimeoutError
from ..hub import Hub, HubRecord, check_usable
from .app import App
from .directory import AppDirectory

log = logging.getLogger("hfimage")

WAKING_STAGES = frozenset({"SLEEPING", "APP_STARTING"})
"""Stages a space leaves by itself: hfimage waits for it (within the deadline) instead of failing."""
WAKE_POLL_SECONDS = 5.0
"""How often a waking space is asked whether it answers yet."""


@dataclass(frozen=True)
class Target:
    """The app a provider drives: its name in messages, its URL, the space's id when it has one,
    whether the URL is ``pinned`` (given, or a built-in provider's) or found from the id, and, when
    known, the endpoint to call and its input names in order (then ``/info`` need not be read)."""

    name: str
    url: str
    space_id: str | None = None
    pinned: bool = True
    endpoint: str | None = None
    signature: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Found:
    """An app found: its root, its description, and whether that description was known before this call."""

    root: str
    app: App
    remembered: bool


class Finder:
    """Finds ``target``'s app for one call, through ``channel``, with what ``apps`` and ``hub`` know."""

    def __init__(self, target: Target, channel: Channel, apps: AppDirectory, hub: Hub) -> None:
        self.target = target
        self.channel = channel
        self.apps = apps
        self.hub = hub

    def find(self, *, named: bool, fresh: bool = False) -> Found:
        """The app, with its inputs named by ``/info`` when ``named``; read now when ``fresh``.

        A space that does not answer as a Gradio app is explained by its Hub record (SpaceNotFoundError,
        NotAGradioSpaceError, SpaceNotRunningError...), and found again where the Hub says it is.
        """
        root = None if self._uses_hub() else self.target.url
        try:
            if root is None:
                root = self._hub_root(fresh=fresh)
            known = self.apps.knows(root)
            return Found(root, self.apps.get(self.channel, root, named=named, fresh=fresh), known)
        except (ProtocolError, ServiceUnavailableError, ConnectionError) as failure:
            if self.target.space_id is None or root is None:
                raise
            record = self.explain(failure)
            if record.host is None or record.host == root:
                raise
            log.info("%s: the Hub says it runs at %s", self.target.name, record.host)
            return Found(record.host, self.apps.get(self.channel, record.host, named=named, fresh=fresh), False)

    def wake(self, *, named: bool) -> Found:
        """Ask the app again every few seconds until it answers as a Gradio app, within the call's deadline."""
        channel = self.channel
        while True:
            channel.deadline.check("waiting for the space to wake up", self.target.name)
            channel.sleep(min(WAKE_POLL_SECONDS, channel.deadline.remaining()))
            channel.deadline.check("waiting for the space to wake up", self.target.name)
            try:
                root = self._hub_root() if self._uses_hub() else self.target.url
                return Found(root, self.apps.get(channel, root, named=named), False)
            except (ProtocolError, ServiceUnavailableError, ConnectionError):
                continue  # still starting: the proxy's page, a 5xx, or nothing listening yet

    def explain(self, failure: HFImageError) -> HubRecord:
        """The space's Hub record, raising the typed error it implies; ``failure`` when the Hub cannot say."""
        try:
            record = self.hub.record(self.channel, str(self.target.space_id), fresh=True)
        except TimeoutError:
            if self.channel.deadline.expired:
                raise  # the call's time ran out while the Hub was asked: that is what ended it
            raise failure from None
        except (ProtocolError, ServiceUnavailableError, ConnectionError):
            raise failure from None
        check_usable(record)
        return record

    def on_zerogpu(self) -> bool:
        """Whether the Hub's record says the space runs on ZeroGPU; False without an id or when the Hub
        cannot say."""
        if self.target.space_id is None:
            return False
        try:
            record = self.hub.record(self.channel, self.target.space_id)
        except HFImageError:
            return False
        return (record.hardware or "").startswith("zero")

    def _uses_hub(self) -> bool:
        """Whether the app's address comes from the Hub: an id, on a Hub other than huggingface.co."""
        return not (self.target.pinned or self.hub.is_default or self.target.space_id is None)

    def _hub_root(self, *, fresh: bool = False) -> str:
        """The host the Hub gives; a space it calls asleep or starting is tried anyway (it may be up by now)."""
        record = self.hub.record(self.channel, str(self.target.space_id), fresh=fresh)
        if record.stage not in WAKING_STAGES:
            check_usable(record)
        if record.host is None:
            raise ProtocolError(f"The Hub gave no host for {self.target.space_id!r}.", provider=self.target.name)
        return record.host
