"""A ``multipart/form-data`` body of files, streamed from their sources piece by piece.

requests builds a multipart body whole in memory; this one reads each file as the socket takes
it, so memory stays flat whatever the files' sizes. Its length is known up front (each file's
size is), so it goes with a ``Content-Length``, as browsers and gradio_client send it. Iterating
it again starts over: a body sent twice (a redirect that keeps it) is sent whole twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .._core.input_image import Reader
from ..errors import InvalidRequestError

PIECE_BYTES = 1 << 20
"""How much of a file is read and sent at once."""


@dataclass(frozen=True)
class FilePart:
    """One file of a form: its field, file name, type and exact size, and a way to read it from the start."""

    field: str
    filename: str
    mime_type: str
    size: int
    opener: Callable[[], Reader]
    label: str
    """How messages name the file."""


class Form:
    """The body of a form of files; pass it as a request's ``data`` with ``content_type`` as its header."""

    def __init__(self, parts: Sequence[FilePart]) -> None:
        self._parts = tuple(parts)
        self._boundary = os.urandom(16).hex()
        self._heads = [self._head(part) for part in self._parts]
        self._tail = f"--{self._boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self._boundary}"

    def __len__(self) -> int:
        files = sum(len(head) + part.size + 2 for head, part in zip(self._heads, self._parts, strict=True))
        return files + len(self._tail)

    def __iter__(self) -> Iterator[bytes]:
        for head, part in zip(self._heads, self._parts, strict=True):
            yield head
            sent = 0
            reader = part.opener()
            try:
                while sent < part.size and (piece := reader.read(min(PIECE_BYTES, part.size - sent))):
                    sent += len(piece)
                    yield piece
            finally:
                reader.close()
            if sent != part.size:
                raise InvalidRequestError(
                    f"{part.label} changed while it was being sent: it had {part.size} bytes when the call began, "
                    f"{sent} now. Send it again once it is written."
                )
            yield b"\r\n"
        yield self._tail

    def _head(self, part: FilePart) -> bytes:
        filename = "".join(" " if char in '\r\n"\\' else char for char in part.filename) or "image"
        return (
            f"--{self._boundary}\r\n"
            f'Content-Disposition: form-data; name="{part.field}"; filename="{filename}"\r\n'
            f"Content-Type: {part.mime_type}\r\n\r\n"
        ).encode()
