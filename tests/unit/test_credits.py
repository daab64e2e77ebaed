"""Inference Providers on the caller's credits, as the wire sees them: each provider's route, payload and
headers (as huggingface_hub's own tests assert them), the Hub's mapping and its filters, what each
failure becomes, where the token goes, and what is refused before anything is sent."""

import base64
import json

import pytest
import responses

import hfimage
from hfimage import AuthenticationError, CreditsDepletedError, InvalidRequestError
from hfimage._protocols.router import WIRES
from hfimage.testing import solid_png

ROUTER = "https://router.huggingface.co"
HUB = "https://huggingface.co"
REPO = "black-forest-labs/FLUX.1-schnell"
TOKEN = "hf_creditstoken12345"
PNG = solid_png(6, 4, (1, 2, 3))
CDN = "https://v3.fal.media/files/cat.png"


def hub_mapping(mock, entries, repo=REPO):
    url = f"{HUB}/api/models/{repo}?expand=inferenceProviderMapping"
    mock.get(
        url,
        json={"id": repo, "inferenceProviderMapping": entries},
        match=[responses.matchers.query_param_matcher({"expand": "inferenceProviderMapping"})],
    )


def live(*names, **ids):
    return {
        name: {"status": "live", "providerId": ids.get(name.replace("-", "_"), f"{name}-id"), "task": "text-to-image"}
        for name in names
    }


def client():
    """A client of Hugging Face's own Hub and router: both are ``responses`` mocks here."""
    return hfimage.Client(token=TOKEN, cache=False, hub_url=HUB, router_url=ROUTER)


def run(**params):
    with client() as client_:
        return client_.generate("a beautiful cat", model=REPO, **params)


def posted(mock):
    (call,) = [call for call in mock.calls if call.request.method == "POST"]
    return call.request.url, json.loads(call.request.body), call.request.headers


SIZE = {"width": 512, "height": 512, "steps": 20, "guidance_scale": 7.5, "negative_prompt": "low quality", "seed": 5}
SENT = {"width": 512, "height": 512, "num_inference_steps": 20, "guidance_scale": 7.5,
        "negative_prompt": "low quality", "seed": 5}  # fmt: skip
REST = {"guidance_scale": 7.5, "negative_prompt": "low quality", "seed": 5}
"""What every provider but hf-inference and replicate is sent as given."""
SCHNELL = "black-forest-labs/flux-schnell"
SDXL = "stabilityai/stable-diffusion-xl-base-1.0"


@pytest.mark.parametrize(
    ("provider", "model_id", "route", "payload"),
    [
        ("hf-inference", REPO, f"/hf-inference/models/{REPO}", {"inputs": "a beautiful cat", "parameters": SENT}),
        ("fal-ai", "fal-ai/flux/schnell", "/fal-ai/fal-ai/flux/schnell",
         {"prompt": "a beautiful cat", "image_size": {"width": 512, "height": 512}, "num_inference_steps": 20,
          **REST}),
        ("replicate", SCHNELL, f"/replicate/v1/models/{SCHNELL}/predictions",
         {"input": {"prompt": "a beautiful cat", **SENT}}),
        ("replicate", f"{SCHNELL}:1944af04d098ef", "/replicate/v1/predictions",
         {"input": {"prompt": "a beautiful cat", **SENT}, "version": "1944af04d098ef"}),
        ("together", REPO, "/together/v1/images/generations",
         {"prompt": "a beautiful cat", "response_format": "base64", "width": 512, "height": 512, "steps": 20,
          **REST, "model": REPO}),
        ("nscale", SDXL, "/nscale/v1/images/generations",
         {"response_format": "b64_json", "prompt": "a beautiful cat", "model": SDXL, "size": "512x512", **REST}),
    ],
    ids=["hf-inference", "fal-ai", "replicate", "replicate-version", "together", "nscale"],
)  # fmt: skip
def test_each_provider_is_sent_its_own_payload_at_its_own_route(provider, model_id, route, payload):
    answers = {
        "hf-inference": {"body": PNG, "content_type": "image/png"},
        "fal-ai": {"json": {"images": [{"url": CDN}], "seed": 5}},
        "replicate": {"json": {"output": CDN}},
        "together": {"json": {"data": [{"b64_json": base64.b64encode(PNG).decode()}]}},
        "nscale": {"json": {"data": [{"b64_json": base64.b64encode(PNG).decode()}]}},
    }
    with responses.RequestsMock() as mock:
        hub_mapping(mock, {provider: {"status": "live", "providerId": model_id, "task": "text-to-image"}})
        mock.post(f"{ROUTER}{route}", **answers[provider])
        if provider in ("fal-ai", "replicate"):
            mock.get(CDN, body=PNG, content_type="image/png")
        image = run(credits=True, **SIZE)
        url, body, headers = posted(mock)
        fetched = [call.request.headers for call in mock.calls if call.request.url == CDN]
    assert url == f"{ROUTER}{route}"
    assert body == payload
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers.get("Prefer") == ("wait" if provider == "replicate" else None)
    assert all("Authorization" not in sent for sent in fetched)  # the image's host never gets the token
    assert (image.provider, image.model, image.content, image.width, image.height) == (
        f"{provider} via Inference Providers", REPO, PNG, 6, 4
    )  # fmt: skip
    assert image.seed == 5


def test_unset_parameters_are_not_sent():
    with responses.RequestsMock() as mock:
        hub_mapping(mock, live("fal-ai"))
        mock.post(f"{ROUTER}/fal-ai/fal-ai-id", json={"images": [{"url": CDN}], "seed": 77})
        mock.get(CDN, body=PNG, content_type="image/png")
        image = run(credits=True)
        assert posted(mock)[1] == {"prompt": "a beautiful cat"}
    assert image.seed == 77  # what fal says it used


def test_zai_org_is_sent_its_headers_and_size():
    with responses.RequestsMock() as mock:
        hub_mapping(mock, live("zai-org"))
        mock.post(f"{ROUTER}/zai-org/api/paas/v4/async/images/generations",
                  json={"id": "t1", "task_status": "SUCCESS", "image_result": [{"url": CDN}]})  # fmt: skip
        mock.get(CDN, body=PNG, content_type="image/png")
        run(credits=True, width=1024, height=768, seed=2)
        _, body, headers = posted(mock)
    assert body == {"model": "zai-org-id", "prompt": "a beautiful cat", "size": "1024x768", "seed": 2}
    assert (headers["Accept-Language"], headers["x-source-channel"]) == ("en-US,en", "hugging_face")


def test_the_hubs_mapping_is_filtered_and_its_order_kept():
    entries = {
        "black-forest-labs": {"status": "live", "providerId": "x", "task": "text-to-image"},  # removed provider
        "together": {"status": "staging", "providerId": "x", "task": "text-to-image"},
        "nscale": {"status": "live", "providerId": "x", "task": "text-generation"},
        "replicate": {"status": "error", "providerId": "x", "task": "text-to-image"},
        "hf-inference": {"status": "live", "providerId": REPO, "task": "text-to-image"},
        "fal-ai": {"status": "live", "providerId": "fal-ai/flux/schnell", "task": "text-to-image"},
    }
    with responses.RequestsMock() as mock:
        hub_mapping(mock, entries)
        mock.post(f"{ROUTER}/hf-inference/models/{REPO}", status=503, json={"error": "loading"})
        mock.post(f"{ROUTER}/fal-ai/fal-ai/flux/schnell", json={"images": [{"url": CDN}]})
        mock.get(CDN, body=PNG, content_type="image/png")
        image = run(credits=True)
        tried = [call.request.url.removeprefix(ROUTER) for call in mock.calls if call.request.method == "POST"]
    assert tried == [f"/hf-inference/models/{REPO}", "/fal-ai/fal-ai/flux/schnell"]
    assert [attempt.provider for attempt in image.attempts] == [
        "hf-inference via Inference Providers", "fal-ai via Inference Providers"
    ]  # fmt: skip
    assert isinstance(image.attempts[0].error, hfimage.ServiceUnavailableError)


def test_a_list_shaped_mapping_is_read_too():
    with responses.RequestsMock() as mock:
        hub_mapping(mock, [{"provider": "together", "status": "live", "providerId": "t-id", "task": "text-to-image"}])
        mock.post(
            f"{ROUTER}/together/v1/images/generations", json={"data": [{"b64_json": base64.b64encode(PNG).decode()}]}
        )
        assert run(credits=True).provider == "together via Inference Providers"


@pytest.mark.parametrize(
    ("status", "kind", "next_tried"),
    [(402, CreditsDepletedError, True), (404, hfimage.ProtocolError, True),
     (500, hfimage.ServiceUnavailableError, True), (401, AuthenticationError, False),
     (403, AuthenticationError, False)],
)  # fmt: skip
def test_each_failure_is_typed_and_moves_on_only_where_the_next_may_fare_better(status, kind, next_tried):
    depleted = "You have depleted your monthly included credits. Purchase pre-paid credits to continue."
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        hub_mapping(mock, live("fal-ai", "together"))
        mock.post(f"{ROUTER}/fal-ai/fal-ai-id", status=status, json={"error": depleted})
        mock.post(
            f"{ROUTER}/together/v1/images/generations", json={"data": [{"b64_json": base64.b64encode(PNG).decode()}]}
        )
        if next_tried:
            image = run(credits=True)
            assert isinstance(image.attempts[0].error, kind)
            assert image.provider == "together via Inference Providers"
        else:
            with pytest.raises(kind) as caught:
                run(credits=True)
            assert TOKEN not in str(caught.value)
        tried = [call.request.url for call in mock.calls if call.request.method == "POST"]
    assert len(tried) == (2 if next_tried else 1)


def test_depleted_credits_say_what_the_account_can_do():
    with responses.RequestsMock() as mock:
        hub_mapping(mock, live("fal-ai"))
        mock.post(
            f"{ROUTER}/fal-ai/fal-ai-id", status=402, json={"error": "You have depleted your monthly included credits."}
        )
        with pytest.raises(hfimage.AllProvidersFailedError) as caught:
            run(credits="fal-ai")
    (attempt,) = caught.value.attempts
    assert isinstance(attempt.error, CreditsDepletedError)
    assert str(attempt.error) == (
        "fal-ai via Inference Providers: The Hugging Face account has no Inference Providers credits left: PRO "
        "accounts get monthly credits, and pre-paid credits can be bought at https://huggingface.co/settings/billing."
    )
    assert str(caught.value).startswith("All 1 providers failed.")


def test_when_every_provider_fails_one_error_names_each_with_its_reason():
    with responses.RequestsMock() as mock:
        hub_mapping(mock, live("fal-ai", "replicate"))
        mock.post(f"{ROUTER}/fal-ai/fal-ai-id", status=402, json={"error": "depleted"})
        mock.post(f"{ROUTER}/replicate/v1/models/replicate-id/predictions", json={"output": None})
        with pytest.raises(hfimage.AllProvidersFailedError) as caught:
            run(credits=True)
    assert [(a.provider, type(a.error).__name__) for a in caught.value.attempts] == [
        ("fal-ai via Inference Providers", "CreditsDepletedError"),
        ("replicate via Inference Providers", "ProviderError"),
    ]
    assert "fal-ai via Inference Providers" in str(caught.value)
    assert "replicate via Inference Providers" in str(caught.value)


def test_credits_naming_one_provider_use_only_it():
    with responses.RequestsMock() as mock:
        hub_mapping(mock, live("fal-ai", "together"))
        mock.post(
            f"{ROUTER}/together/v1/images/generations", json={"data": [{"b64_json": base64.b64encode(PNG).decode()}]}
        )
        assert run(credits="together").provider == "together via Inference Providers"


def test_no_live_provider_is_a_clear_error():
    with responses.RequestsMock() as mock:
        hub_mapping(mock, {"together": {"status": "staging", "providerId": "x", "task": "text-to-image"}})
        with pytest.raises(hfimage.ProviderError) as caught:
            run(credits=True)
    assert str(caught.value) == (
        f"No Inference Provider serves {REPO} for text-to-image now (the Hub lists: together (staging, "
        "text-to-image)). Pick another model, or another provider with credits=."
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"model": REPO}, f"'{REPO}' names a model repository, which hfimage runs only on Inference Providers"),
        ({"model": REPO, "credits": True, "space": "a/b"}, "names a model repository"),
        ({"model": "flux", "credits": "nebius"}, "credits must be False .* provider's name: hf-inference, fal-ai"),
        ({"model": "flux", "credits": 1}, "credits must be False"),
        ({"model": "flux-kontext", "credits": True, "image": PNG}, "credits= reaches Inference Providers for text-to"),
        ({"space": "someone/unknown", "credits": True}, "knows no Hugging Face repository for this space"),
    ],
)  # fmt: skip
def test_what_credits_cannot_do_is_refused_before_anything_is_sent(params, message):
    with responses.RequestsMock(), client() as made, pytest.raises(InvalidRequestError, match=message):
        made.plan("a cat", **params)


def test_credits_without_a_token_are_refused_before_anything_is_sent(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    refused = r"credits= spends the Inference Providers credits of a Hugging"
    with (
        responses.RequestsMock(),
        hfimage.Client(cache=False) as made,
        pytest.raises(InvalidRequestError, match=refused),
    ):
        made.plan("a cat", credits=True)


def test_credits_come_last_after_the_models_free_spaces():
    with client() as made:
        steps = made.plan("a cat", model="flux", credits=True).steps
        default = made.plan("a cat", credits="fal-ai").steps
        none = made.plan("a cat", model="flux").steps
    assert [provider.name for provider, _, _ in steps] == [
        "BlackForestLabs_Flux1Schnell", "Voodoohop_Flux1Schnell", "Inference Providers"
    ]  # fmt: skip
    assert (steps[-1][0].repo, steps[-1][1]) == (REPO, "flux")
    assert default[-1][0].name == "fal-ai via Inference Providers"
    assert all("Inference" not in provider.name for provider, _, _ in none)


def test_the_mapping_is_asked_once_per_client():
    with responses.RequestsMock() as mock, client() as made:
        hub_mapping(mock, live("hf-inference"))
        mock.post(f"{ROUTER}/hf-inference/models/hf-inference-id", body=PNG, content_type="image/png")
        made.generate("a cat", model=REPO, credits=True)
        made.generate("a dog", model=REPO, credits=True)
        assert [call.request.method for call in mock.calls] == ["GET", "POST", "POST"]


def test_no_catalog_name_looks_like_a_repository():
    assert [name for info in hfimage.models() for name in (info.name, *info.aliases) if "/" in name] == []


def test_every_wire_is_known():
    assert tuple(WIRES) == ("hf-inference", "fal-ai", "replicate", "together", "nscale", "wavespeed", "zai-org")


def test_a_clients_credits_are_its_calls_default_and_a_call_can_say_otherwise():
    with hfimage.Client(token=TOKEN, cache=False, credits="together") as made:
        assert made.plan("a cat", model="flux").steps[-1][0].name == "together via Inference Providers"
        assert all("Inference" not in p.name for p, _, _ in made.plan("a cat", model="flux", credits=False).steps)
    with pytest.raises(InvalidRequestError, match="credits must be False"):
        hfimage.Client(credits="nebius")


def test_spent_credits_exit_the_command_line_with_the_quota_code():
    from hfimage.cli._codes import EXIT_QUOTA, exit_code

    assert exit_code(CreditsDepletedError("spent")) == EXIT_QUOTA == 3


def test_an_entry_with_a_lora_adapter_is_not_called_without_its_weights():
    entries = {
        "fal-ai": {"status": "live", "providerId": "fal-ai/lora", "task": "text-to-image", "adapter": "lora",
                   "adapterWeightsPath": "pytorch_lora_weights.safetensors"},
        "together": {"status": "live", "providerId": "t-id", "task": "text-to-image"},
    }  # fmt: skip
    with responses.RequestsMock() as mock:
        hub_mapping(mock, entries)
        mock.post(
            f"{ROUTER}/together/v1/images/generations", json={"data": [{"b64_json": base64.b64encode(PNG).decode()}]}
        )
        image = run(credits=True)
        assert [call.request.url for call in mock.calls if call.request.method == "POST"] == [
            f"{ROUTER}/together/v1/images/generations"
        ]
    assert image.attempts[-1].provider == "together via Inference Providers"
