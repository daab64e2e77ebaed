"""Spaces that run several replicas: cookies keep a space's requests on one, image URLs are pinned to it,
and a job lost between replicas is sent once more on a fresh session."""

import pytest
import requests

import hfimage
from hfimage import ReplicaMismatchError
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, Reply, error


@pytest.mark.parametrize("protocol", ["queue", "call"])
def test_the_image_url_is_pinned_to_the_replica_that_made_it_and_works_outside_hfimage(protocol):
    with FakeSpace() as space, hfimage.Client(protocol=protocol) as client:
        space.headers["X-Proxied-Replica"] = "r7x2k"
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url))
        assert image.url.startswith(f"{space.url}/--replicas/r7x2k/gradio_api/file=/tmp/gradio/")
        assert requests.get(image.url, timeout=5).content == image.content


def test_a_replica_id_that_could_change_the_url_is_refused():
    with FakeSpace() as space, hfimage.Client(protocol="call") as client:
        space.headers["X-Proxied-Replica"] = "../../evil"
        with pytest.raises(hfimage.ProtocolError, match="a replica id that is not a plain id"):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url))


def test_cookies_a_space_sets_go_with_every_later_request_of_the_client():
    with FakeSpace() as space, hfimage.Client() as client:
        space.headers["Set-Cookie"] = "spaces-jwt=replica-1; Path=/"
        provider = BlackForestLabs_Flux1Schnell(url=space.url)
        client.generate("a cat", provider=provider).content  # noqa: B018 - the download is a request too
        client.generate("a dog", provider=provider)
    after_config = space.requests[1:]
    assert [request.route for request in after_config][:2] == ["/gradio_api/queue/join", "/gradio_api/queue/data"]
    assert all(request.headers.get("Cookie") == "spaces-jwt=replica-1" for request in after_config)


@pytest.mark.parametrize(
    ("protocol", "lost"),
    [
        ("call", error("404: Session not found.")),
        ("queue", error({"error": "Event not found in queue. If you are deploying this Gradio app with multiple "
                                  "replicas, please enable stickiness"})),
    ],
)  # fmt: skip
def test_a_job_lost_between_replicas_is_sent_once_more_on_a_fresh_session(protocol, lost):
    with FakeSpace() as space, hfimage.Client(protocol=protocol) as client:
        space.script([lost])
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url))
    assert image.provider == "BlackForestLabs_Flux1Schnell"
    assert len(space.received) == 2


def test_a_job_lost_twice_is_a_replica_error_and_the_next_provider_is_tried():
    with FakeSpace() as space, FakeSpace() as other, hfimage.Client(protocol="call") as client:
        space.script([error("404: Session not found.")], [error("404: Session not found.")])
        providers = [BlackForestLabs_Flux1Schnell(url=space.url), hfimage.Space(other.url)]
        image = client.generate("a cat", provider=providers)
    assert isinstance(image.attempts[0].error, ReplicaMismatchError)
    assert "lost the job" in str(image.attempts[0].error)
    assert image.provider == other.url


def test_a_stream_for_an_unknown_session_is_a_replica_error(monkeypatch):
    with FakeSpace() as space, hfimage.Client(protocol="queue") as client:
        # The queue stream lands on a replica that never saw the session: 404, as Gradio answers it.
        monkeypatch.setattr(space, "_stream_queue", lambda exchange, session: exchange.reply(
            Reply(404, {"detail": "Session not found."})))  # fmt: skip
        with pytest.raises(ReplicaMismatchError):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url))
    assert len(space.received) == 2  # sent once more, lost again: said as what it is
