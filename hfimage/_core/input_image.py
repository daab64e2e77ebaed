"""An image a call sends to an app (``image=``): where its bytes come from, and what is known of them."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

SPOOL_BYTES = 1 << 20
"""A copy kept aside (of a file that cannot seek, of an image fetched from a URL) stays in memory up to
this size, and goes to a temporary file beyond it."""


@dataclass(frozen=True)
class InputImage:
    """One image to send, checked when the call was planned.

    ``label`` names it in messages (its path, URL or kind); ``name`` is the file name the app is
    told. ``opener`` gives a fresh reader of its bytes from the start, each time an app needs them;
    it is None for an http(s) ``url`` hfimage fetches while the call runs (``mime_type`` and
    ``size`` are None until then). ``result_url`` is where an earlier result lives: the app that
    made it takes it by its server path, without a second transfer.
    """

    label: str
    name: str
    mime_type: str | None = None
    size: int | None = None
    opener: Callable[[], Reader] | None = field(default=None, repr=False, compare=False)
    url: str | None = None
    result_url: str | None = None

    def open(self) -> Reader:
        """A reader of the bytes from their start; close it when done."""
        if self.opener is None:
            raise ValueError(f"{self.label} is fetched while the call runs; it has no bytes yet")
        return self.opener()


class Reader(Protocol):
    """What an image's bytes are read through: ``read`` up to a size, then ``close``."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class SeekableFile(Protocol):
    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class Window:
    """A reader of ``size`` bytes of a seekable file from ``start``. Closing it leaves the file open
    unless it ``owns`` it: a caller's file object stays theirs, and each upload reads it again from
    the same place."""

    def __init__(self, file: SeekableFile, start: int, size: int, *, owns: bool = False) -> None:
        self._file = file
        self._start = start
        self._size = size
        self._offset = 0
        self._owns = owns

    def read(self, size: int = -1, /) -> bytes:
        left = self._size - self._offset
        wanted = left if size < 0 else min(size, left)
        if wanted <= 0:
            return b""
        self._file.seek(self._start + self._offset)
        data = self._file.read(wanted)
        self._offset += len(data)
        return data

    def close(self) -> None:
        if self._owns:
            self._file.close()


class Spool(tempfile.SpooledTemporaryFile[bytes]):
    """A copy kept aside, in memory while small and on disk beyond ``SPOOL_BYTES``; closed (its disk space
    freed) once nothing reads it any more, as well as when closed."""

    def __init__(self) -> None:
        super().__init__(max_size=SPOOL_BYTES)

    def __del__(self) -> None:
        self.close()
