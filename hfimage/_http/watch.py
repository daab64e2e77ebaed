"""The deadline as a wall: sockets in use are shut down when their call's time is up.

requests' timeouts bound each socket operation, not the whole answer: a server that sends
one byte every half second is never cut off by them. So every socket a call reads or
writes is registered with the call's ``Watch`` while it is in use, and one watchdog thread
shuts it down when the deadline passes, which ends any blocked read or write at once. A
cancellation does the same from the thread that cancels.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator

from .._core.cancel import Cancellation, shut
from .._core.deadline import Deadline

LINGER_SECONDS = 0.5
"""How long the watchdog thread waits for new work before it ends (a burst of calls shares one thread)."""


_lock = threading.Lock()
_holders: dict[socket.socket, Watch] = {}
"""The watch of the call using each socket now; a socket back in the pool is in none."""


class Watch:
    """The sockets one call is using now; shut down at its deadline or when it is cancelled."""

    def __init__(self, deadline: Deadline, cancellation: Cancellation | None = None) -> None:
        self.deadline = deadline
        self.cancellation = cancellation
        self._sockets: dict[socket.socket, int] = {}
        self._expired = False
        self._cut = False

    @property
    def expired(self) -> bool:
        """True once the watchdog has cut this call's sockets, or its deadline has passed."""
        return self._expired or self.deadline.expired

    @contextlib.contextmanager
    def using(self, sock: socket.socket | None) -> Iterator[None]:
        """While inside, ``sock`` is shut down at the deadline or on cancellation (at once if either has come)."""
        if sock is None:
            yield
            return
        with _lock:
            first = not self._sockets
            self._sockets[sock] = self._sockets.get(sock, 0) + 1
            _holders[sock] = self
            if self._cut:
                shut(sock)
        if first:
            _WATCHDOG.add(self)
            if self.cancellation is not None:
                self.cancellation.listen(self.cut)
        try:
            yield
        finally:
            with _lock:
                count = self._sockets.pop(sock, 0) - 1
                if count > 0:
                    self._sockets[sock] = count
                elif _holders.get(sock) is self:
                    del _holders[sock]
                last = not self._sockets
            if last:
                _WATCHDOG.discard(self)
                if self.cancellation is not None:
                    self.cancellation.forget(self.cut)

    def expire(self) -> None:
        """The deadline has come: shut down every socket in use."""
        self._expired = True
        self.cut()

    def cut(self) -> None:
        """Shut down every socket in use, and any this watch is given from now on."""
        with _lock:  # held while shutting, so that a socket handed back to the pool is never shut
            self._cut = True
            for sock in self._sockets:
                shut(sock)


def released(sock: socket.socket | None) -> None:
    """``sock`` is going back to the connection pool: no call's deadline or cancellation may shut it now."""
    if sock is None:
        return
    with _lock:
        watch = _holders.pop(sock, None)
        if watch is not None:
            watch._sockets.pop(sock, None)


class _Watchdog:
    """One thread that expires watches when their deadlines come; it ends when no watch is in use.

    Deadlines wait in a heap, each watch at most once; a watch that is not using a socket when
    its time comes is skipped (the next read checks the deadline itself).
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Watch]] = []
        self._queued: set[Watch] = set()
        self._in_use: set[Watch] = set()
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._wakes_at = 0.0
        """When the thread, waiting, will next wake by itself (0 while it is awake)."""
        self._idle_since = 0.0
        """When the last watch in use stopped using its sockets; the thread lingers from then."""

    def add(self, watch: Watch) -> None:
        ends_at = watch.deadline.ends_at()
        if ends_at is None:  # a deadline on a test's fake clock: nothing real to wait for
            return
        with self._wake:
            self._in_use.add(watch)
            if watch not in self._queued:
                self._queued.add(watch)
                heapq.heappush(self._heap, (ends_at, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hfimage-watchdog", daemon=True)
                self._thread.start()
            elif ends_at < self._wakes_at:
                self._wake.notify()  # it would wake too late for this deadline

    def discard(self, watch: Watch) -> None:
        # No wake-up: the thread notices it has nothing to watch within LINGER_SECONDS. Waking it
        # here (and again at the next request) cost two thread switches per request.
        with self._wake:
            self._in_use.discard(watch)
            if not self._in_use:
                self._idle_since = time.monotonic()

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._in_use:
                    idle_until = self._wakes_at = self._idle_since + LINGER_SECONDS
                    while not self._in_use and (left := idle_until - time.monotonic()) > 0:
                        self._wake.wait(left)
                    if not self._in_use:
                        self._heap.clear()
                        self._queued.clear()
                        self._thread = None
                        return
                now = time.monotonic()
                due = []
                while self._heap and self._heap[0][0] <= now:
                    watch = heapq.heappop(self._heap)[2]
                    self._queued.discard(watch)
                    if watch in self._in_use:
                        due.append(watch)
                if not due:
                    # at the next deadline, or sooner to notice that nothing is in use any more
                    wait = min(self._heap[0][0] - now, LINGER_SECONDS) if self._heap else LINGER_SECONDS
                    self._wakes_at = now + wait
                    self._wake.wait(wait)
                    self._wakes_at = 0.0
            for watch in due:
                watch.expire()


_WATCHDOG = _Watchdog()
