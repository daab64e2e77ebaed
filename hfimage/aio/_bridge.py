"""Running a blocking call in a worker thread and receiving its events on the event loop.

No protocol logic lives here: the worker iterates the sync client's events and hands each
one to the loop through a memory object stream. Stopping (a cancelled task, a closed
stream, an early exit) cancels the call, which shuts down its sockets at once, then waits
briefly for the worker to finish so that no thread is left behind.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from types import TracebackType

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread

from .._core.cancel import Cancellation
from ..errors import CallCancelledError
from ..results import Event, Image

JOIN_SECONDS = 0.4
"""How long closing waits for the worker. Cancelling shuts down every socket the call uses, so the
worker ends within milliseconds; only work nothing can interrupt (a DNS look-up, a file write)
outlasts this, and then the worker finishes on its own, its results dropped."""
BUFFER = 8

Start = Callable[[Cancellation], Generator[Event, None, None]]
LimiterFor = Callable[[], anyio.CapacityLimiter]


@dataclass(frozen=True)
class _Failure:
    error: BaseException


class EventStream:
    """The events of one call, as an async context manager and, inside it, an async iterator.

    ::

        async with client.stream("a cat") as events:
            async for event in events:
                ...
    """

    def __init__(self, start: Start, limiter_for: LimiterFor, *, download_final: bool) -> None:
        self._start = start
        self._limiter_for = limiter_for
        self._download_final = download_final
        self._cancellation = Cancellation()
        self._thread: threading.Thread | None = None
        self._limiter: anyio.CapacityLimiter | None = None

    async def __aenter__(self) -> EventStream:
        limiter = self._limiter_for()
        await limiter.acquire_on_behalf_of(self)
        self._limiter = limiter
        self._send, self._receive = anyio.create_memory_object_stream[Event | _Failure](BUFFER)
        token = anyio.lowlevel.current_token()
        self._thread = threading.Thread(target=self._work, args=(token,), name="hfimage-worker", daemon=True)
        self._thread.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> Event:
        if self._thread is None:
            raise RuntimeError("Use the stream as 'async with ... as events' before iterating it.")
        try:
            item = await self._receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None
        if isinstance(item, _Failure):
            raise item.error
        return item

    def stop(self) -> None:
        """Cancel the call without waiting; safe anywhere, even where nothing can be awaited."""
        self._cancellation.cancel()
        if self._thread is not None:
            self._receive.close()

    async def aclose(self) -> None:
        """Cancel the call if it still runs, and wait (shielded, briefly) for its worker to end."""
        self.stop()
        try:
            if self._thread is not None:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(self._thread.join, JOIN_SECONDS, abandon_on_cancel=True)
                self._send.close()  # the worker closes it when it ends in time; this covers when it does not
        finally:
            if self._limiter is not None:
                self._limiter.release_on_behalf_of(self)
                self._limiter = None

    def _work(self, token: anyio.lowlevel.EventLoopToken) -> None:
        try:
            with contextlib.closing(self._start(self._cancellation)) as events:
                for event in events:
                    if self._download_final and isinstance(event, Image):
                        event.content  # noqa: B018 - fetched here so that reading it never blocks the loop
                    anyio.from_thread.run(self._send.send, event, token=token)
        except (CallCancelledError, anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass  # the async side has stopped listening: nothing is left to deliver
        except Exception as error:  # noqa: BLE001 - handed over whole, to be raised on the event loop
            self._deliver(_Failure(error), token)
        finally:
            with contextlib.suppress(RuntimeError):  # the event loop has already finished
                anyio.from_thread.run_sync(self._send.close, token=token)

    def _deliver(self, item: _Failure, token: anyio.lowlevel.EventLoopToken) -> None:
        with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError, RuntimeError):
            anyio.from_thread.run(self._send.send, item, token=token)
