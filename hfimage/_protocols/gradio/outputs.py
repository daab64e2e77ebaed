"""Reading a Gradio app's answers: event data, the job's event id, and the image and seed in its outputs."""

from __future__ import annotations

import math
import re
from typing import Any

from ..._core.server_data import parse_json
from ..._core.text import excerpt
from ..._http.urls import server_id, server_url
from ...errors import ProtocolError
from .app import App


def decode(data: str, provider: str) -> Any:
    """An event's JSON data, or ProtocolError."""
    return parse_json(data, provider)


def event_id_of(answer: Any, provider: str) -> str:
    """The event id in the answer to a job's POST; ProtocolError unless it is a plain id (it goes into URLs)."""
    event_id = answer.get("event_id") if isinstance(answer, dict) else None
    if event_id is None:
        raise ProtocolError(
            f"{provider} accepted the job but sent no event id: {excerpt(str(answer))!r}", provider=provider
        )
    return server_id(event_id, "an event id", provider)


def image_and_seed(outputs: Any, space: App, provider: str) -> tuple[str | None, int | None]:
    """The download URL of the first image in an app's outputs, and the seed that follows it.

    The image is a FileData, or the first of a gallery (``{"image": FileData, "caption": ...}``
    items, ``[FileData, caption]`` pairs, or FileData); the seed is the first whole number after
    it, also when sent as text. Raises ProtocolError for a file path or URL that could lead elsewhere.
    """
    if not isinstance(outputs, list):
        return None, None
    url: str | None = None
    for value in outputs:
        if url is None:
            url = _image_url(value, space, provider)
            continue
        seed = _seed(value)
        if seed is not None:
            return url, seed
    return url, None


def _image_url(value: Any, space: App, provider: str) -> str | None:
    if isinstance(value, list):  # a gallery: its first picture
        first = value[0] if value else None
        if isinstance(first, dict) and "image" in first:
            first = first["image"]
        elif isinstance(first, list) and first:
            first = first[0]
        return _file_url(first, space, provider)
    return _file_url(value, space, provider)


def _file_url(value: Any, space: App, provider: str) -> str | None:
    if isinstance(value, dict):
        path = value.get("path")
        if isinstance(path, str) and path:
            return space.file_url(path, provider)
        url = value.get("url")
        if isinstance(url, str) and url:
            return server_url(url, provider)
    return None


def _seed(value: Any) -> int | None:
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if math.isfinite(value) and float(value).is_integer() else None


_WHOLE = re.compile(r"-?\d{1,20}")
