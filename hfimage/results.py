"""What ``stream()`` yields and ``generate()`` returns.

``stream()`` yields events; pick the kinds you want with ``isinstance`` and ignore the rest,
since later versions add more kinds. The last event is always the final ``Image``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._imagetype import sniff
from .errors import Attempt, ProtocolError

Fetch = Callable[[str], bytes]


class Event:
    """Base class of everything ``stream()`` yields; every event names the provider it came from."""

    provider: str


@dataclass(frozen=True)
class Status(Event):
    """A status the provider reported while the job runs, such as ``"Queued"`` or ``"Processing"``."""

    provider: str
    status: str


@dataclass(frozen=True)
class Queued(Event):
    """The job waits in the space's queue: ``rank`` jobs ahead of it (0: next), out of ``queue_size``."""

    provider: str
    rank: int | None
    queue_size: int | None
    eta: float | None
    """Estimated seconds until the job starts, when the space gives one."""


@dataclass(frozen=True)
class Started(Event):
    """The job left the queue and is running."""

    provider: str
    eta: float | None
    """Estimated seconds until it finishes, when the space gives one."""


@dataclass(frozen=True)
class Progress(Event):
    """Step progress the app reports: ``index`` of ``total`` ``unit`` (either may be None)."""

    provider: str
    index: float | None
    total: float | None
    unit: str | None
    description: str | None


@dataclass(frozen=True)
class Notice(Event):
    """A message the app showed, such as ``"Waiting for a GPU"``; ``level`` is ``info`` or ``warning``."""

    provider: str
    message: str
    level: str


@dataclass(frozen=True, kw_only=True)
class _Picture(Event):
    url: str
    """Where the image can be downloaded."""
    seed: int | None
    """The seed the provider reports it used (None if it reports none)."""
    width: int
    """Width in pixels, as asked of the provider."""
    height: int
    """Height in pixels, as asked of the provider."""
    prompt: str
    negative_prompt: str | None
    model: str
    """The model's canonical name."""
    provider: str
    """The name of the provider that made the image."""
    _fetch: Fetch | None = field(default=None, repr=False, compare=False)

    @property
    def content(self) -> bytes:
        """The image's bytes: downloaded on first use, then cached."""
        cached: bytes | None = self.__dict__.get("_content")
        if cached is None:
            if self._fetch is None:
                raise ProtocolError(f"No way to download {self.url}: this object was not made by a hfimage client.")
            cached = self._fetch(self.url)
            object.__setattr__(self, "_content", cached)
        return cached

    @property
    def mime_type(self) -> str | None:
        """The image's type from its bytes, e.g. ``image/webp`` (downloads the image)."""
        kind = sniff(self.content)
        return kind[0] if kind else None

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the image to ``path`` and return where it went.

        A directory gets a file named after the prompt and seed; a path without a suffix gets
        the image type's. The file appears whole or not at all.
        """
        data = self.content
        extension = (sniff(data) or ("", ".img"))[1]
        target = Path(path)
        if target.is_dir():
            target = target / f"{_slug(self.prompt)}-{self.seed if self.seed is not None else 'image'}{extension}"
        elif not target.suffix:
            target = target.with_suffix(extension)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".hfimage-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target


@dataclass(frozen=True, kw_only=True)
class Preview(_Picture):
    """An intermediate image sent while the job runs; not the result."""

    final = False


@dataclass(frozen=True, kw_only=True)
class Image(_Picture):
    """The final image of a call."""

    final = True
    elapsed: float
    """Seconds the call took, every attempt included."""
    attempts: tuple[Attempt, ...] = ()
    """Every provider tried, in order; failed ones carry their error, the last one none."""


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:60].strip("-") or "image"
