"""Inference Providers on the caller's credits, against the project's fake router and Hub on 127.0.0.1:
each provider end to end (tasks polled), the free spaces first, the deadline through polling, the
token's reach, and a new process configured by environment variables alone."""

import json
import time

import anyio
import pytest

import hfimage
from hfimage import cli
from hfimage.testing import FakeRouter, Fault, Reply, error, mapping, prompt_colour, solid_png

from ..helpers import SLACK, run_hfimage

REPO = "black-forest-labs/FLUX.1-schnell"
TOKEN = "hf_routertoken123456"
PROVIDERS = ("hf-inference", "fal-ai", "replicate", "together", "nscale", "wavespeed", "zai-org")
PAYLOADS = {
    "hf-inference": {"inputs": "a red fox", "parameters": {"seed": 4}},
    "fal-ai": {"prompt": "a red fox", "seed": 4},
    "replicate": {"input": {"prompt": "a red fox", "seed": 4}},
    "together": {"prompt": "a red fox", "response_format": "base64", "seed": 4, "model": "together/model-id"},
    "nscale": {"response_format": "b64_json", "prompt": "a red fox", "model": "nscale/model-id", "seed": 4},
    "wavespeed": {"prompt": "a red fox", "seed": 4},
    "zai-org": {"model": "zai-org/model-id", "prompt": "a red fox", "seed": 4},
}
"""What each provider is sent for ``a red fox`` with seed 4 and nothing else set."""
QUOTA = "You have exceeded your ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:00."


@pytest.fixture
def router(fake_hub, monkeypatch):
    with FakeRouter() as made:
        made.tokens.add(TOKEN)
        fake_hub.models[REPO] = mapping(*PROVIDERS)
        monkeypatch.setenv("HFIMAGE_ROUTER_URL", made.url)
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        yield made


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_provider_makes_the_image_on_the_callers_credits(api, router, fake_hub, provider):
    events = api.events("a red fox", model=REPO, credits=provider, seed=4)
    image = events[-1]
    assert image.content == solid_png(8, 8, prompt_colour("a red fox"))
    assert (image.provider, image.model, image.seed, image.width, image.height) == (
        f"{provider} via Inference Providers", REPO, 4, 8, 8
    )  # fmt: skip
    assert [type(event).__name__ for event in events[:-1]][:1] == ["Status"]
    if provider in ("wavespeed", "zai-org"):  # a task, polled until done, saying so: zai-org's first answer too
        processing = ["Processing"] * (2 if provider == "zai-org" else 1)
        assert [event.status for event in events[:-1]] == ["Queued", *processing]
    assert router.payloads(provider) == [PAYLOADS[provider]]
    posts = [request for request in router.requests if request.method == "POST"]
    assert all(request.headers["Authorization"] == f"Bearer {TOKEN}" for request in router.requests)
    assert len(posts) == 1
    assert all("Authorization" not in request.headers for request in router.cdn.requests)
    (asked,) = [request for request in fake_hub.requests if request.route == f"/api/models/{REPO}"]
    assert asked.headers["Authorization"] == f"Bearer {TOKEN}"


def test_wavespeeds_task_is_polled_at_the_routers_own_address(router):
    hfimage.generate("a fox", model=REPO, credits="wavespeed")
    polled = [request.route for request in router.requests if request.method == "GET"]
    assert len(polled) == 2
    assert all(route.startswith("/wavespeed/api/v3/predictions/") and route.endswith("/result") for route in polled)


def test_the_free_spaces_come_first_and_credits_only_when_asked(fake_providers, monkeypatch):
    with FakeRouter() as router:
        monkeypatch.setenv("HFIMAGE_ROUTER_URL", router.url)
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        fake_providers.hub.models[REPO] = mapping("fal-ai")
        fake_providers.flux.script([error({"error": QUOTA})])
        with pytest.raises(hfimage.AllProvidersOutOfQuotaError):
            hfimage.generate("a cat", model="flux")
        assert router.requests == []  # no credit spent without credits=
        image = hfimage.generate("a cat", model="flux", credits=True)
    assert image.provider == "fal-ai via Inference Providers"
    assert image.model == "flux"
    assert [attempt.provider for attempt in image.attempts][-1] == "fal-ai via Inference Providers"


def test_a_refused_token_after_the_spaces_is_the_calls_error(fake_providers, monkeypatch):
    with FakeRouter() as router:
        router.tokens.add("hf_someoneelse000000")
        monkeypatch.setenv("HFIMAGE_ROUTER_URL", router.url)
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        fake_providers.hub.models[REPO] = mapping("fal-ai", "together")
        fake_providers.flux.script([error({"error": QUOTA})])
        with pytest.raises(hfimage.AuthenticationError) as caught:
            hfimage.generate("a cat", model="flux", credits=True)
        assert len([request for request in router.requests if request.method == "POST"]) == 1  # together not tried
    assert TOKEN not in repr(caught.value)


def test_the_deadline_holds_through_a_task_that_never_ends(router):
    router.polls_before_done = 10**6
    started = time.monotonic()
    with pytest.raises(hfimage.TimeoutError):
        hfimage.generate("a fox", model=REPO, credits="zai-org", timeout=1.5)
    assert time.monotonic() - started < 1.5 + SLACK


def test_the_deadline_holds_against_a_provider_that_stalls(router):
    router.inject(Fault("/fal-ai", stall=60))
    started = time.monotonic()
    with pytest.raises(hfimage.TimeoutError):
        hfimage.generate("a fox", model=REPO, credits="fal-ai", timeout=1.5)
    assert time.monotonic() - started < 1.5 + SLACK


def test_an_async_call_cancelled_while_polling_ends_at_once(router):
    router.polls_before_done = 10**6

    async def main():
        with anyio.move_on_after(0.5):
            await hfimage.aio.generate("a fox", model=REPO, credits="wavespeed", timeout=120)
        return time.monotonic()

    started = time.monotonic()
    assert anyio.run(main) - started < 0.5 + SLACK


def test_depleted_credits_move_on_to_the_next_provider(router):
    router.fail("hf-inference", Reply(402, {"error": "You have depleted your monthly included credits."}))
    image = hfimage.generate("a fox", model=REPO, credits=True)
    assert image.provider == "fal-ai via Inference Providers"
    assert isinstance(image.attempts[0].error, hfimage.CreditsDepletedError)


def test_a_new_process_configured_by_the_environment_alone_spends_credits_and_keeps_the_mapping(
    router, fake_hub, tmp_path
):
    environment = {"HF_TOKEN": TOKEN, "HF_ENDPOINT": fake_hub.url, "HFIMAGE_ROUTER_URL": router.url,
                   "HFIMAGE_CACHE": str(tmp_path / "cache")}  # fmt: skip
    for name in ("first.png", "second.png"):
        done = run_hfimage(
            "a fox", "--model", REPO, "--credits", "together", "-o", name, "-q", cwd=tmp_path, **environment
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert (tmp_path / name).read_bytes() == solid_png(8, 8, prompt_colour("a fox"))
    asked = [request for request in fake_hub.requests if request.route == f"/api/models/{REPO}"]
    assert len(asked) == 1  # the second process read the mapping from the disk cache
    assert len(router.payloads("together")) == 2


def test_inspect_shows_a_repositorys_providers_in_the_order_credits_tries_them(fake_hub, capsys):
    fake_hub.models[REPO] = {
        **mapping("fal-ai", "together"),
        "nebius": {"status": "live", "providerId": "n-id", "task": "text-to-image"},
        "nscale": {"status": "staging", "providerId": "s-id", "task": "text-to-image"},
    }
    assert cli.main(["inspect", REPO]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Inference Providers (--credits), in your order of preference: fal-ai, together",
        "  fal-ai         live     text-to-image    fal-ai/model-id",
        "  together       live     text-to-image    together/model-id",
        "  nebius         live     text-to-image    n-id  (hfimage cannot call it)",
        "  nscale         staging  text-to-image    s-id",
    ]
    assert cli.main(["inspect", REPO, "--json"]) == 0
    assert [entry["provider"] for entry in json.loads(capsys.readouterr().out)["providers"]] == [
        "fal-ai", "together", "nebius", "nscale"
    ]  # fmt: skip


def test_inspect_of_a_space_that_is_also_a_model_shows_both(fake_providers, capsys):
    assert cli.main(["inspect", "Tongyi-MAI/Z-Image-Turbo"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "endpoint /generate, by the queue route"
    assert out[-8] == f"Inference Providers (--credits), in your order of preference: {', '.join(PROVIDERS)}"


def test_providers_check_with_credits_lists_the_default_models_live_providers(fake_providers, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    fake_providers.hub.models["Tongyi-MAI/Z-Image-Turbo"] = mapping("wavespeed", status="staging")
    fake_providers.hub.quota_tokens.add(TOKEN)
    assert cli.main(["providers", "--check", "--credits"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3:] == [
        f"credits: flux ({REPO}): {', '.join(PROVIDERS)}",
        "credits: z-image-turbo (Tongyi-MAI/Z-Image-Turbo): no live provider",
        f"credits: sd-3.5-turbo (stabilityai/stable-diffusion-3.5-large-turbo): {', '.join(PROVIDERS)}",
    ]
    assert cli.main(["providers", "--check"]) == 0
    assert not any(line.startswith("credits:") for line in capsys.readouterr().out.splitlines())


def test_a_clients_look_at_the_providers_spends_nothing(router, fake_hub):
    with hfimage.Client() as client:
        entries = client.inference_providers("flux")
    assert [(entry.provider, entry.makes_images) for entry in entries] == [(name, True) for name in PROVIDERS]
    assert router.requests == []


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("status", "kind"),
    [(402, hfimage.CreditsDepletedError), (404, hfimage.ProtocolError), (500, hfimage.ServiceUnavailableError)],
)
def test_every_provider_that_fails_for_a_reason_the_next_may_not_share_hands_over(
    router, fake_hub, provider, status, kind
):
    following = "hf-inference" if provider != "hf-inference" else "together"
    fake_hub.models[REPO] = mapping(provider, following)
    router.fail(provider, Reply(status, {"error": "no"}))
    image = hfimage.generate("a fox", model=REPO, credits=True)
    assert [(attempt.provider, type(attempt.error)) for attempt in image.attempts] == [
        (f"{provider} via Inference Providers", kind), (f"{following} via Inference Providers", type(None))
    ]  # fmt: skip


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_provider_refusing_the_token_ends_the_call(router, fake_hub, provider):
    fake_hub.models[REPO] = mapping(provider, "together" if provider != "together" else "fal-ai")
    router.fail(provider, Reply(401, {"error": "Invalid credentials in Authorization header"}))
    with pytest.raises(hfimage.AuthenticationError):
        hfimage.generate("a fox", model=REPO, credits=True)
    assert len([request for request in router.requests if request.method == "POST"]) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_provider_that_stalls_meets_the_deadline(router, provider):
    router.inject(Fault(f"/{provider}/", stall=60))
    started = time.monotonic()
    with pytest.raises(hfimage.TimeoutError):
        hfimage.generate("a fox", model=REPO, credits=provider, timeout=0.5)
    assert time.monotonic() - started < 0.5 + SLACK


def test_a_task_that_fails_hands_over_to_the_next_provider(router, fake_hub):
    router.tasks_fail = True
    fake_hub.models[REPO] = mapping("wavespeed", "zai-org", "nscale")
    image = hfimage.generate("a fox", model=REPO, credits=True)
    assert [(attempt.provider, str(attempt.error)) for attempt in image.attempts] == [
        ("wavespeed via Inference Providers", "wavespeed via Inference Providers: the task failed: CUDA out of memory"),
        ("zai-org via Inference Providers", "zai-org via Inference Providers: the task failed."),
        ("nscale via Inference Providers", "None"),
    ]


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_an_async_clients_credits_are_its_calls_default(router, backend):
    async def main():
        async with hfimage.aio.Client(credits="together") as client:
            return await client.generate("a fox", model=REPO)

    assert anyio.run(main, backend=backend).provider == "together via Inference Providers"
