"""Running a blocking call in a worker thread and receiving its events on the event loop.

No protocol logic lives here: the worker iterates the sync client's events and hands each
one to the loop through a memory object stream. Stopping (a cancelled task, a closed
stream, an early exit) cancels the call, which shuts down its sockets at once, then waits
briefly for the worker to finish so that no thread is left behind.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from types import TracebackType

import anyio
import anyio.lowlevel
import anyio.to_thread

from .._core.cancel import Cancellation
from ..errors import CallCancelledError
from ..results import Event, Image

JOIN_SECONDS = 0.4
"""How long closing waits for the worker. Cancelling shuts down every socket the call uses, so the
worker ends within milliseconds; only work nothing can interrupt (a DNS look-up, a file write)
outlasts this, and then the worker finishes on its own, its results dropped."""
RETURN_POLL_SECONDS = 0.0005

Start = Callable[[Cancellation], Generator[Event, None, None]]
LimiterFor = Callable[[], anyio.CapacityLimiter]
Soon = Callable[..., object]


async def _returned(thread: threading.Thread) -> None:
    """Wait for a worker that has handed over its last item, and has only to return, to end.

    It needs nothing but the GIL, which it gets as soon as the loop waits, so short sleeps
    (rather than a thread to join it, two thread switches) see it end; bounded by JOIN_SECONDS.
    """
    for _ in range(int(JOIN_SECONDS / RETURN_POLL_SECONDS)):
        if not thread.is_alive():
            return
        await anyio.sleep(RETURN_POLL_SECONDS)


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

    def __init__(
        self, start: Start, limiter_for: LimiterFor, *, download_final: bool, images_only: bool = False
    ) -> None:
        self._start = start
        self._limiter_for = limiter_for
        self._download_final = download_final
        self._images_only = images_only
        """Hand over Images only: for a caller provider wants the result, other events wake the loop for nothing."""
        self._cancellation = Cancellation()
        self._thread: threading.Thread | None = None
        self._limiter: anyio.CapacityLimiter | None = None
        self._ended = False
        """True once the worker has handed over its last item: it has nothing left to do but return."""

    async def __aenter__(self) -> EventStream:
        limiter = self._limiter_for()
        await limiter.acquire_on_behalf_of(self)
        self._limiter = limiter
        # Unbounded, so the worker never waits for the loop: a call's events are few and small.
        self._send, self._receive = anyio.create_memory_object_stream[Event | _Failure](math.inf)
        soon = _soon(anyio.lowlevel.current_token())
        self._thread = threading.Thread(target=self._work, args=(soon,), name="hfimage-worker", daemon=True)
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
        except anyio.EndOfStream:
            self._ended = True
            raise StopAsyncIteration from None
        except anyio.ClosedResourceError:
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
            if self._thread is not None and self._ended:
                with anyio.CancelScope(shield=True):
                    await _returned(self._thread)
            elif self._thread is not None:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(self._thread.join, JOIN_SECONDS, abandon_on_cancel=True)
                self._send.close()  # the worker closes it when it ends in time; this covers when it does not
        finally:
            if self._limiter is not None:
                self._limiter.release_on_behalf_of(self)
                self._limiter = None

    def _work(self, soon: Soon) -> None:
        try:
            with contextlib.closing(self._start(self._cancellation)) as events:
                for event in events:
                    if self._images_only and not isinstance(event, Image):
                        continue
                    if self._download_final and isinstance(event, Image):
                        event.content  # noqa: B018 - fetched here so that reading it never blocks the loop
                    soon(self._put, event)
        except CallCancelledError:
            pass  # the async side has stopped listening: nothing is left to deliver
        except Exception as error:  # noqa: BLE001 - handed over whole, to be raised on the event loop
            with contextlib.suppress(RuntimeError):  # the event loop has already finished
                soon(self._put, _Failure(error))
        finally:
            with contextlib.suppress(RuntimeError):
                soon(self._send.close)

    def _put(self, item: Event | _Failure) -> None:
        """On the event loop: queue ``item`` for the consumer, unless it has stopped listening."""
        with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
            self._send.send_nowait(item)


def _soon(token: object) -> Soon:
    """The event loop's own way to run a function on it soon, from another thread, without waiting:
    a tenth of the cost of ``anyio.from_thread.run_sync``, which waits for the loop to answer.
    Raises RuntimeError once the loop has finished."""
    native = getattr(token, "native_token", token)
    schedule: Soon | None = getattr(native, "call_soon_threadsafe", None) or getattr(native, "run_sync_soon", None)
    if schedule is None:
        raise RuntimeError(f"hfimage.aio runs on asyncio or trio; this event loop is {native!r}.")
    return schedule
