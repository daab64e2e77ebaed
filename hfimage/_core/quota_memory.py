"""Which providers reported running out of GPU quota, and until when to leave them alone."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import QuotaExceededError
from .disk_cache import cache_folder, write_atomically

DEFAULT_COOLDOWN = 300.0
"""Seconds to skip a provider whose quota error named no retry time."""


class QuotaMemory:
    """Cool-down times by provider key, in wall-clock seconds; kept in a JSON file when given a ``path``."""

    def __init__(self, path: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._until: dict[str, float] = self._load()

    def remember(self, key: str, error: QuotaExceededError) -> None:
        wait = error.retry_after if error.retry_after is not None else DEFAULT_COOLDOWN
        with self._lock:
            self._until[key] = self._clock() + wait
            self._save()

    def remaining(self, key: str) -> float | None:
        """Seconds until the provider may be tried again, or None if it is not cooling down."""
        with self._lock:
            left = self._until.get(key, 0.0) - self._clock()
        return left if left > 0 else None

    def cooling(self) -> dict[str, float]:
        """Every provider still cooling down, with its seconds left."""
        with self._lock:
            now = self._clock()
            return {key: until - now for key, until in self._until.items() if until > now}

    def _load(self) -> dict[str, float]:
        if self._path is None:
            return {}
        try:
            data = json.loads(self._path.read_text())
        except (OSError, ValueError):
            return {}  # no memory yet, or a damaged file: start afresh
        if not isinstance(data, dict):
            return {}
        return {str(key): float(value) for key, value in data.items() if isinstance(value, (int, float))}

    def _save(self) -> None:
        if self._path is None:
            return
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs a retry
            write_atomically(self._path, json.dumps(self._until))


def zerogpu_key(token: str | None) -> str:
    """The key of a caller's ZeroGPU quota, which every ZeroGPU space shares: per token (a digest of it,
    never the token), or per address for anonymous callers."""
    if token is None:
        return "ZeroGPU anonymous"
    return "ZeroGPU token " + hashlib.sha256(token.encode()).hexdigest()[:16]


def cache_file() -> Path:
    """Where the command line keeps its quota memory between runs."""
    return cache_folder() / "quota.json"
