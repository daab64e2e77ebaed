"""ImageLabs: start once, poll until done, every status shape typed."""

import json

import pytest
import requests

import hfimage
from hfimage import Image, ProtocolError, ProviderError, RateLimitError, ServiceUnavailableError, Status
from hfimage._protocols.poll import PollSchedule
from hfimage.providers import ImageLabs
from hfimage.testing import FakeImageLabs, FinishAfter, Reply

from ..helpers import imagelabs_events

SITE = "https://editor.imagelabs.net"

pytestmark = pytest.mark.usefixtures("quick_polls")

DONE = {"status": "Done", "final_image_url": "https://editor.imagelabs.net/images/1.png"}


class Raw(dict):
    """A scripted answer given as ``responses`` keyword arguments, not as a JSON body."""


def script(mock, *answers):
    mock.post(f"{SITE}/txt2img", json={"task_id": "t-1"})
    for answer in answers:
        if isinstance(answer, Raw):
            mock.post(f"{SITE}/progress", **answer)
        else:
            mock.post(f"{SITE}/progress", json=answer)


def test_a_task_runs_from_start_to_done_with_status_events(imagelabs_mock):
    script(imagelabs_mock, {"status": "Queued"}, {"status": "Queued"}, {"status": "Processing"}, DONE)
    events = imagelabs_events(seed=42, negative_prompt="blur")
    assert [type(event) for event in events] == [Status, Status, Image]
    assert [event.status for event in events[:2]] == ["Queued", "Processing"]
    image = events[-1]
    assert (image.url, image.seed, image.width, image.height) == (DONE["final_image_url"], 42, 1152, 896)
    assert (image.provider, image.model) == ("ImageLabs", "sdxl-turbo")
    start = imagelabs_mock.calls[0].request
    body = json.loads(start.body)
    assert body.pop("subseed").isdigit()
    assert body == {
        "prompt": "a red fox",
        "seed": "42",
        "attention": 0,
        "tiling": False,
        "negative_prompt": "blur",
        "reference_image": "",
        "reference_image_type": None,
        "reference_strength": 30,
        "width": 1152,
        "height": 896,
    }
    assert start.headers["Origin"] == SITE
    assert start.headers["Referer"] == f"{SITE}/"
    assert start.headers["X-Requested-With"] == "XMLHttpRequest"
    assert start.headers["User-Agent"].startswith("Mozilla/5.0")
    assert [json.loads(call.request.body) for call in imagelabs_mock.calls[1:]] == [{"task_id": "t-1"}] * 4


def test_without_a_seed_one_is_picked_sent_and_reported(imagelabs_mock):
    script(imagelabs_mock, DONE)
    image = imagelabs_events()[-1]
    assert json.loads(imagelabs_mock.calls[0].request.body)["seed"] == str(image.seed)
    assert 0 <= image.seed < 2**32


def test_a_final_image_url_means_done_whatever_the_status(imagelabs_mock):
    script(imagelabs_mock, {"status": "Processing", "final_image_url": "/images/9.png"})
    assert imagelabs_events()[-1].url == f"{SITE}/images/9.png"


@pytest.mark.parametrize("status", ["Error: prompt rejected", "error", "Internal ERROR in worker"])
def test_a_status_containing_error_is_a_provider_error_with_the_servers_text(imagelabs_mock, status):
    script(imagelabs_mock, {"status": "Processing"}, {"status": status})
    with pytest.raises(ProviderError) as caught:
        imagelabs_events()
    assert type(caught.value) is ProviderError
    assert str(caught.value) == f"ImageLabs failed: {status}"
    assert caught.value.provider == "ImageLabs"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"status": None}, "without a status"),
        ({}, "without a status"),
        ({"status": 3}, "without a status"),
        ({"status": "Done"}, "done but gives no image URL"),
        ({"status": "Done", "final_image_url": ["x"]}, "image URL that is not text"),
        (Raw(body="[1, 2]"), "answered a progress poll with"),
        (Raw(body="not json"), "not JSON"),
        (Raw(body="<html>oops</html>"), "web page instead of JSON"),
    ],
)
def test_progress_answers_of_unknown_shape_are_protocol_errors(imagelabs_mock, answer, message):
    script(imagelabs_mock, answer)
    with pytest.raises(ProtocolError, match=message):
        imagelabs_events()


def test_a_passing_failure_of_a_poll_is_retried_and_the_start_is_not(imagelabs_mock):
    script(
        imagelabs_mock,
        {"status": "Processing"},
        Raw(status=503, json={"detail": "busy"}),
        Raw(body=requests.ConnectionError("reset")),
        DONE,
    )
    assert isinstance(imagelabs_events()[-1], Image)
    assert [call.request.url for call in imagelabs_mock.calls].count(f"{SITE}/txt2img") == 1


def test_repeated_poll_failures_give_up_with_the_typed_error(imagelabs_mock):
    script(imagelabs_mock, *[Raw(status=502, body="<html>Bad gateway</html>")] * 3)
    with pytest.raises(ServiceUnavailableError, match="HTTP 502"):
        imagelabs_events()
    assert len(imagelabs_mock.calls) == 4


def test_no_hugging_face_token_is_ever_sent(imagelabs_mock, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    script(imagelabs_mock, DONE)
    imagelabs_events(token="hf_call")
    for call in imagelabs_mock.calls:
        assert "X-HF-Authorization" not in call.request.headers
        assert "Authorization" not in call.request.headers
    with pytest.raises(TypeError):
        ImageLabs(token="hf_x")  # type: ignore[call-arg]


def test_end_to_end_against_the_fake_server(monkeypatch):
    with FakeImageLabs() as server:
        monkeypatch.setattr(ImageLabs, "default_url", server.url)
        image = hfimage.generate("a red fox", model="sdxl-turbo", seed=5, width=512, height=512)
        assert image.content == server.images[image.url.rsplit("/", 1)[1][:-4]]
        assert image.mime_type == "image/png"
        assert (image.seed, image.width, image.height) == (5, 512, 512)
        assert [request.route for request in server.requests] == [
            "/txt2img", "/progress", "/progress", "/progress", image.url.removeprefix(server.url)
        ]  # fmt: skip


def test_a_task_that_never_finishes_ends_at_the_deadline(monkeypatch):
    monkeypatch.setattr(ImageLabs, "schedule", PollSchedule())
    with FakeImageLabs() as server:
        server.script(FinishAfter(3600))
        with hfimage.Client(timeout=1.5) as client, pytest.raises(hfimage.TimeoutError):
            client.generate("a red fox", provider=ImageLabs(url=server.url))
        (polls,) = server.polls.values()
        assert 5 <= len(polls) <= 8  # 0.05, 0.15, 0.3, 0.5, 0.75, 1.05, 1.4 s
        assert polls[-1] - polls[0] < 1.5


def test_a_server_error_reply_from_the_fake_is_typed():
    with FakeImageLabs() as server:
        server.script(Reply(429, {"detail": "slow down"}, headers={"Retry-After": "12"}))
        with hfimage.Client() as client, pytest.raises(RateLimitError) as caught:
            client.generate("a red fox", provider=ImageLabs(url=server.url))
    assert caught.value.retry_after == 12.0


CLOUDFLARE_PAGE = (
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    '<meta http-equiv="refresh" content="390"><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1">'
    "</script></head><body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)


@pytest.mark.parametrize("status", [403, 503])
def test_cloudflares_browser_check_is_said_plainly_after_one_request(status):
    with FakeImageLabs() as site, hfimage.Client() as client:
        site.script(Reply(status, CLOUDFLARE_PAGE, "text/html", headers={"cf-mitigated": "challenge"}))
        with pytest.raises(hfimage.BrowserCheckError) as caught:
            client.generate("a cat", provider=ImageLabs(url=site.url))
    assert str(caught.value) == (
        f"ImageLabs now lets only a logged-in browser in: its answer is Cloudflare's browser check (HTTP {status}), "
        "which hfimage cannot pass. Use another model, e.g. the default."
    )
    assert isinstance(caught.value, hfimage.AuthenticationError)
    assert [request.route for request in site.requests] == ["/txt2img"]


def test_a_plain_refusal_is_not_taken_for_the_browser_check():
    with FakeImageLabs() as site, hfimage.Client() as client:
        site.script(Reply(503, {"detail": "busy"}))
        with pytest.raises(hfimage.ServiceUnavailableError) as caught:
            client.generate("a cat", provider=ImageLabs(url=site.url))
    assert not isinstance(caught.value, hfimage.BrowserCheckError)
