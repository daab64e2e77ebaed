"""Every wait and loop of a call on a fake clock: each ends at the call's deadline, waits as long as it
should, and stops at a cancellation; nothing here waits for real."""

import json
from collections.abc import Iterator

import pytest
import responses

import hfimage
from hfimage import CallCancelledError, ServiceUnavailableError, TimeoutError
from hfimage._calls.fallback import run_plan
from hfimage._calls.plan import CallDefaults, make_plan
from hfimage._calls.rests import Rests
from hfimage._core.deadline import Deadline
from hfimage._http.call import CallContext
from hfimage._http.channel import Channel
from hfimage._http.transport import Transport
from hfimage._protocols.gradio.directory import AppDirectory
from hfimage._protocols.gradio.finding import WAKE_POLL_SECONDS, Finder, Target
from hfimage._protocols.hub import Hub
from hfimage._protocols.imagelabs import run_task
from hfimage._protocols.poll import PollSchedule
from hfimage.providers import Job, Provider, RunContext
from hfimage.testing import FLUX_INPUTS, Signature, app_config

from ..helpers import FakeClock

ROOT = "http://127.0.0.1:7860"
SITE = "http://127.0.0.1:7861"
CONFIG = app_config(Signature("infer", FLUX_INPUTS))
ASLEEP = "<!DOCTYPE html><html><body>This Space is sleeping.</body></html>"


def channel(clock, seconds, cancellation=None):
    return Channel(Transport(), Deadline(seconds, clock=clock, sleep=clock.sleep), "P", cancellation=cancellation)


def finder(chan):
    return Finder(Target("owner/dozing", ROOT, "owner/dozing"), chan, AppDirectory(), Hub())


def test_a_sleeping_space_is_asked_every_few_seconds_until_the_calls_deadline():
    clock = FakeClock()
    with responses.RequestsMock() as mock:
        mock.get(f"{ROOT}/config", status=503, body=ASLEEP, content_type="text/html")
        with pytest.raises(TimeoutError, match=r"Gave up waiting for the space to wake up after 30 s"):
            finder(channel(clock, 30)).wake(named=False)
        assert clock.sleeps == [WAKE_POLL_SECONDS] * 6
        assert len(mock.calls) == 5  # after the sixth wait the deadline has passed: nothing more is sent


def test_a_space_that_wakes_is_found_at_the_next_look():
    clock = FakeClock()
    woken_at = clock.now + 12

    def config(request):
        if clock.now < woken_at:
            return 503, {"Content-Type": "text/html"}, ASLEEP
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps(CONFIG),
        )

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{ROOT}/config", callback=config)
        found = finder(channel(clock, 300)).wake(named=False)
    assert (found.root, list(found.app.endpoints), found.remembered) == (ROOT, ["infer"], False)
    assert clock.sleeps == [5.0, 5.0, 5.0]


def test_a_wait_between_looks_ends_at_once_when_the_call_is_cancelled():
    clock = FakeClock()
    cancellation = hfimage.Cancellation()
    cancellation.cancel()
    with responses.RequestsMock() as mock, pytest.raises(CallCancelledError):
        finder(channel(clock, 300, cancellation)).wake(named=False)
    assert len(mock.calls) == 0


def test_the_last_wait_is_cut_to_what_is_left_of_the_deadline():
    clock = FakeClock()
    with responses.RequestsMock() as mock:
        mock.get(f"{ROOT}/config", status=503, body=ASLEEP, content_type="text/html")
        with pytest.raises(TimeoutError):
            finder(channel(clock, 12)).wake(named=False)
    assert clock.sleeps == [5.0, 5.0, 2.0]


def test_imagelabs_polls_on_its_schedule_and_stops_at_the_deadline():
    clock = FakeClock()
    schedule = PollSchedule(first=0.5, step=0.5, ceiling=2.0)
    with responses.RequestsMock() as mock:
        mock.post(f"{SITE}/txt2img", json={"task_id": "t1"})
        mock.post(f"{SITE}/progress", json={"status": "Queued", "progress": 0})
        task = run_task(channel(clock, 6), SITE, {"prompt": "a fox"}, seed=1, schedule=schedule)
        with pytest.raises(TimeoutError, match="after 6 s"):
            list(task)
    assert clock.sleeps == [0.5, 1.0, 1.5, 2.0, 1.0]  # the last one cut to the second that was left
    assert sum(clock.sleeps) == 6.0


def test_a_request_once_the_deadline_has_passed_is_never_sent():
    clock = FakeClock()
    chan = channel(clock, 1)
    clock.sleep(1)
    with responses.RequestsMock() as mock, pytest.raises(TimeoutError, match="after 1 s"):
        chan.get_json(f"{ROOT}/config")
    assert len(mock.calls) == 0


class Stalls(Provider):
    """A provider whose job takes ``seconds`` of the fake clock, then fails as a busy server does."""

    label = "Stalls"
    default_url = "http://127.0.0.1:1"

    def __init__(self, clock: FakeClock, seconds: float, name: str) -> None:
        super().__init__()
        self.clock, self.seconds, self._name, self.ran = clock, seconds, name, 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def models(self) -> tuple[str, ...]:
        return ("flux",)

    def prepare(self, request):
        return Job((), 64, 64, request.seed, request=request)

    def run(self, job: Job, context: RunContext) -> Iterator:
        self.ran += 1
        self.clock.sleep(self.seconds)
        raise ServiceUnavailableError(f"{self.name} is busy.", provider=self.name)
        yield  # a generator, as providers are


def calls(clock, providers, timeout):
    plan = make_plan("a fox", {"provider": providers}, CallDefaults(None, None, timeout, "auto"))
    call = CallContext(Transport(), timeout=plan.timeout, clock=clock, sleep=clock.sleep)
    return list(run_plan(plan, call, AppDirectory(), Hub(), Rests()))


def test_no_provider_is_tried_once_the_calls_deadline_has_passed():
    clock = FakeClock()
    first, second = Stalls(clock, 40, "first"), Stalls(clock, 1, "second")
    with pytest.raises(ServiceUnavailableError, match="first is busy"):
        calls(clock, [first, second], timeout=30)
    assert (first.ran, second.ran) == (1, 0)


def test_within_the_deadline_the_next_provider_is_tried():
    clock = FakeClock()
    first, second = Stalls(clock, 10, "first"), Stalls(clock, 1, "second")
    with pytest.raises(hfimage.AllProvidersFailedError) as caught:
        calls(clock, [first, second], timeout=30)
    assert [attempt.provider for attempt in caught.value.attempts] == ["first", "second"]
    assert (first.ran, second.ran) == (1, 1)
