"""A streamed response's body, read within the call's deadline and cut by its cancellation."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import requests
import urllib3.exceptions

from .._core.deadline import Deadline
from ..errors import HFImageError, TimeoutError
from .errors import network_error
from .urls import host_of
from .watch import Watch

# What is left of a finished event stream is its last few bytes, sent at once by a healthy server.
FINISH_SECONDS = 0.1
FINISH_BYTES = 65536
FINISH_CAP_SECONDS = 1.0


class Body(Iterator[bytes]):
    """A streamed response's body, chunk by chunk, as the bytes arrive.

    ``piece`` caps how much is read at once: None hands over each chunk of a chunked body as it
    comes (what an event stream needs), but reads a body of known length whole.

    While a read is under way, the response's socket is under the call's watch, so the read
    ends at the deadline or on cancellation however slowly the server sends; between reads the
    socket's own timeout (the read timeout) bounds silence. Only while the response still owns
    its connection: once read to the end, urllib3 hands it back to the pool for other calls.
    """

    def __init__(
        self,
        timeouts: tuple[float, float],
        response: requests.Response,
        *,
        watch: Watch,
        provider: str | None,
        piece: int | None,
    ) -> None:
        self._timeouts = timeouts
        self._response = response
        self._url = response.url
        self._watch = watch
        self._provider = provider
        self._chunks = response.iter_content(chunk_size=piece)
        self._soft_deadline: Deadline | None = None
        self._quiet = timeouts[1]

    def __next__(self) -> bytes:
        watch = self._watch
        while True:
            remaining = watch.deadline.remaining()
            if self._soft_deadline is not None:
                remaining = min(remaining, self._soft_deadline.remaining())
            if remaining <= 0 or watch.expired:
                raise self._timeout()
            sock = _socket_of(self._response)
            if sock is not None:
                with contextlib.suppress(OSError):  # closed under us: the read below says how
                    sock.settimeout(min(self._quiet, remaining))
            try:
                with watch.using(sock):
                    chunk: bytes = next(self._chunks)
            except StopIteration:
                self._check_cut()  # a body that ends when its connection closes ends when it is cut, too
                raise
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                self._check_cut()
                raise network_error(exc, self._url, watch.deadline, self._provider, timeouts=self._timeouts) from exc
            if chunk:
                return chunk

    def _check_cut(self) -> None:
        if self._watch.cancellation is not None:
            self._watch.cancellation.check()
        if self._watch.expired:
            raise self._timeout()

    def _timeout(self) -> TimeoutError:
        return TimeoutError(self._watch.deadline.message(f"waiting for {host_of(self._url)}"), provider=self._provider)

    def finish(self, seconds: float = FINISH_SECONDS, limit: int = FINISH_BYTES) -> bool:
        """Read the rest of a stream whose job is over; True if it ended in time.

        Reaching the end lets urllib3 hand the connection back to the pool, so the next call
        skips a new TCP and TLS handshake. A server that stays silent for ``seconds``, or goes
        on sending for more than ``limit`` bytes or ``FINISH_CAP_SECONDS``, only costs its
        connection, which closing drops. Silence is measured by the socket, so a thread starved
        of the CPU for a moment (many calls at once) does not lose a healthy connection.
        """
        self._quiet = seconds
        self._soft_deadline = Deadline(FINISH_CAP_SECONDS)
        read = 0
        try:
            for chunk in self:
                read += len(chunk)
                if read > limit:
                    return False
        except HFImageError:
            return False
        return True


def _socket_of(response: requests.Response) -> socket.socket | None:
    """The socket a streamed response reads from. For a body that ends when the connection
    closes, http.client has already let go of the connection and only its file holds the socket."""
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        reader = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None
