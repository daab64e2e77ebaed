"""ImageLabs: start once, poll until done, every status shape typed."""

import pytest
import responses
from responses.registries import OrderedRegistry

import hfimage
from hfimage import ProtocolError, RateLimitError, ServiceUnavailableError
from hfimage._protocols.poll import PollSchedule
from hfimage.providers import ImageLabs

SITE = "https://editor.imagelabs.net"


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setattr(ImageLabs, "schedule", PollSchedule(first=0.001, step=0.0, ceiling=0.001))


@pytest.fixture
def imagelabs_mock():
    with responses.RequestsMock(registry=OrderedRegistry) as mock:
        yield mock


def run(**params):
    with hfimage.Client(timeout=5) as client:
        return list(client.stream("a red fox", model="sdxl-turbo", **params))


@pytest.mark.parametrize(
    ("start", "message"),
    [({}, "no task_id"), ({"task_id": ""}, "no task_id"), ({"task_id": None}, "no task_id"), ([], "no task_id")],
)
def test_a_start_without_a_task_id_is_a_protocol_error(imagelabs_mock, start, message):
    imagelabs_mock.post(f"{SITE}/txt2img", json=start)
    with pytest.raises(ProtocolError, match=message):
        run()


@pytest.mark.parametrize(
    ("status", "headers", "error_type"),
    [
        (429, {"Retry-After": "7"}, RateLimitError),
        (503, {}, ServiceUnavailableError),
        (500, {}, ServiceUnavailableError),
    ],
)
def test_http_failures_of_the_start_are_typed_and_never_resent(imagelabs_mock, status, headers, error_type):
    imagelabs_mock.post(f"{SITE}/txt2img", status=status, headers=headers, json={"detail": "busy"})
    with pytest.raises(error_type):
        run()
    assert len(imagelabs_mock.calls) == 1


def test_imagelabs_refuses_parameters_it_does_not_take():
    with pytest.raises(hfimage.InvalidRequestError, match="ImageLabs does not take steps, guidance_scale"):
        run(steps=4, guidance_scale=2)
