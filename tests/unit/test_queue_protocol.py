"""The Gradio queue route: every message kind, demultiplexing, route choice."""

import json

import pytest
import responses

import hfimage
from hfimage import (
    Image,
    Notice,
    Preview,
    Progress,
    ProtocolError,
    ProviderError,
    Queued,
    QuotaExceededError,
    ServiceUnavailableError,
    Started,
)
from hfimage._core.quota_memory import DEFAULT_COOLDOWN, QuotaMemory
from hfimage.providers import BlackForestLabs_Flux1Schnell

from ..helpers import API, ROOT, FakeClock, file_data, file_url

EVENT = "e1"


CONFIG = {
    "version": "6.31.0",
    "api_prefix": "/gradio_api",
    "protocol": "sse_v3",
    "dependencies": [{"id": 7, "api_name": "infer", "inputs": [1, 2, 3, 4, 5, 6], "queue": True}],
}


def data_lines(*messages):
    return "".join(f"data: {json.dumps(message)}\n\n" for message in messages)


def msg(kind, **fields):
    return {"msg": kind, "event_id": EVENT, **fields}


@pytest.fixture
def queue_mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(f"{ROOT}/config", json=CONFIG)
        mock.post(f"{API}/queue/join", json={"event_id": EVENT})
        yield mock


def run(queue_mock, *messages, **params):
    queue_mock.get(f"{API}/queue/data", body=data_lines(*messages), content_type="text/event-stream")
    with hfimage.Client() as client:
        return list(client.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT), **params))


def completed(name="final", seed=4):
    return msg("process_completed", output={"data": [file_data(name), seed]}, success=True)


def test_every_report_becomes_its_event_in_order(queue_mock):
    events = run(
        queue_mock,
        msg("estimation", rank=2, queue_size=5, rank_eta=12.5),
        msg("estimation", rank=0, queue_size=3, rank_eta=None),
        msg("process_starts", eta=4.0),
        msg("log", log="Waiting for a <b>GPU</b>", level="warning", title="Warning"),
        msg("progress", progress_data=[{"index": 3, "length": 28, "unit": "steps", "desc": "Denoising"}]),
        {"msg": "heartbeat", "event_id": None},
        completed(),
        seed=4,
    )
    assert events[:5] == [
        Queued("BlackForestLabs_Flux1Schnell", 2, 5, 12.5),
        Queued("BlackForestLabs_Flux1Schnell", 0, 3, None),
        Started("BlackForestLabs_Flux1Schnell", 4.0),
        Notice("BlackForestLabs_Flux1Schnell", "Waiting for a GPU", "warning"),
        Progress("BlackForestLabs_Flux1Schnell", 3.0, 28.0, "steps", "Denoising"),
    ]
    assert isinstance(events[5], Image)
    assert (events[5].url, events[5].seed) == (file_url("final"), 4)
    assert len(events) == 6


def test_the_join_names_the_function_and_the_stream_its_session(queue_mock):
    run(queue_mock, completed())
    join = json.loads(queue_mock.calls[1].request.body)
    assert join["data"] == ["a cat", 0, True, 768, 768, 2]
    assert join["fn_index"] == 7
    assert (join["event_data"], join["trigger_id"]) == (None, None)
    assert queue_mock.calls[2].request.url == f"{API}/queue/data?session_hash={join['session_hash']}"


def test_previews_are_rebuilt_from_diffs_and_the_repeated_final_is_reported_once(queue_mock):
    diff = [[["replace", ["path"], "/tmp/gradio/step2/image.webp"]], []]
    final_diff = [[["replace", ["path"], "/tmp/gradio/final/image.webp"]], []]
    events = run(
        queue_mock,
        msg("process_generating", output={"data": [file_data("step1"), 4]}, success=True),
        msg("process_generating", output={"data": diff}, success=True),
        msg("process_generating", output={"data": final_diff}, success=True),
        completed(),
    )
    assert [(type(event), event.url) for event in events] == [
        (Preview, file_url("step1")),
        (Preview, file_url("step2")),
        (Image, file_url("final")),
    ]
    assert [event.seed for event in events] == [4, 4, 4]


def test_messages_of_other_jobs_are_ignored(queue_mock):
    other = {
        "msg": "process_completed",
        "event_id": "other",
        "output": {"data": [file_data("theirs"), 1]},
        "success": True,
    }
    events = run(queue_mock, {**msg("estimation", rank=4, queue_size=9), "event_id": "other"}, other, completed("ours"))
    assert [event.url for event in events] == [file_url("ours")]


@pytest.mark.parametrize(
    ("output", "error_type", "message"),
    [
        ({"error": "'The model could not load.'"}, ProviderError, "failed: The model could not load."),
        ({"error": "<p>Bad <i>input</i></p>", "title": "Error"}, ProviderError, "failed: Bad input"),
        ({"error": None}, ProviderError, "did not say why"),
        ({}, ProviderError, "did not say why"),
        (
            {"error": "'You have exceeded your GPU quota (46s left vs. 60s requested). Sign-up on Hugging Face "
             "to get more quotas or retry in 0:09:48.'"},
            QuotaExceededError,
            "Sign-up on Hugging Face to get more quotas or retry in 0:09:48. (retry after 588 s)",
        ),
    ],
)  # fmt: skip
def test_a_failed_job_raises_with_the_apps_own_text(queue_mock, output, error_type, message):
    with pytest.raises(error_type) as caught:
        run(queue_mock, msg("process_completed", output=output, success=False, title="Error"))
    assert type(caught.value) is error_type
    assert message in str(caught.value)
    assert "'" not in str(caught.value).split(": ", 1)[1][:1]


def test_a_quota_error_on_the_queue_route_has_its_retry_time(queue_mock):
    with pytest.raises(QuotaExceededError) as caught:
        run(
            queue_mock,
            msg("process_completed", output={"error": "You have exceeded your ZeroGPU runs limit."}, success=False),
        )
    assert caught.value.retry_after is None


@pytest.mark.parametrize(
    ("messages", "error_type", "message"),
    [
        ([msg("estimation", rank=0, queue_size=1)], ProtocolError, "closed the queue stream before the job finished"),
        ([{"msg": "close_stream", "event_id": None}], ProtocolError, "closed the queue stream before the job finished"),
        ([msg("unexpected_error", message="Connection to worker lost")], ServiceUnavailableError, "worker lost"),
        ([["not", "a", "message"]], ProtocolError, "queue message hfimage does not know"),
        ([{"no": "msg"}], ProtocolError, "queue message hfimage does not know"),
        ([msg("process_completed", output={"data": ["no image"]}, success=True)], ProtocolError, "without an image"),
        ([msg("process_generating", output={"data": "x"})], ProtocolError, "intermediate outputs of unknown shape"),
    ],
)
def test_streams_that_go_wrong_are_typed_errors(queue_mock, messages, error_type, message):
    with pytest.raises(error_type, match=message):
        run(queue_mock, *messages)


def test_unknown_message_kinds_are_skipped(queue_mock):
    events = run(queue_mock, msg("process_streaming", output={}), msg("something_new"), completed())
    assert [type(event) for event in events] == [Image]


def test_auto_falls_back_to_the_call_route_when_the_queue_refuses_the_job():
    with responses.RequestsMock() as mock, hfimage.Client() as client:
        mock.get(f"{ROOT}/config", json=CONFIG)
        mock.post(f"{API}/queue/join", status=404, json={"detail": "Not Found"})
        mock.post(f"{API}/call/infer", json={"event_id": "c1"})
        mock.get(f"{API}/call/infer/c1", body=f"event: complete\ndata: {json.dumps([file_data('f'), 2])}\n\n")
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    assert image.url == file_url("f")


def test_protocol_queue_does_not_fall_back():
    with responses.RequestsMock() as mock, hfimage.Client(protocol="queue") as client:
        mock.get(f"{ROOT}/config", json=CONFIG)
        mock.post(f"{API}/queue/join", status=404, json={"detail": "Not Found"})
        with pytest.raises(ProtocolError, match="404"):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))


@pytest.mark.parametrize(
    "config",
    [
        {**CONFIG, "protocol": "ws"},
        {**CONFIG, "dependencies": [{"id": 0, "api_name": "infer", "inputs": [1, 2, 3, 4, 5, 6], "queue": False}]},
        {"version": "6.31.0", "api_prefix": "/gradio_api", "protocol": "sse_v3"},
    ],
)
def test_auto_uses_the_call_route_where_the_app_does_not_offer_the_queue(config):
    with responses.RequestsMock() as mock, hfimage.Client() as client:
        mock.get(f"{ROOT}/config", json=config)
        mock.post(f"{API}/call/infer", json={"event_id": "c1"})
        mock.get(f"{API}/call/infer/c1", body=f"event: complete\ndata: {json.dumps([file_data('f'), 2])}\n\n")
        assert client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT)).seed == 2


def test_the_call_protocol_can_be_chosen_per_call(queue_mock):
    queue_mock.post(f"{API}/call/infer", json={"event_id": "c1"})
    queue_mock.get(f"{API}/call/infer/c1", body=f"event: complete\ndata: {json.dumps([file_data('f'), 2])}\n\n")
    with hfimage.Client() as client:
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT), protocol="call")
    assert [call.request.url for call in queue_mock.calls][1:] == [f"{API}/call/infer", f"{API}/call/infer/c1"]


def test_an_unknown_protocol_is_invalid():
    with pytest.raises(hfimage.InvalidRequestError, match="protocol must be one of auto, queue, call"):
        hfimage.Client(protocol="websocket")
    with hfimage.Client() as client, pytest.raises(hfimage.InvalidRequestError):
        client.stream("a cat", protocol="carrier pigeon")


def test_quota_memory_counts_down_from_the_announced_wait():
    clock = FakeClock()
    memory = QuotaMemory(clock=clock)
    memory.remember("P url", QuotaExceededError("q", retry_after=30))
    memory.remember("Q url", QuotaExceededError("q"))
    assert memory.remaining("P url") == 30
    assert memory.remaining("Q url") == DEFAULT_COOLDOWN
    clock.now += 31
    assert memory.remaining("P url") is None
    assert memory.cooling() == {"Q url": DEFAULT_COOLDOWN - 31}


def test_quota_memory_persists_in_its_file(tmp_path):
    clock = FakeClock()
    QuotaMemory(tmp_path / "quota.json", clock=clock).remember("P url", QuotaExceededError("q", retry_after=60))
    assert QuotaMemory(tmp_path / "quota.json", clock=clock).remaining("P url") == 60
    (tmp_path / "quota.json").write_text("{broken")
    assert QuotaMemory(tmp_path / "quota.json", clock=clock).cooling() == {}
