"""Choosing providers, falling back between them, and the client's own contract, on loopback fake spaces."""

import time

import pytest

import hfimage
from hfimage import (
    AllProvidersFailedError,
    Attempt,
    Image,
    InvalidRequestError,
    Preview,
    ProviderError,
    QuotaExceededError,
)
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from hfimage.testing import SD35_INPUTS, FakeSpace, error, heartbeat, pause

from ..helpers import pictures, posted_data

QUOTA = {"error": "Space app has reached its GPU limit. Please retry in 0:00:56"}
"""A space's own GPU limit: it rests that space alone, so the next one (ZeroGPU or not) is tried."""


@pytest.fixture
def second_space():
    with FakeSpace() as fake:
        yield fake


FLUX_ORDER = ["BlackForestLabs_Flux1Schnell", "Voodoohop_Flux1Schnell"]


def tried(outcome):
    """The providers an Image or an AllProvidersFailedError went through, in order."""
    return [attempt.provider for attempt in outcome.attempts]


def test_generate_returns_the_final_image_with_its_seed_and_bytes(space):
    space.script([space.preview(5), heartbeat(), space.final(5)])
    with hfimage.Client() as client:
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url), seed=5)
    assert isinstance(image, Image)
    assert image.seed == 5
    assert image.content == space.files[image.url.split("file=")[1]]
    assert image.mime_type == "image/png"
    assert image.attempts == (Attempt("BlackForestLabs_Flux1Schnell"),)
    assert image.elapsed > 0
    assert posted_data(space) == [["a cat", 5, False, 768, 768, 2]]


def test_stream_yields_previews_then_the_final_image(space):
    space.script([space.preview(1), heartbeat(), space.preview(1), heartbeat(), space.final(1)])
    with hfimage.Client() as client:
        events = list(client.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url)))
    assert [type(event) for event in pictures(events)] == [Preview, Preview, Image]
    assert len({event.url for event in pictures(events)}) == 3


def test_a_failing_provider_falls_back_to_the_next_with_the_same_parameters(fake_space, second_space):
    fake_space.script([error(QUOTA)])
    providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second_space.url)]
    with hfimage.Client() as client:
        image = client.generate("a cat", provider=providers, seed=11, width=512, height=512)
    assert image.provider == "Voodoohop_Flux1Schnell"
    assert tried(image) == FLUX_ORDER
    assert isinstance(image.attempts[0].error, QuotaExceededError)
    assert image.attempts[1].error is None
    assert posted_data(fake_space) == posted_data(second_space) == [["a cat", 11, False, 512, 512, 2]]


def test_a_provider_named_alone_raises_its_own_error(fake_space):
    fake_space.script([error(QUOTA)])
    with hfimage.Client() as client, pytest.raises(QuotaExceededError) as caught:
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
    assert caught.value.retry_after == 56.0


def test_when_every_provider_fails_each_attempt_is_listed(fake_space, second_space):
    fake_space.script([error(QUOTA)])
    second_space.script([error({"error": "weights missing"})])
    providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second_space.url)]
    with hfimage.Client() as client, pytest.raises(AllProvidersFailedError) as caught:
        client.generate("a cat", provider=providers)
    attempts = caught.value.attempts
    assert [(attempt.provider, type(attempt.error)) for attempt in attempts] == [
        ("BlackForestLabs_Flux1Schnell", QuotaExceededError),
        ("Voodoohop_Flux1Schnell", ProviderError),
    ]
    assert "All 2 providers failed" in str(caught.value)
    assert "Voodoohop_Flux1Schnell failed: weights missing" in str(caught.value)


def test_input_outside_the_spaces_limits_is_refused_without_posting_or_falling_back(fake_space, second_space):
    providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second_space.url)]
    with (
        hfimage.Client() as client,
        pytest.raises(InvalidRequestError, match="takes width from 256 to 2048; got 128"),
    ):
        client.generate("a cat", provider=providers, width=128)
    assert [request.path for request in fake_space.requests] == ["/config"]
    assert second_space.requests == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"model": "dall-e"}, "Unknown model 'dall-e'"),
        ({"model": "flux-schnel"}, "Did you mean 'flux-schnell'?"),
        ({"provider": "Nobody"}, "Unknown provider 'Nobody'"),
        ({"provider": []}, "provider= is an empty list"),
        ({"provider": 42}, "Unknown provider 42"),
        ({"model": "sd-3.5", "provider": "Voodoohop_Flux1Schnell"}, "does not serve model 'sd-3.5'"),
        ({"negative_prompt": "dogs"}, "does not take negative_prompt"),
        ({"timeout": 0}, "timeout must be a positive number"),
        ({"proxy": "nonsense"}, "proxy must be a URL"),
        ({"token": ""}, "token= is empty"),
        ({"width": 0}, "width must be between 1 and 8192"),
    ],
)
def test_bad_input_fails_before_any_request(fake_space, params, message):
    params.setdefault("provider", BlackForestLabs_Flux1Schnell(url=fake_space.url))
    with hfimage.Client() as client, pytest.raises(InvalidRequestError, match=message):
        client.stream("a cat", **params)
    assert fake_space.requests == []


def test_model_aliases_pick_the_models_providers(fake_space):
    sd = FakeSpace(inputs=SD35_INPUTS)
    with sd, hfimage.Client() as client:
        image = client.generate(
            "a cat", model="StabilityAI-Stable-Diffusion-3-5-Large", provider=StabilityAI_SD35Large(url=sd.url)
        )
    assert image.model == "sd-3.5"
    assert posted_data(sd) == [["a cat", "", 0, True, 1024, 1024, 4.5, 50]]


def test_providers_can_be_named_by_string(monkeypatch, fake_space):
    monkeypatch.setattr(Voodoohop_Flux1Schnell, "default_url", fake_space.url)
    with hfimage.Client() as client:
        image = client.generate("a cat", provider="Voodoohop_Flux1Schnell")
    assert (image.provider, image.model) == ("Voodoohop_Flux1Schnell", "flux")


def test_the_default_model_is_flux_served_by_black_forest_labs_then_voodoohop(monkeypatch, fake_space, second_space):
    monkeypatch.setattr(BlackForestLabs_Flux1Schnell, "default_url", fake_space.url)
    monkeypatch.setattr(Voodoohop_Flux1Schnell, "default_url", second_space.url)
    fake_space.script([error(None)])
    image = hfimage.generate("a cat")
    assert (image.provider, image.model) == ("Voodoohop_Flux1Schnell", "flux")
    assert tried(image) == FLUX_ORDER


def test_stopping_the_iteration_early_closes_the_stream(fake_space):
    fake_space.script([fake_space.preview(1), *[heartbeat(), pause(0.1)] * 50, fake_space.final(1)])
    with hfimage.Client() as client:
        events = client.stream("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        assert any(isinstance(event, Preview) for event in events)
        events.close()
        for _ in range(50):
            if fake_space.cancelled:
                break
            time.sleep(0.1)
    assert len(fake_space.cancelled) == 1


def test_every_request_goes_through_the_proxy(fake_space):
    """The fake answers as the space itself when used as an HTTP proxy, so it sees absolute targets."""
    with hfimage.Client(proxy=fake_space.url) as client:
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url="http://flux.invalid"))
        assert image.content.startswith(b"\x89PNG")
    targets = [request.target for request in fake_space.requests]
    assert targets[0] == "http://flux.invalid/config"
    assert targets[1] == "http://flux.invalid/gradio_api/queue/join"
    assert targets[2].startswith("http://flux.invalid/gradio_api/queue/data?session_hash=")
    assert targets[3].startswith("http://flux.invalid/gradio_api/file=/tmp/gradio/")
    assert len(targets) == 4


def test_when_every_provider_is_out_of_quota_the_error_is_a_quota_error_with_the_soonest_wait(fake_space, second_space):
    fake_space.script([error(QUOTA)])
    second_space.script([error({"error": "You have exceeded your free ZeroGPU quota. Try again in 0:00:20."})])
    providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second_space.url)]
    with hfimage.Client() as client, pytest.raises(QuotaExceededError) as caught:
        client.generate("a cat", provider=providers)
    assert isinstance(caught.value, hfimage.AllProvidersOutOfQuotaError)
    assert isinstance(caught.value, AllProvidersFailedError)
    assert caught.value.retry_after == 20.0
    assert str(caught.value).startswith("Every provider is out of GPU quota.")


def test_when_no_provider_can_be_reached_the_error_is_a_connection_error():
    with FakeSpace() as first, FakeSpace() as second:
        providers = [BlackForestLabs_Flux1Schnell(url=first.url), Voodoohop_Flux1Schnell(url=second.url)]
    with hfimage.Client() as client, pytest.raises(hfimage.ConnectionError) as caught:
        client.generate("a cat", provider=providers)
    assert isinstance(caught.value, hfimage.NoProviderReachableError)
    assert tried(caught.value) == FLUX_ORDER
    assert str(caught.value) == (
        "No provider could be reached (BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell): "
        "nothing accepted the connections. Check the URL, your network and proxy."
    )


def test_ping_reads_a_space_as_inspect_does_and_fetches_another_providers_front_page(fake_space, fake_imagelabs):
    with hfimage.Client() as client:
        assert client.ping(BlackForestLabs_Flux1Schnell(url=fake_space.url)) == (fake_space.url, "6.31.0")
        assert client.ping(ImageLabs(url=fake_imagelabs.url), timeout=5) == (fake_imagelabs.url, None)
        with pytest.raises(hfimage.ConnectionError):
            client.ping(ImageLabs(url="http://127.0.0.1:9"), timeout=5)
    assert [request.path for request in fake_space.requests] == ["/config", "/gradio_api/info"]
    assert [request.path for request in fake_imagelabs.requests] == ["/"]
