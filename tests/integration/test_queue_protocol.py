"""The Gradio queue route: every message kind, demultiplexing, route choice."""

import threading

import pytest

import hfimage
from hfimage import (
    Image,
    Notice,
    Progress,
    Queued,
    Started,
)
from hfimage.providers import BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell
from hfimage.testing import FakeSpace, error, heartbeat, notice, pause, progress, queued


def test_a_queue_that_only_heartbeats_ends_at_the_deadline(fake_space):
    fake_space.script([*[heartbeat(), pause(0.1)] * 300])
    with hfimage.Client(timeout=1, protocol="queue") as client, pytest.raises(hfimage.TimeoutError, match="after 1 s"):
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
    for _ in range(500):  # the server notes the hang-up a moment later
        if fake_space.cancelled:
            break
        threading.Event().wait(0.01)
    assert len(fake_space.cancelled) == 1  # cut while the job still ran, not when the server ended it


def test_the_fake_speaks_the_queue_route_with_reports(fake_space):
    fake_space.script([queued(1, 2, 3.0), notice("Waiting for a GPU"), progress(1, 4), fake_space.final(8)])
    with hfimage.Client(protocol="queue") as client:
        events = list(client.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url)))
    assert [type(event) for event in events] == [Queued, Started, Queued, Notice, Progress, Image]
    assert events[2].rank == 1


def test_when_every_candidate_cools_down_the_call_fails_at_once_with_the_soonest_wait(fake_space):
    with FakeSpace() as second:
        fake_space.script([error({"error": "Space app has reached its GPU limit. Please retry in 0:01:00"})])
        second.script([error({"error": "Space app has reached its GPU limit. Please retry in 0:00:30"})])
        providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second.url)]
        with hfimage.Client() as client:
            with pytest.raises(hfimage.AllProvidersOutOfQuotaError):
                client.generate("a cat", provider=providers)
            sent = len(fake_space.requests) + len(second.requests)
            with pytest.raises(hfimage.AllProvidersOutOfQuotaError) as caught:
                client.generate("a cat", provider=providers)
            assert len(fake_space.requests) + len(second.requests) == sent
    assert 25 < caught.value.retry_after <= 30
