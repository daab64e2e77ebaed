"""The poll loop's timing, on a fake clock: quick to notice a finished task, gentle on long ones."""

import itertools

import pytest

import hfimage
from hfimage._core.deadline import Deadline
from hfimage._protocols.poll import PollSchedule, polls

from ..helpers import FakeClock


def poll_times(task_seconds):
    """When each poll is made, for a task done ``task_seconds`` after the start, up to the first that sees it."""
    time = FakeClock(now=0.0)
    times = []
    for _ in polls(Deadline(3600, clock=time), PollSchedule(), sleep=time.sleep):
        times.append(time.now)
        if time.now >= task_seconds:
            return times
    raise AssertionError("unreachable")


def test_the_waits_start_short_and_grow_to_one_second():
    delays = PollSchedule().delays()
    assert [round(next(delays), 3) for _ in range(22)] == [
        0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55,
        0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.0, 1.0,
    ]  # fmt: skip


@pytest.mark.parametrize("task_seconds", [0.01, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0])
def test_a_short_task_is_noticed_within_a_third_of_a_second(task_seconds):
    assert poll_times(task_seconds)[-1] - task_seconds <= 0.3 + 1e-9


@pytest.mark.parametrize("task_seconds", [10.0, 30.0, 60.0, 120.0, 600.0])
def test_a_long_task_is_noticed_within_a_second_and_polled_about_once_a_second(task_seconds):
    times = poll_times(task_seconds)
    assert times[-1] - task_seconds <= 1.0 + 1e-9
    gaps_after_ramp = [later - earlier for earlier, later in itertools.pairwise(times) if earlier >= 10.5]
    assert all(gap == pytest.approx(1.0) for gap in gaps_after_ramp)
    assert len(times) <= task_seconds + 11  # the ramp costs ten polls more than one a second


def test_polls_never_outlive_the_deadline():
    time = FakeClock(now=0.0)
    deadline = Deadline(5, clock=time)
    made = []
    with pytest.raises(hfimage.TimeoutError, match="after 5 s"):
        made.extend(polls(deadline, PollSchedule(), sleep=time.sleep))
    assert time.now == pytest.approx(5.0)
    assert sum(time.sleeps) == pytest.approx(5.0)
    assert len(made) == 13  # polls at 0.05, 0.15, 0.3, ... 4.55; the wait for the next one reaches the deadline
