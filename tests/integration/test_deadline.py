"""One deadline per call, kept even by servers that stall or only send heartbeats."""

import threading
import time

import pytest

import hfimage
from hfimage._http import watch
from hfimage.providers import BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell
from hfimage.testing import FakeSpace, Fault, error, heartbeat, pause

from ..helpers import SLACK


def timed(call):
    started = time.monotonic()
    with pytest.raises(hfimage.TimeoutError) as caught:
        call()
    return time.monotonic() - started, caught.value


def test_a_stream_of_heartbeats_only_ends_at_the_deadline(fake_space):
    fake_space.script([*[heartbeat(), pause(0.1)] * 300])
    with hfimage.Client(timeout=1) as client:
        took, error = timed(lambda: client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url)))
    assert 1.0 <= took < 1.0 + SLACK
    assert "after 1 s (the call's timeout)" in str(error)


def test_a_silent_server_cannot_outlive_the_deadline(fake_space):
    fake_space.script([pause(30), fake_space.final()])
    with hfimage.Client(timeout=1) as client:
        took, _ = timed(lambda: client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url)))
    assert 1.0 <= took < 1.0 + SLACK


def test_the_deadline_covers_every_attempt(fake_space):
    with FakeSpace() as slow:
        fake_space.script([pause(0.5), error(None)])
        slow.script([pause(30), slow.final()])
        providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=slow.url)]
        with hfimage.Client() as client:
            took, _ = timed(lambda: client.generate("a cat", provider=providers, timeout=1.2))
        assert len([r for r in slow.requests if r.method == "POST"]) == 1
    assert 1.2 <= took < 1.2 + SLACK


def test_no_fallback_once_the_deadline_has_passed(fake_space):
    with FakeSpace() as second:
        fake_space.script([*[heartbeat(), pause(0.1)] * 100])
        providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second.url)]
        with hfimage.Client(timeout=0.8) as client:
            timed(lambda: client.generate("a cat", provider=providers))
        assert second.requests == []


def test_a_short_deadline_is_kept_while_the_watchdog_waits_for_a_long_one(monkeypatch):
    """The watchdog sleeps until its next deadline (or LINGER_SECONDS); a call whose deadline comes
    sooner must wake it, or a server that drips bytes (so no socket timeout fires) holds the call
    until the watchdog wakes on its own."""
    monkeypatch.setattr(watch, "LINGER_SECONDS", 60.0)
    cancellation = hfimage.Cancellation()
    with FakeSpace() as slow, FakeSpace() as short, hfimage.Client() as client:
        for space in (slow, short):
            space.inject(Fault(route="/config", drip=0.05))
        plan = client.plan("a fox", timeout=30, provider=BlackForestLabs_Flux1Schnell(url=slow.url))

        def long_call():
            with pytest.raises(hfimage.CallCancelledError):
                hfimage.final_image(client.run(plan, cancellation))

        waiting = threading.Thread(target=long_call, daemon=True)
        waiting.start()
        time.sleep(0.3)  # the watchdog now waits for the long call's deadline, 30 s away
        started = time.monotonic()
        with pytest.raises(hfimage.TimeoutError):
            client.generate("a fox", timeout=0.3, provider=BlackForestLabs_Flux1Schnell(url=short.url))
        took = time.monotonic() - started
        cancellation.cancel()
        waiting.join()
    assert took < 0.3 + SLACK  # not the 30 s until the watchdog would wake for the long call
