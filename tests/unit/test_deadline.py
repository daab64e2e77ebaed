"""One deadline per call, kept even by servers that stall or only send heartbeats."""

import pytest

import hfimage
from hfimage._core.deadline import Deadline

from ..helpers import FakeClock

"""What a slow, busy machine may add to a deadline; every server here would hold a call 30 s or more."""


def test_a_deadline_counts_down_on_its_clock_and_raises_once_passed():
    clock = FakeClock()
    deadline = Deadline(10, clock=clock)
    clock.now += 4
    assert deadline.remaining() == 6
    assert deadline.elapsed == 4
    deadline.check("waiting")
    clock.now += 7
    assert deadline.remaining() == 0
    with pytest.raises(hfimage.TimeoutError, match="Gave up waiting after 10 s"):
        deadline.check("waiting")
