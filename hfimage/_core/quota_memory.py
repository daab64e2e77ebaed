"""Which providers reported running out of GPU quota, and until when to leave them alone."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import QuotaExceededError
from .disk_cache import cache_folder, private_folder, write_atomically
from .server_data import MAX_WAIT_SECONDS, finite_number

DEFAULT_COOLDOWN = 300.0
"""Seconds to skip a provider whose quota error named no retry time."""
MAX_REST = MAX_WAIT_SECONDS
"""The longest rest kept, whatever a space announced."""
FORMAT = 2
"""The memory file's format; a file of another format (or damaged) is no memory, never an error."""
LOCK_WAIT_SECONDS = 2.0
LOCK_POLL_SECONDS = 0.01

try:
    import fcntl
except ImportError:  # Windows: writers are not serialised, and the last one's merge wins
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Rest:
    """A rest announced ``wait`` seconds long, ending at ``until`` on the wall clock."""

    until: float
    wait: float

    def left(self, now: float) -> float:
        """Seconds left at ``now``: never more than was announced, even if the clock was set back."""
        return min(self.until - now, self.wait)

    @property
    def announced(self) -> float:
        return self.until - self.wait


class QuotaMemory:
    """Rests by provider key; kept in a JSON file when given a ``path``, shared with every process
    that uses the same file.

    Each save merges with what the file holds under a lock, so runs at once keep one another's
    rests (for a key both know, the one announced last wins). A file that cannot be read, or holds
    anything else, is no memory; one that cannot be written only costs a retry.
    """

    def __init__(self, path: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._rests: dict[str, Rest] = self._read()

    def remember(self, key: str, error: QuotaExceededError) -> None:
        wait = finite_number(error.retry_after)
        wait = DEFAULT_COOLDOWN if wait is None else min(max(wait, 0.0), MAX_REST)
        with self._lock:
            self._rests[key] = Rest(self._clock() + wait, wait)
            self._save()

    def remaining(self, key: str) -> float | None:
        """Seconds until the provider may be tried again, or None if it is not resting."""
        with self._lock:
            rest = self._rests.get(key)
            left = rest.left(self._clock()) if rest is not None else 0.0
        return left if left > 0 else None

    def cooling(self) -> dict[str, float]:
        """Every provider still resting, with its seconds left."""
        with self._lock:
            now = self._clock()
            return {key: rest.left(now) for key, rest in self._rests.items() if rest.left(now) > 0}

    def _read(self) -> dict[str, Rest]:
        if self._path is None:
            return {}
        try:
            data = json.loads(self._path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return {}  # no memory yet, or a damaged file: start afresh
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("rests"), dict):
            return {}
        rests = {}
        for key, saved in data["rests"].items():
            rest = _rest(saved)
            if rest is not None:
                rests[key] = rest
        return rests

    def _save(self) -> None:
        """Write this memory merged with the file's (called with ``_lock`` held)."""
        if self._path is None:
            return
        with contextlib.suppress(OSError), _file_lock(self._path):
            now = self._clock()
            merged = dict(self._rests)
            for key, rest in self._read().items():
                if key not in merged or rest.announced > merged[key].announced:
                    merged[key] = rest
            self._rests = {key: rest for key, rest in merged.items() if rest.left(now) > 0}
            rests = {key: {"until": rest.until, "wait": rest.wait} for key, rest in self._rests.items()}
            write_atomically(self._path, json.dumps({"format": FORMAT, "rests": rests}))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Held while ``path`` is read, merged and written, so that runs at once do not lose rests.

    Waited for at most ``LOCK_WAIT_SECONDS`` (a writer holds it for a moment): past that, OSError,
    and the rest is kept in memory only, rather than holding up the call.
    """
    if fcntl is None:
        yield
        return
    private_folder(path.parent)
    handle = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        waited = 0.0
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waited >= LOCK_WAIT_SECONDS:
                    raise
                time.sleep(LOCK_POLL_SECONDS)
                waited += LOCK_POLL_SECONDS
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _rest(saved: Any) -> Rest | None:
    """A rest as the file keeps it, or None for anything else."""
    if not isinstance(saved, dict):
        return None
    until, wait = finite_number(saved.get("until")), finite_number(saved.get("wait"))
    if until is None or wait is None or not 0 < wait <= MAX_REST:
        return None
    return Rest(until, wait)


def zerogpu_key(token: str | None) -> str:
    """The key of a caller's ZeroGPU quota, which every ZeroGPU space shares: per token (a digest of it,
    never the token), or per address for anonymous callers."""
    if token is None:
        return "ZeroGPU anonymous"
    return "ZeroGPU token " + hashlib.sha256(token.encode()).hexdigest()[:16]


def cache_file() -> Path:
    """Where the command line keeps its quota memory between runs."""
    return cache_folder() / "quota.json"
