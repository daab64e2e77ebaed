"""A deadline for a whole call: every wait and every loop asks it how long is left."""

from __future__ import annotations

import time
from collections.abc import Callable

from ..errors import TimeoutError
from .cancel import Cancellation
from .spelling import advice


class Deadline:
    """A point in time, ``seconds`` after creation, measured on a monotonic ``clock``; ``sleep`` passes
    time on that clock (a test's fake clock moves both, so waits and loops run without waiting)."""

    def __init__(
        self,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._sleep = sleep
        self._start = clock()

    @property
    def elapsed(self) -> float:
        return self._clock() - self._start

    def remaining(self) -> float:
        """Seconds left; never negative."""
        return max(0.0, self.seconds - self.elapsed)

    def ends_at(self) -> float | None:
        """When the deadline passes on ``time.monotonic()``; None on any other clock."""
        if self._clock is not time.monotonic:
            return None
        return self._start + self.seconds

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def sleep(self, seconds: float, cancellation: Cancellation | None = None) -> None:
        """Wait ``seconds`` on this deadline's clock; CallCancelledError as soon as ``cancellation`` is
        cancelled."""
        if self._sleep is not None:
            self._sleep(seconds)
            if cancellation is not None:
                cancellation.check()
        elif cancellation is not None:
            cancellation.sleep(seconds)
        else:
            time.sleep(seconds)

    def check(self, doing: str, provider: str | None = None) -> None:
        """Raise TimeoutError (naming ``provider``) if the deadline has passed; ``doing`` says what was under way."""
        if self.expired:
            raise TimeoutError(self.message(doing), provider=provider)

    def message(self, doing: str) -> str:
        return (
            f"Gave up {doing} after {self.seconds:g} s (the call's timeout). "
            f"Free spaces can be slow or queued: pass a larger {advice('timeout=', '--timeout')}, "
            "or try another provider."
        )
