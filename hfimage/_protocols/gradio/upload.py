"""Sending the caller's images to a Gradio app: uploaded before each job, then named in it by their paths.

``POST {prefix}/upload`` takes a multipart form whose ``files`` fields hold the files, and answers
with the server path of each, in order; the job then names each as a ``FileData`` (a gallery as a
list of ``{"image": FileData, "caption": None}``). Gradio accepts any bytes at upload and fails
only when the job runs, and refuses a file over its ``max_file_size`` with a 413: hfimage checks
both first. A URL is fetched by hfimage (an app may not reach what the caller reaches), and an
earlier result of the same app is named by its path, with no transfer at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import unquote

from ..._core.imagetype import HEAD_BYTES, sniff
from ..._core.input_image import InputImage, Spool, Window
from ..._core.text import number
from ..._http.channel import Channel
from ..._http.download import MAX_IMAGE_BYTES, download
from ..._http.multipart import FilePart, Form
from ...errors import HFImageError, InvalidRequestError, ProtocolError
from .app import App
from .filling import ImagesToSend

FILE_DATA_META = {"_type": "gradio.FileData"}


def with_uploads(channel: Channel, app: App, values: Sequence[Any]) -> tuple[Any, ...]:
    """``values`` with each ``ImagesToSend`` replaced by what the app takes, its images uploaded first.

    Raises InvalidRequestError, before anything reaches the app, for an image that is too large for
    it or (fetched from a URL) is no image; ProtocolError for an answer no Gradio app sends; and the
    typed errors of the requests (TimeoutError, ConnectionError...).
    """
    pending = [value for value in values if isinstance(value, ImagesToSend)]
    if not pending:
        return tuple(values)
    with contextlib.ExitStack() as held:
        images = [_local(channel, app, image, held) for value in pending for image in value.images]
        for image in images:
            _check_size(image, app, channel.provider)
        sent = [index for index, image in enumerate(images) if image.result_url is None]
        paths = dict(zip(sent, _upload(channel, app, [images[index] for index in sent]), strict=True))
        files = iter(
            [_file_data(image, paths.get(index) or _path_on(app, image)) for index, image in enumerate(images)]
        )
    return tuple(_value(value, files) if isinstance(value, ImagesToSend) else value for value in values)


def _local(channel: Channel, app: App, image: InputImage, held: contextlib.ExitStack) -> InputImage:
    """``image`` with its bytes at hand: a URL fetched into a temporary file (kept until ``held`` closes);
    an earlier result of this app left to be named by its path."""
    if image.result_url is not None and _path_on(app, image) is not None:
        return image
    if image.url is None:
        return dataclasses.replace(image, result_url=None)
    sink = held.enter_context(Spool())
    # A URL the caller gave is fetched without the token, wherever it points: the token goes only where
    # jobs go. An earlier result is fetched from the space that made it, with the token a job there carries.
    credential = channel.credential if image.result_url is not None else None
    fetching = dataclasses.replace(channel, provider=image.label, credential=credential, on_response=None)
    try:  # whole, even over the app's limit: the size check then says by how much
        download(fetching, image.url, sink, max_bytes=MAX_IMAGE_BYTES)
    except ProtocolError as refused:  # not an image, or too large: the caller's to fix, not the app's
        raise InvalidRequestError(f"Cannot send {image.label}: {refused}", provider=channel.provider) from None
    size = sink.tell()
    sink.seek(0)
    kind = sniff(sink.read(HEAD_BYTES))
    mime, extension = kind if kind else ("application/octet-stream", "")
    name = image.name if "." in image.name else image.name + extension
    return dataclasses.replace(
        image, name=name, mime_type=mime, size=size, opener=lambda: Window(sink, 0, size), url=None, result_url=None
    )


def _path_on(app: App, image: InputImage) -> str | None:
    """The server path of an earlier result of ``app`` (not one pinned to a replica), or None."""
    prefix = app.api_url("/file=")
    if image.result_url is None or not image.result_url.startswith(prefix):
        return None
    return unquote(image.result_url.removeprefix(prefix)) or None


def _check_size(image: InputImage, app: App, provider: str) -> None:
    limit = app.max_file_size
    if limit is not None and image.size is not None and image.result_url is None and image.size > limit:
        raise InvalidRequestError(
            f"{image.label} is {number(image.size)} bytes; {provider} takes files of at most {number(limit)} bytes. "
            "Send a smaller image (scale it down, or save it as JPEG).",
            provider=provider,
        )


def _upload(channel: Channel, app: App, images: list[InputImage]) -> list[str]:
    """Each image's server path, in order, all sent in one form."""
    if not images:
        return []
    parts = [FilePart("files", image.name, image.mime_type or "application/octet-stream", image.size or 0,
                      image.open, image.label) for image in images]  # fmt: skip
    url = app.api_url("/upload")
    try:
        answer = channel.post_form(url, Form(parts))
    except HFImageError as refused:
        if refused.status_code == 413:
            raise InvalidRequestError(
                f"{channel.provider} refused the image as too large ({refused}). Send a smaller image.",
                provider=channel.provider,
            ) from None
        raise
    if not isinstance(answer, list) or len(answer) != len(images) or not all(isinstance(p, str) for p in answer):
        raise ProtocolError(
            f"{channel.provider} answered the upload of {len(images)} file(s) with {str(answer)[:100]!r}, not a list "
            "of their paths. It may not be a Gradio app hfimage knows; use another space.",
            provider=channel.provider,
            url=url,
        )
    return answer


def _file_data(image: InputImage, path: str | None) -> dict[str, Any]:
    if path is None:  # _local keeps a result only where the app names it by path
        raise ProtocolError(f"hfimage lost track of where {image.label} is on the app; please report this.")
    return {"path": path, "orig_name": image.name, "size": image.size, "mime_type": image.mime_type,
            "meta": FILE_DATA_META}  # fmt: skip


def _value(value: ImagesToSend, files: Iterator[dict[str, Any]]) -> Any:
    mine = [next(files) for _ in value.images]
    if value.gallery:
        return [{"image": file, "caption": None} for file in mine]
    return mine[0]
