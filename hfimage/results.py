"""What ``stream()`` yields and ``generate()`` returns.

``stream()`` yields events; pick the kinds you want with ``isinstance`` and ignore the rest,
since later versions add more kinds. The last event is always the final ``Image``.
"""

from __future__ import annotations

import base64
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._convert import convert_for_name, pillow
from ._download import ImageSource
from ._imagetype import sniff
from .errors import Attempt, ProtocolError


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
    _source: ImageSource | None = field(default=None, repr=False, compare=False)

    @property
    def content(self) -> bytes:
        """The image's bytes: downloaded on first use, then cached."""
        cached: bytes | None = self.__dict__.get("_content")
        if cached is None:
            cached = self._require_source().read(self.url)
            object.__setattr__(self, "_content", cached)
        return cached

    @property
    def mime_type(self) -> str:
        """The image's type from its bytes, e.g. ``image/webp`` (downloads the image)."""
        return _kind(self.content)[0]

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the image to ``path`` and return where it went.

        A directory gets a file named after the prompt and seed (never a name the server
        suggests); a path without a suffix gets the image type's. A suffix of another image
        type (``.png``, ``.jpg``, ``.webp``, ``.gif``) converts the image to it, which needs the
        ``pil`` extra. The bytes stream to disk unless already downloaded, and the file
        appears whole or not at all.
        """
        target = Path(path)
        folder = target if target.is_dir() else target.parent
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # noqa: PLC0415 - only saving needs it; keeps `import hfimage` quick

        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".hfimage-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                if "_content" in self.__dict__:
                    file.write(self.content)
                else:
                    self._require_source().write_to(self.url, file)
            with open(temporary, "rb") as file:
                extension = _kind(file.read(16))[1]
            if target.is_dir():
                target = target / f"{_slug(self.prompt)}-{self.seed if self.seed is not None else 'image'}{extension}"
            elif not target.suffix:
                target = target.with_suffix(extension)
            else:
                convert_for_name(Path(temporary), target, extension)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    def base64(self) -> str:
        """The image's bytes in base64."""
        return base64.b64encode(self.content).decode("ascii")

    def data_url(self) -> str:
        """The image as a ``data:`` URL, for HTML or Markdown."""
        return f"data:{self.mime_type};base64,{self.base64()}"

    def to_pil(self) -> Any:
        """The image as a ``PIL.Image.Image``; needs the ``pil`` extra (``pip install 'hfimage[pil]'``)."""
        picture = pillow("to_pil()").open(io.BytesIO(self.content))
        picture.load()
        return picture

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """How a notebook shows it: the picture itself, and its description as text."""
        import html  # noqa: PLC0415 - only notebooks need it; keeps `import hfimage` quick

        mime = self.mime_type
        bundle = {
            "text/plain": repr(self),
            "text/html": f'<img src="{self.data_url()}" alt="{html.escape(self.prompt)}" '
            f'title="{html.escape(self._caption())}">',
        }
        if mime in ("image/png", "image/jpeg", "image/gif"):
            bundle[mime] = self.base64()
        return bundle

    def _caption(self) -> str:
        return f"{type(self).__name__}: {self.prompt} ({self.provider}, seed {self.seed})"

    def __getstate__(self) -> dict[str, Any]:
        """Pickles keep the picture and its bytes, never its download source (which holds the token)."""
        return {name: value for name, value in self.__dict__.items() if name != "_source"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({"_source": None, **state})

    def _require_source(self) -> ImageSource:
        if self._source is None:
            raise ProtocolError(f"No way to download {self.url}: this object was not made by a hfimage client.")
        return self._source


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


def _kind(head: bytes) -> tuple[str, str]:
    kind = sniff(head)
    if kind is None:
        raise ProtocolError(f"The downloaded file is not a PNG, JPEG, WebP or GIF image (it starts with {head[:8]!r}).")
    return kind


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:60].strip("-") or "image"
