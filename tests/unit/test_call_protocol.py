"""The Gradio call route, byte by byte, with every event and error shape."""

import json

import pytest
import requests
import responses

import hfimage
from hfimage import (
    AuthenticationError,
    ConnectionError,
    Image,
    Preview,
    ProtocolError,
    ProviderError,
    QuotaExceededError,
    RateLimitError,
    ReplicaMismatchError,
    ServiceUnavailableError,
)
from hfimage.providers import BlackForestLabs_Flux1Schnell

from ..helpers import API, EVENT_ID, ROOT, WEBP, file_data, file_url, sse

STREAM = f"{API}/call/infer/{EVENT_ID}"


@pytest.fixture
def call_mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(f"{ROOT}/config", json={"version": "6.31.0", "api_prefix": "/gradio_api"})
        mock.post(f"{API}/call/infer", json={"event_id": EVENT_ID})
        yield mock


def events_of(call_mock, client, body, **params):
    call_mock.get(STREAM, body=body, content_type="text/event-stream")
    return list(client.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT), **params))


def kinds(events):
    return [(type(event).__name__, event.url, event.seed) for event in events]


def test_a_complete_event_gives_the_final_image_built_from_its_path(call_mock, client):
    events = events_of(
        call_mock, client, sse(("complete", [file_data("final"), 1234])), seed=1234, width=512, height=256
    )
    assert kinds(events) == [("Image", file_url("final"), 1234)]
    image = events[0]
    assert (image.width, image.height, image.prompt, image.model) == (512, 256, "a cat", "flux")
    assert image.provider == "BlackForestLabs_Flux1Schnell"
    posted = call_mock.calls[1].request
    assert json.loads(posted.body) == {"data": ["a cat", 1234, False, 512, 256, 2]}
    assert [call.request.url for call in call_mock.calls] == [f"{ROOT}/config", f"{API}/call/infer", STREAM]


def test_the_final_image_that_a_generator_repeats_is_reported_once(call_mock, client):
    body = sse(
        ("generating", [file_data("step1"), 7]),
        ("generating", [file_data("final"), 7]),
        ("complete", [file_data("final"), 7]),
    )
    assert kinds(events_of(call_mock, client, body)) == [
        ("Preview", file_url("step1"), 7),
        ("Image", file_url("final"), 7),
    ]


def test_every_distinct_preview_is_reported_before_the_final(call_mock, client):
    body = sse(
        ("generating", [file_data("step1"), 7]),
        ("heartbeat", None),
        ("generating", [file_data("step2"), 7]),
        ("complete", [file_data("final"), 7]),
    )
    events = events_of(call_mock, client, body)
    assert kinds(events) == [
        ("Preview", file_url("step1"), 7),
        ("Preview", file_url("step2"), 7),
        ("Image", file_url("final"), 7),
    ]
    assert [event.final for event in events] == [False, False, True]


def test_heartbeats_and_unknown_events_are_ignored(call_mock, client):
    body = sse(("heartbeat", None), ("log", {"x": 1}), ("heartbeat", None), ("complete", [file_data("f"), 3]))
    assert kinds(events_of(call_mock, client, body)) == [("Image", file_url("f"), 3)]


def test_a_preview_without_an_image_is_skipped(call_mock, client):
    body = sse(("generating", [None, 3]), ("complete", [file_data("f"), 3]))
    assert kinds(events_of(call_mock, client, body)) == [("Image", file_url("f"), 3)]


def test_without_a_reported_seed_the_given_seed_is_kept(call_mock, client):
    assert events_of(call_mock, client, sse(("complete", [file_data("f")])), seed=99)[0].seed == 99
    assert events_of(call_mock, client, sse(("complete", [file_data("f")])))[0].seed is None


@pytest.mark.parametrize(
    ("data", "error_type", "message"),
    [
        (None, ProviderError, "failed and did not say why"),
        ({"error": None, "title": "Error", "visible": True, "duration": 10}, ProviderError, "did not say why"),
        ({"error": "CUDA out of memory", "title": "Error"}, ProviderError, "failed: CUDA out of memory"),
        ("404: Session not found.", ReplicaMismatchError, "lost the job"),
        ("Server stopped unexpectedly.", ProviderError, "failed: Server stopped unexpectedly."),
        (
            {"error": "You have exceeded your free ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12."},
            QuotaExceededError,
            "exceeded your free ZeroGPU quota",
        ),
    ],
)
def test_every_error_event_shape_becomes_a_typed_error(call_mock, client, data, error_type, message):
    with pytest.raises(error_type) as caught:
        events_of(call_mock, client, sse(("error", data)))
    assert type(caught.value) is error_type
    assert message in str(caught.value)
    assert caught.value.provider == "BlackForestLabs_Flux1Schnell"


def test_a_quota_error_carries_its_retry_time(call_mock, client):
    data = {"error": "You have exceeded your GPU quota (59s left vs. 60s requested). Please retry in 0:00:56"}
    with pytest.raises(QuotaExceededError) as caught:
        events_of(call_mock, client, sse(("error", data)))
    assert caught.value.retry_after == 56.0


def test_previews_already_sent_still_reach_the_caller_before_an_error(call_mock, client):
    call_mock.get(STREAM, body=sse(("generating", [file_data("a"), 1]), ("heartbeat", None), ("error", None)))
    events = client.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    assert kinds([next(events)]) == [("Preview", file_url("a"), 1)]
    with pytest.raises(ProviderError):
        next(events)


@pytest.mark.parametrize(
    "body",
    [
        "",
        sse(("heartbeat", None)),
        sse(("generating", [file_data("a"), 1])),
    ],
)
def test_a_stream_that_ends_without_a_result_is_an_error(call_mock, client, body):
    with pytest.raises(ProtocolError, match="closed the event stream without a result"):
        events_of(call_mock, client, body)


def test_an_event_that_is_not_json_is_a_protocol_error(call_mock, client):
    with pytest.raises(ProtocolError, match="not JSON"):
        events_of(call_mock, client, "event: complete\ndata: [{oops\n\n")


def test_a_complete_event_without_an_image_is_a_protocol_error(call_mock, client):
    with pytest.raises(ProtocolError, match="finished without an image"):
        events_of(call_mock, client, sse(("complete", ["just text", 3])))


def test_a_start_without_an_event_id_is_a_protocol_error(client):
    with responses.RequestsMock() as mock:
        mock.get(f"{ROOT}/config", json={"version": "6.31.0", "api_prefix": "/gradio_api"})
        mock.post(f"{API}/call/infer", json={"detail": "?"})
        with pytest.raises(ProtocolError, match="sent no event id"):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))


@pytest.mark.parametrize(
    ("status", "body", "headers", "error_type", "message"),
    [
        (503, {"detail": "Queue is full! Please try again."}, {}, ServiceUnavailableError, "Queue is full!"),
        (500, "Internal Server Error", {}, ServiceUnavailableError, "(HTTP 500)"),
        (502, "<html><body>Bad gateway</body></html>", {}, ServiceUnavailableError, "sleeping, building or down"),
        (429, {"detail": "slow down"}, {"Retry-After": "30"}, RateLimitError, "retry in 30 s"),
        (401, {"error": "Invalid credentials"}, {}, AuthenticationError, "HF_TOKEN"),
        (403, "Forbidden", {}, AuthenticationError, "(HTTP 403)"),
        (404, {"detail": "Not Found"}, {}, ProtocolError, "404 Not Found for /gradio_api/call/infer"),
        (422, {"detail": [{"msg": "field required"}]}, {}, ProtocolError, "rejected the request (HTTP 422)"),
    ],
)
def test_http_failures_of_the_start_become_typed_errors(client, status, body, headers, error_type, message):
    with responses.RequestsMock() as mock:
        mock.get(f"{ROOT}/config", json={"version": "6.31.0", "api_prefix": "/gradio_api"})
        kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
        mock.post(f"{API}/call/infer", status=status, headers=headers, **kwargs)
        with pytest.raises(error_type) as caught:
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    assert type(caught.value) is error_type
    assert message in str(caught.value)
    if status == 429:
        assert caught.value.retry_after == 30.0
    if status >= 500:
        assert caught.value.status_code == status


def test_an_html_page_where_json_was_expected_means_the_space_is_not_serving(client):
    with responses.RequestsMock() as mock:
        mock.get(f"{ROOT}/config", body="<!DOCTYPE html><html>Building</html>", status=200)
        with pytest.raises(ServiceUnavailableError, match="web page instead of its API"):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))


def test_a_sleeping_space_is_service_unavailable(client):
    with responses.RequestsMock() as mock:
        mock.get(f"{ROOT}/config", body="<html><h1>Space is sleeping</h1></html>", status=503)
        with pytest.raises(ServiceUnavailableError, match=r"unavailable \(HTTP 503\): the space is sleeping"):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))


@pytest.mark.parametrize(("probe_status", "prefix"), [(200, "/gradio_api"), (404, "")])
def test_without_a_config_the_prefix_is_probed(client, probe_status, prefix):
    with responses.RequestsMock() as mock:
        mock.get(f"{ROOT}/config", status=404, json={"detail": "Not Found"})
        mock.get(f"{ROOT}/gradio_api/info", status=probe_status, json={})
        if probe_status == 404:
            mock.get(f"{ROOT}/info", json={})
        mock.post(f"{ROOT}{prefix}/call/infer", json={"event_id": EVENT_ID})
        mock.get(f"{ROOT}{prefix}/call/infer/{EVENT_ID}", body=sse(("complete", [file_data("f"), 1])))
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    assert image.url == f"{ROOT}{prefix}/file=/tmp/gradio/f/image.webp"


@pytest.mark.parametrize("answer", [{"status": 404, "json": {"detail": "Not Found"}}, {"json": ["not", "a", "config"]}])
def test_a_host_with_no_config_and_no_api_description_is_not_a_gradio_app_and_gets_no_job(client, answer):
    with responses.RequestsMock() as mock:
        for path in ("/config", "/gradio_api/info", "/info"):
            mock.get(f"{ROOT}{path}", **answer)
        with pytest.raises(ProtocolError, match=r"does not answer as a Gradio app") as caught:
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
        assert [call.request.method for call in mock.calls] == ["GET", "GET", "GET"]
    assert caught.value.status_code == answer.get("status")


def test_the_prefix_is_discovered_once_per_client_and_forgotten_after_a_protocol_error(call_mock, client):
    call_mock.get(STREAM, body=sse(("complete", [file_data("f"), 1])))
    provider = BlackForestLabs_Flux1Schnell(url=ROOT)
    client.generate("a cat", provider=provider)
    client.generate("a dog", provider=provider)
    assert [call.request.url for call in call_mock.calls].count(f"{ROOT}/config") == 1
    call_mock.get(STREAM, body="")
    with pytest.raises(ProtocolError):
        client.generate("a bird", provider=provider)
    call_mock.get(STREAM, body=sse(("complete", [file_data("f"), 1])))
    client.generate("a fish", provider=provider)
    assert [call.request.url for call in call_mock.calls].count(f"{ROOT}/config") == 2


def test_a_connection_failure_is_hfimages_connection_error(client):
    with responses.RequestsMock() as mock:
        mock.get(f"{ROOT}/config", body=requests.ConnectionError("refused"))
        with pytest.raises(ConnectionError) as caught:
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    assert isinstance(caught.value, hfimage.HFImageError)
    assert caught.value.provider == "BlackForestLabs_Flux1Schnell"
    assert "Could not talk to tester-flux.hf.space" in str(caught.value)


def test_the_image_downloads_once_and_is_cached(call_mock, client):
    call_mock.get(STREAM, body=sse(("complete", [file_data("f"), 1])))
    call_mock.get(file_url("f"), body=WEBP, content_type="image/webp")
    image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    assert isinstance(image, Image)
    assert image.content == WEBP
    assert image.content == WEBP
    assert image.mime_type == "image/webp"
    assert [call.request.url for call in call_mock.calls].count(file_url("f")) == 1


@pytest.mark.parametrize("content_type", ["text/html", "application/json"])
def test_a_download_that_is_not_an_image_is_refused(call_mock, client, content_type):
    call_mock.get(STREAM, body=sse(("complete", [file_data("f"), 1])))
    call_mock.get(file_url("f"), body="<html>login</html>", content_type=content_type)
    image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    with pytest.raises(ProtocolError, match=f"answered the image download with {content_type}"):
        _ = image.content


def test_a_preview_is_clearly_not_final(call_mock, client):
    body = sse(("generating", [file_data("a"), 1]), ("heartbeat", None), ("complete", [file_data("f"), 1]))
    preview = events_of(call_mock, client, body)[0]
    assert isinstance(preview, Preview)
    assert not isinstance(preview, Image)
    assert preview.final is False
