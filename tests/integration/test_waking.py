"""A space that is not running: its stage from the Hub, and a sleeping one woken within the deadline."""

import threading
import time

import pytest

import hfimage
from hfimage import Image, Notice, SpaceNotRunningError
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, Reply

from ..helpers import SLACK

SLEEPING = Reply(503, "<!DOCTYPE html><html><body>This Space is sleeping. Waking it up...</body></html>", "text/html")


@pytest.fixture(autouse=True)
def quick_wake(monkeypatch):
    monkeypatch.setattr("hfimage._protocols.gradio.finding.WAKE_POLL_SECONDS", 0.2)


def wake_after(space, seconds):
    def wake():
        time.sleep(seconds)
        space.outage = None

    threading.Thread(target=wake, daemon=True).start()


@pytest.mark.parametrize("stage", ["SLEEPING", "APP_STARTING"])
def test_a_sleeping_space_gets_one_notice_and_is_waited_for(fake_hub, stage):
    with FakeSpace() as space:
        fake_hub.add("owner/dozing", space.url, stage=stage)
        space.outage = SLEEPING
        wake_after(space, 1.0)
        with hfimage.Client(timeout=10) as client:
            events = list(client.stream("a cat", space="owner/dozing"))
    notices = [event for event in events if isinstance(event, Notice)]
    assert [notice.message for notice in notices] == [
        f"waking the space up (the Hub says {stage}); this takes a minute or two"
    ]
    assert isinstance(events[-1], Image)


def test_a_space_that_never_wakes_ends_at_the_deadline(fake_hub):
    with FakeSpace() as space:
        fake_hub.add("owner/dozing", space.url, stage="SLEEPING")
        space.outage = SLEEPING
        started = time.monotonic()
        with hfimage.Client(timeout=1.5) as client, pytest.raises(hfimage.TimeoutError, match=r"after 1\.5 s"):
            client.generate("a cat", space="owner/dozing")
    assert time.monotonic() - started < 1.5 + SLACK  # a space that never wakes would be asked forever


def test_a_built_in_providers_paused_space_is_explained_by_the_hub(fake_hub, monkeypatch):
    with FakeSpace() as space:
        monkeypatch.setattr(BlackForestLabs_Flux1Schnell, "default_url", space.url)
        fake_hub.add("black-forest-labs/FLUX.1-schnell", space.url, stage="PAUSED")
        space.outage = Reply(404, "<!DOCTYPE html><html><body>404</body></html>", "text/html")
        with pytest.raises(SpaceNotRunningError) as caught:
            hfimage.generate("a cat", provider="BlackForestLabs_Flux1Schnell")
    assert caught.value.stage == "PAUSED"
    assert str(caught.value).startswith("black-forest-labs/FLUX.1-schnell is paused by its owner")


def test_a_healthy_call_never_asks_the_hub(fake_hub, monkeypatch):
    with FakeSpace() as space:
        monkeypatch.setattr(BlackForestLabs_Flux1Schnell, "default_url", space.url)
        hfimage.generate("a cat", provider="BlackForestLabs_Flux1Schnell")
        hfimage.generate("a cat", space=space.url)
    assert fake_hub.requests == []


def test_a_built_in_provider_whose_hub_cannot_be_reached_keeps_its_own_error(monkeypatch):
    with FakeSpace() as space:
        monkeypatch.setattr(BlackForestLabs_Flux1Schnell, "default_url", space.url)
        space.outage = SLEEPING
        with pytest.raises(hfimage.ServiceUnavailableError) as caught:
            hfimage.generate("a cat", provider="BlackForestLabs_Flux1Schnell")
    assert not isinstance(caught.value, SpaceNotRunningError)
