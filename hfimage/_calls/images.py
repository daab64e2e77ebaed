"""The images a call sends (``image=``), taken from what the caller gave and checked before anything is sent.

An image is a local path, bytes, a binary file object, a Pillow image, an ``hfimage.Image`` (an
earlier result) or an http(s) URL; several go in a list. Each is read enough here to know that it
is an image by its content (not its name) and how large it is; a URL is fetched while the call
runs, by hfimage, and checked the same way before any app sees it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .._core.imagetype import sniff
from .._core.input_image import SPOOL_BYTES, InputImage, Reader, SeekableFile, Spool, Window
from .._core.spelling import advice
from .._http.urls import url_problem
from .._secrets import without_secrets
from ..errors import InvalidRequestError
from ..parameters import GenerateParams
from ..results import Image as Result
from ..results import Preview, cached_content

MAX_IMAGES = 64
"""More images than this in one call is taken for a mistake (a folder's worth passed by accident)."""
_HEAD = 32
_KNOWN_TYPES = "PNG, JPEG, WebP or GIF"


def input_images(given: object) -> tuple[InputImage, ...]:
    """The images ``image=`` names, each checked; () for None. Raises InvalidRequestError naming the
    image and what is wrong with it: missing or unreadable, not an image by its content, or of a kind
    hfimage cannot send."""
    if given is None:
        return ()
    items = list(given) if isinstance(given, (list, tuple)) else [given]
    if not items:
        raise InvalidRequestError(f"{_option()} is an empty list: give at least one image, or leave it out.")
    if len(items) > MAX_IMAGES:
        raise InvalidRequestError(f"{_option()} has {len(items)} images; at most {MAX_IMAGES} go in one call.")
    return tuple(  # an InputImage was checked already: a batch reads its images once, for every prompt
        item if isinstance(item, InputImage) else _image(item, f"image {index + 1}" if len(items) > 1 else "the image")
        for index, item in enumerate(items)
    )


def with_images_checked(params: GenerateParams) -> GenerateParams:
    """``params`` with its images read and checked once, for calls that share them (a batch): a file
    object that cannot seek is read to its end only once."""
    if params.get("image") is None:
        return params
    return {**params, "image": input_images(params["image"])}


def _option() -> str:
    return advice("image=", "--image")


def _image(item: object, called: str) -> InputImage:
    if isinstance(item, (Result, Preview)):
        return _result(item)
    if isinstance(item, str) and item.strip().lower().startswith(("http://", "https://")):
        return _url(item.strip())
    if isinstance(item, (str, os.PathLike)):
        return _path(item)
    if isinstance(item, (bytes, bytearray, memoryview)):
        data = bytes(item)
        mime, extension = _checked(data[:_HEAD], f"{called} (bytes)")
        return InputImage(f"{called} (bytes)", "image" + extension, mime, len(data), _reader(data))
    if _is_pillow(item):
        return _pillow(item, called)
    if isinstance(item, io.TextIOBase):
        raise InvalidRequestError(f"{called} is a file opened as text; open it in binary mode: open(path, 'rb').")
    if callable(getattr(item, "read", None)):
        return _file_object(item, called)
    raise InvalidRequestError(
        f"{_option()} takes a file's path, bytes, a binary file, a Pillow image, an hfimage Image or an http(s) "
        f"URL (or a list of them); {called} is a {type(item).__name__}."
    )


def _path(given: str | os.PathLike[str]) -> InputImage:
    if not str(os.fspath(given)).strip():
        raise InvalidRequestError(f"{_option()} is an empty path; give an image file's path.")
    path = Path(os.fspath(given)).expanduser()
    label = str(path)
    try:
        with open(path, "rb") as file:
            head = file.read(_HEAD)
            size = os.fstat(file.fileno()).st_size
    except FileNotFoundError:
        raise InvalidRequestError(f"No image file at {label}: check the path.") from None
    except IsADirectoryError:
        raise InvalidRequestError(f"{label} is a folder; give an image file's path.") from None
    except OSError as exc:
        raise InvalidRequestError(f"Cannot read the image {label}: {exc.strerror or exc}.") from None
    mime, _ = _checked(head, label)
    return InputImage(label, path.name, mime, size, lambda: Window(open(path, "rb"), 0, size, owns=True))


def _url(url: str) -> InputImage:
    label = without_secrets(url)[:200]
    problem = url_problem(url)
    if problem is not None:
        raise InvalidRequestError(f"{_option()} got a URL hfimage will not fetch ({problem}): {label!r}.")
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "image"
    return InputImage(label, name, url=url)


def _result(picture: Result | Preview) -> InputImage:
    label = f"the image of {picture.provider!r}"
    content = cached_content(picture)
    if content is None:
        return InputImage(label, "image", url=picture.url, result_url=picture.url)
    mime, extension = _checked(content[:_HEAD], label)
    return InputImage(label, "image" + extension, mime, len(content), _reader(content), result_url=picture.url)


def _pillow(picture: Any, called: str) -> InputImage:
    """A Pillow image as PNG: lossless, whatever it was read from."""
    if picture.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
        picture = picture.convert("RGBA" if "A" in picture.mode else "RGB")
    buffer = io.BytesIO()
    try:
        picture.save(buffer, format="PNG")
    except (OSError, ValueError) as exc:
        raise InvalidRequestError(f"{called} (a Pillow image) cannot be written as PNG: {exc}.") from None
    data = buffer.getvalue()
    return InputImage(f"{called} (a Pillow image)", "image.png", "image/png", len(data), _reader(data))


def _file_object(file: Any, called: str) -> InputImage:
    name = getattr(file, "name", None)
    label = name if isinstance(name, str) and name else f"{called} (a file object)"
    try:
        if _seekable(file):
            start = file.tell()
            head = file.read(_HEAD)
            end = file.seek(0, io.SEEK_END)
            file.seek(start)
            kept: SeekableFile = file
        else:
            kept, start = Spool(), 0
            while piece := file.read(SPOOL_BYTES):
                kept.write(piece)
            end = kept.tell()
            kept.seek(0)
            head = kept.read(_HEAD)
    except OSError as exc:
        raise InvalidRequestError(f"Cannot read {label}: {exc.strerror or exc}.") from None
    if not isinstance(head, bytes):
        raise InvalidRequestError(f"{label} is a file opened as text; open it in binary mode: open(path, 'rb').")
    mime, extension = _checked(head, label)
    size = end - start
    file_name = Path(name).name if isinstance(name, str) and name else "image" + extension
    return InputImage(label, file_name, mime, size, lambda: Window(kept, start, size))


def _seekable(file: Any) -> bool:
    try:
        return bool(file.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _checked(head: bytes, label: str) -> tuple[str, str]:
    """The image type of ``head``; InvalidRequestError when its bytes are no image type hfimage sends."""
    kind = sniff(head)
    if kind is None:
        start = f"it starts with {head[:8]!r}" if head else "it is empty"
        raise InvalidRequestError(
            f"{label} is not a {_KNOWN_TYPES} image ({start}); apps take only images. "
            "Convert it (e.g. with Pillow) and retry."
        )
    return kind


def _reader(data: bytes) -> Callable[[], Reader]:
    return lambda: io.BytesIO(data)


def _is_pillow(item: object) -> bool:
    return type(item).__module__.startswith("PIL.") and callable(getattr(item, "save", None)) and hasattr(item, "mode")
