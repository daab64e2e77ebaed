"""Where a client keeps what it learnt of each Gradio app: read once, shared by its calls, and kept
on disk (when the client has a disk cache) so that the next process need not read it again.

What is kept is what the app sent (its ``/config`` and ``/info`` documents), parsed again when
loaded, so a cache entry is checked exactly as an answer from the app is.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..._core.disk_cache import DiskCache
from ..._http.channel import Channel
from ...errors import ProtocolError
from .api_info import with_names
from .app import GRADIO5_PREFIX, App, parse_config

KIND = "gradio-apps"


@dataclass(frozen=True)
class AppDocuments:
    """What an app said of itself: its config (None when it has none), the API prefix found without
    one, and, once read, its API description (``named``; ``info`` None when it has none)."""

    config: Any
    api_prefix: str = ""
    named: bool = False
    info: Any = None

    def parse(self, root: str, provider: str) -> App:
        """The app these documents describe. Raises ProtocolError for documents no Gradio app sends."""
        space = parse_config(root, self.config, provider) if self.config is not None else App(root, self.api_prefix)
        if not self.named:
            return space
        return with_names(space, self.info, provider) if self.info is not None else replace(space, named=True)


class AppDirectory:
    """What a client has learnt about each space, discovered once and shared by its calls.

    Calls that need a space not yet known wait for one discovery rather than each making their own.
    With a ``cache``, what is learnt is also kept on disk, and a space not yet known in memory is
    taken from there while its entry is valid.
    """

    def __init__(self, cache: DiskCache | None = None) -> None:
        self._cache = cache
        self._known: dict[str, tuple[App, AppDocuments]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, channel: Channel, root: str, *, named: bool = False, fresh: bool = False) -> App:
        """The app at ``root``; with ``named``, its inputs also carry the names its ``/info`` gives;
        with ``fresh``, read from the app now, whatever is known (and kept for later calls).

        Raises what reading the app raises: ConnectionError, TimeoutError, ServiceUnavailableError...
        """
        with self._lock:
            lock = self._locks.setdefault(root, threading.Lock())
        with _held(lock, channel, root):
            known = None if fresh else self._known.get(root) or self._load(root, channel.provider)
            if known is None:
                known = _read_config(channel, root)
                self._keep(root, known)
            if named and not known[0].named:
                documents = replace(known[1], named=True, info=_read_info(channel, known[0]))
                known = (documents.parse(root, channel.provider), documents)
                self._keep(root, known)
            return known[0]

    def knows(self, root: str) -> bool:
        """Whether the app at ``root`` was read before, by this client or (from the disk cache) another
        process: a description that may since have changed."""
        with self._lock:
            if root in self._known:
                return True
        return self._load(root, root) is not None

    def forget(self, root: str) -> None:
        """Drop what is known of a space, in memory and on disk, so the next call reads it again
        (its app may have changed)."""
        with self._lock:
            self._known.pop(root, None)
        if self._cache is not None:
            self._cache.drop(KIND, root)

    def _load(self, root: str, provider: str) -> tuple[App, AppDocuments] | None:
        """The disk cache's entry for ``root``, parsed, and then known in memory; None without a valid one."""
        saved = self._cache.load(KIND, root) if self._cache is not None else None
        if not isinstance(saved, dict) or saved.get("api_prefix") not in ("", GRADIO5_PREFIX):
            return None
        try:
            documents = AppDocuments(
                saved.get("config"), saved["api_prefix"], saved.get("named") is True, saved.get("info")
            )
            known = (documents.parse(root, provider), documents)
        except ProtocolError:
            return None  # a damaged or foreign entry: read the app instead
        with self._lock:
            return self._known.setdefault(root, known)

    def _keep(self, root: str, known: tuple[App, AppDocuments]) -> None:
        with self._lock:
            self._known[root] = known
        if self._cache is not None:
            self._cache.save(KIND, root, vars(known[1]))


LOCK_SLICE_SECONDS = 0.05
"""How often a call waiting for another call's reading of the same app checks its cancellation."""


@contextlib.contextmanager
def _held(lock: threading.Lock, channel: Channel, root: str) -> Iterator[None]:
    """``lock``, waited for no longer than the call may wait: another call may be reading the app
    under a longer deadline. Raises TimeoutError at the deadline, CallCancelledError on cancellation."""
    while not lock.acquire(timeout=min(LOCK_SLICE_SECONDS, channel.deadline.remaining())):
        if channel.cancellation is not None:
            channel.cancellation.check()
        channel.deadline.check(f"waiting for another call to read {root}", channel.provider)
    try:
        yield
    finally:
        lock.release()


def _read_config(channel: Channel, root: str) -> tuple[App, AppDocuments]:
    """The app's config; without one, the API prefix under which it answers ``/info``.

    Raises ProtocolError (with the config's status) when neither answers as Gradio: the host
    serves something else, or nothing (a proxy's 404 for a space that is not there).
    """
    try:
        documents = AppDocuments(channel.get_json(f"{root}/config"))
        return documents.parse(root, channel.provider), documents
    except ProtocolError as unreadable:
        no_config = unreadable  # no usable /config (404, not JSON, not a config): probe the layouts
    for prefix in (GRADIO5_PREFIX, ""):
        try:
            info = channel.get_json(f"{root}{prefix}/info")
        except ProtocolError:
            continue
        if not isinstance(info, dict):
            continue
        described = isinstance(info.get("named_endpoints"), dict)
        documents = AppDocuments(None, prefix, named=described, info=info if described else None)
        return documents.parse(root, channel.provider), documents
    status = no_config.status_code
    answered = f"HTTP {status}" if status is not None and status >= 400 else no_config.message
    raise ProtocolError(
        f"{channel.provider}: {root} does not answer as a Gradio app ({root}/config: {answered[:300]}; no API "
        "description at /gradio_api/info or /info). Check the space's id or URL: it must be a Gradio app.",
        provider=channel.provider,
        status_code=no_config.status_code,
        url=f"{root}/config",
    ) from no_config


def _read_info(channel: Channel, space: App) -> Any:
    """The app's ``/info`` document; None when it has none (its inputs then stay unnamed)."""
    try:
        return channel.get_json(space.api_url("/info"))
    except ProtocolError:
        return None
