"""ImageLabs: start once, poll until done, every status shape typed."""

import pytest

import hfimage
from hfimage import ProtocolError, RateLimitError, ServiceUnavailableError

from ..helpers import imagelabs_events

SITE = "https://editor.imagelabs.net"

pytestmark = pytest.mark.usefixtures("quick_polls")


@pytest.mark.parametrize(
    ("start", "message"),
    [({}, "no task_id"), ({"task_id": ""}, "no task_id"), ({"task_id": None}, "no task_id"), ([], "no task_id")],
)
def test_a_start_without_a_task_id_is_a_protocol_error(imagelabs_mock, start, message):
    imagelabs_mock.post(f"{SITE}/txt2img", json=start)
    with pytest.raises(ProtocolError, match=message):
        imagelabs_events()


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
        imagelabs_events()
    assert len(imagelabs_mock.calls) == 1


def test_imagelabs_refuses_parameters_it_does_not_take():
    with pytest.raises(hfimage.InvalidRequestError, match="ImageLabs does not take steps, guidance_scale"):
        imagelabs_events(steps=4, guidance_scale=2)
