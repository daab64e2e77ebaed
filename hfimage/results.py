"""What ``stream()`` yields and ``generate()`` returns.

``stream()`` yields events; pick the kinds you want with ``isinstance`` and ignore the rest,
since later versions add more kinds. The last event is always the final ``Image``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ._core.cancel import Cancellation
from ._core.convert import convert_for_name, pillow, suffix_problem
from ._core.imagetype import sniff
from ._core.saving import SEPARATORS, new_part, saving, sweep_parts
from ._core.text import slug
from ._core.translating import translating
from ._http.call import ImageSource
from .errors import (
    Attempt,
    BrokenImageError,
    InvalidRequestError,
    ProtocolError,
)

Picture = TypeVar("Picture", bound="_Picture")


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
    """Width in pixels: what the request set where the app makes the size asked, else read from the image."""
    height: int
    """Height in pixels, likewise."""
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
        return self._fetch()

    def _fetch(self, cancellation: Cancellation | None = None) -> bytes:
        """The bytes, downloaded once; ``cancellation`` can stop the download from another thread."""
        cached: bytes | None = self.__dict__.get("_content")
        if cached is None:
            cached = self._require_source().read(self.url, cancellation)
            object.__setattr__(self, "_content", cached)
        return cached

    @property
    def mime_type(self) -> str:
        """The image's type from its bytes, e.g. ``image/webp`` (downloads the image)."""
        return _kind(self.content, self.provider)[0]

    def save(self, path: str | os.PathLike[str], *, parents: bool = False) -> Path:
        """Write the image to ``path`` and return where it went.

        ``path`` is a folder when it names an existing directory or ends with a separator
        (``"foxes/"``): the folder is created if missing (its parent must exist), and the file
        in it is named after the prompt and seed (never a name the server suggests), so many
        images can share it. Otherwise ``path`` is the file, in a folder that must exist:
        without a suffix it gets the image type's; a suffix of another image type (``.png``,
        ``.jpg``, ``.webp``, ``.gif``) converts the image to it, which needs the ``pil`` extra;
        any other suffix (``.txt``) is refused with InvalidRequestError before anything is written. The bytes stream to
        disk unless already downloaded; the file appears whole or not at all, with the
        permissions your umask gives new files. ``parents=True`` creates every missing folder
        (as the command line's ``--parents`` does). Raises a ``SaveError`` (also the builtin
        ``OSError`` kind, e.g. ``PermissionError``, ``FileNotFoundError`` for a missing folder)
        naming the path when the file system refuses.
        """
        if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
            raise InvalidRequestError(f"save() takes a file or folder path; got {path!r:.100}.")
        given = os.fspath(path)
        target = Path(given)
        into_folder = target.is_dir() or given.endswith(SEPARATORS)
        folder = target if into_folder else target.parent
        problem = None if into_folder else suffix_problem(given)
        if problem is not None:
            raise InvalidRequestError(f"Cannot save the image as {given}: {problem}.")
        with saving(target):
            if into_folder or parents:
                folder.mkdir(parents=parents, exist_ok=True)
            sweep_parts(folder)
            handle, temporary = new_part(folder)
        try:
            with os.fdopen(handle, "wb") as file, saving(target):
                if "_content" in self.__dict__:
                    file.write(self.content)
                else:
                    self._require_source().write_to(self.url, file)
            with open(temporary, "rb") as file:
                extension = _kind(file.read(16), self.provider)[1]
            if into_folder:
                target = folder / f"{slug(self.prompt)}-{self.seed if self.seed is not None else 'image'}{extension}"
            elif not target.suffix:
                target = target.with_suffix(extension)
            else:
                with _decoding(self.provider):
                    convert_for_name(Path(temporary), target, extension)
            with saving(target):
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
        image = pillow("to_pil()")
        with _decoding(self.provider):
            picture = image.open(io.BytesIO(self.content))
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
            raise ProtocolError(
                f"No way to download {self.url}: this object was not made by a hfimage client.", provider=self.provider
            )
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


def content_of(picture: Preview | Image, cancellation: Cancellation | None = None) -> bytes:
    """``picture.content``, whose download ``cancellation`` can stop from another thread (what
    ``hfimage.aio.download`` needs)."""
    return picture._fetch(cancellation)


def cached_content(picture: Preview | Image) -> bytes | None:
    """``picture``'s bytes if they were downloaded already; None (and nothing sent) otherwise."""
    return picture.__dict__.get("_content")


def with_content(picture: Picture, content: bytes) -> Picture:
    """``picture``, its bytes already downloaded (read to learn its size): ``content`` costs no second transfer."""
    object.__setattr__(picture, "_content", content)
    return picture


@dataclass(frozen=True)
class ZeroGPUQuota:
    """The caller's ZeroGPU quota as the Hub reports it, in seconds of GPU time.

    ``used`` of ``total`` today; ``resets_at`` when it starts afresh (24 hours after first use,
    None when unused); ``token_source`` where the token that identified the caller came from.
    """

    used: float
    total: float
    resets_at: datetime.datetime | None
    token_source: str | None = None

    @property
    def left(self) -> float:
        return max(0.0, self.total - self.used)

    def __str__(self) -> str:
        share = f" ({self.used / self.total:.0%})" if self.total else ""
        when = f", resets at {self.resets_at:%Y-%m-%d %H:%M} UTC" if self.resets_at else ""
        source = f"; token from {self.token_source}" if self.token_source else ""
        return (
            f"ZeroGPU quota: {self.used:.0f} s of {self.total:.0f} s used{share}, {self.left:.0f} s left{when}{source}"
        )


def _decoding(provider: str) -> contextlib.AbstractContextManager[None]:
    """Inside, Pillow failing to decode the image becomes a BrokenImageError."""
    return translating(
        (OSError, SyntaxError, ValueError),  # Pillow's decoders raise all three on bad data
        lambda exc: BrokenImageError(
            f"The image from {provider} cannot be decoded ({exc}): it is truncated or corrupt. "
            "Generate it again, or use another provider.",
            provider=provider,
        ),
    )


def _kind(head: bytes, provider: str) -> tuple[str, str]:
    kind = sniff(head)
    if kind is None:
        raise ProtocolError(
            f"The downloaded file is not a PNG, JPEG, WebP or GIF image (it starts with {head[:8]!r}).",
            provider=provider,
        )
    return kind
