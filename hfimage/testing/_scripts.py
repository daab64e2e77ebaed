"""The scripts a fake server plays, in order, or kept for the jobs of one prompt."""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

Script = TypeVar("Script")


class ScriptQueue(Generic[Script]):
    """Scripts for the next jobs: those kept for a prompt go first to jobs with that prompt.

    Concurrent clients reach a server in no fixed order, so a test that needs one prompt's
    job to fail names the prompt instead of relying on the order of arrival.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._anyone: deque[Script] = deque()
        self._by_prompt: dict[str, deque[Script]] = {}

    def add(self, scripts: tuple[Script, ...], prompt: str | None) -> None:
        with self._lock:
            queue = self._anyone if prompt is None else self._by_prompt.setdefault(prompt, deque())
            queue.extend(scripts)

    def take(self, prompt: object) -> Script | None:
        """The script for the next job with this prompt, or None to play the default."""
        with self._lock:
            kept = self._by_prompt.get(prompt) if isinstance(prompt, str) else None
            if kept:
                return kept.popleft()
            return self._anyone.popleft() if self._anyone else None
