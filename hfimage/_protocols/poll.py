"""When to poll: quickly at first, then less often, never past the deadline.

Pure timing with an injectable ``sleep``; the deadline carries the (injectable) clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .._core.deadline import Deadline


@dataclass(frozen=True)
class PollSchedule:
    """Waits between polls: ``first``, then ``step`` longer each time, up to ``ceiling`` seconds.

    The defaults notice a fast task within a tenth of a second or so, and poll a long one about
    once a second.
    """

    first: float = 0.05
    step: float = 0.05
    ceiling: float = 1.0

    def delays(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay
            delay = min(self.ceiling, delay + self.step)


def polls(
    deadline: Deadline,
    schedule: PollSchedule,
    *,
    sleep: Callable[[float], None] = time.sleep,
    doing: str = "waiting for the image",
    provider: str | None = None,
) -> Iterator[int]:
    """Yield the number of each poll when it is due; raise TimeoutError once the deadline has passed."""
    for count, delay in enumerate(schedule.delays(), start=1):
        deadline.check(doing, provider)
        sleep(min(delay, deadline.remaining()))
        deadline.check(doing, provider)
        yield count
    raise AssertionError("unreachable: the schedule never ends")  # pragma: no cover
