"""Replica affinity: a space that runs several replicas must see a job's requests on one of them.

Hugging Face's proxy names the replica that answered in a header. Once named, file URLs are
pinned to that replica; and when a request lands on a replica that does not hold the job, the
job is sent once more on a fresh session (the proxy's sticky cookie dropped).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator

import requests

from ..._http.channel import Channel
from ...errors import ReplicaMismatchError
from ...results import Event
from ..output import Output
from .app import App

log = logging.getLogger("hfimage")

REPLICA_HEADER = "X-Proxied-Replica"
"""The header Hugging Face's proxy names the replica that answered with, for spaces that run several."""


class Replica:
    """The replica that answered a channel's latest request, if a proxy named one."""

    def __init__(self) -> None:
        self.id: str | None = None

    def watch(self, channel: Channel) -> Channel:
        """``channel``, with each response's replica noted here."""
        return dataclasses.replace(channel, on_response=self._note)

    def _note(self, response: requests.Response) -> None:
        named = response.headers.get(REPLICA_HEADER)
        if named:
            self.id = named

    def pin(self, app: App) -> App:
        """``app`` as seen from the replica last named, whose file URLs then lead to that replica."""
        return dataclasses.replace(app, replica=self.id) if self.id else app

    def forget(self) -> None:
        self.id = None


def on_one_replica(
    channel: Channel, app: App, run: Callable[[Channel, Replica], Iterator[Output | Event]]
) -> Iterator[Output | Event]:
    """``run`` the job; when a replica that does not hold it answers before any image, once more on a
    fresh session."""
    replica = Replica()
    pictures = 0
    try:
        for item in run(replica.watch(channel), replica):
            pictures += isinstance(item, Output)
            yield item
    except ReplicaMismatchError:
        if pictures:
            raise
        log.info("%s: the job was lost between replicas; sending it again on a fresh session", channel.provider)
        channel.transport.forget_cookies(app.root)
        replica.forget()
        yield from run(replica.watch(channel), replica)
