"""Where a client keeps what it learnt of each Gradio app: read once, shared by its calls."""

from __future__ import annotations

import dataclasses
import threading

from ..._http.transport import Channel
from ...errors import ProtocolError
from .api_info import with_names
from .space import GRADIO5_PREFIX, SpaceInfo, parse_config


def discover(channel: Channel, root: str) -> SpaceInfo:
    """Read the app's config; if there is none, probe for the Gradio 5+ prefix."""
    try:
        return parse_config(root, channel.get_json(f"{root}/config"), channel.provider)
    except ProtocolError:
        pass  # no usable /config (404 or not JSON): fall back to probing the layout
    try:
        channel.get_json(f"{root}{GRADIO5_PREFIX}/info")
    except ProtocolError:
        return SpaceInfo(root=root, api_prefix="")
    return SpaceInfo(root=root, api_prefix=GRADIO5_PREFIX)


class SpaceDirectory:
    """What a client has learnt about each space, discovered once and shared by its calls.

    Calls that need a space not yet known wait for one discovery rather than each making their own.
    """

    def __init__(self) -> None:
        self._known: dict[str, SpaceInfo] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, channel: Channel, root: str, *, named: bool = False) -> SpaceInfo:
        """The app at ``root``; with ``named``, its inputs also carry the names its ``/info`` gives.

        Raises what reading the app raises: ConnectionError, TimeoutError, ServiceUnavailableError...
        """
        with self._lock:
            lock = self._locks.setdefault(root, threading.Lock())
        with lock:
            known = self._known.get(root)
            if known is None:
                known = discover(channel, root)
            if named and not known.named:
                known = _read_names(channel, known)
            self._known[root] = known
            return known

    def knows(self, root: str) -> bool:
        """Whether the app at ``root`` was read before (a description that may since have changed)."""
        with self._lock:
            return root in self._known

    def forget(self, root: str) -> None:
        """Drop what is known of a space, so the next call discovers it again (its app may have changed)."""
        with self._lock:
            self._known.pop(root, None)


def _read_names(channel: Channel, space: SpaceInfo) -> SpaceInfo:
    try:
        info = channel.get_json(space.api_url("/info"))
    except ProtocolError:
        return dataclasses.replace(space, named=True)  # no description: inputs stay unnamed
    return with_names(space, info, channel.provider)
