"""The public API end to end against real Gradio servers on 127.0.0.1, current major and 4.44.1.

The test apps (tests/apps/spaces.py) have the real spaces' signatures and paint each image one
colour derived from its prompt, so the pixels show which image came back.
"""

import threading
import time

import pytest

import hfimage
from hfimage import Image, Notice, Preview, Progress, Queued, Started
from hfimage.providers import BlackForestLabs_Flux1Schnell, StabilityAI_SD35Large, Voodoohop_Flux1Schnell

from ..helpers import close_to, colour_of, pictures, pixels


def gradio4_call(gradio, client_per_route):
    """Gradio 4 on the call route sends app errors without their text."""
    return gradio.version.startswith("4.") and client_per_route.protocol == "call"


def test_flux_returns_the_requested_image_and_the_seed_it_used(gradio, client_per_route):
    image = client_per_route.generate(
        "a red fox", provider=BlackForestLabs_Flux1Schnell(url=gradio.url["flux"]), seed=7, width=300, height=256
    )
    assert (image.seed, image.width, image.height) == (7, 296, 256)
    size, colour = pixels(image)
    assert size == (296, 256)
    assert close_to(colour, colour_of("a red fox"))
    assert image.mime_type == "image/webp"
    prefix = "" if gradio.version.startswith("4.") else "/gradio_api"
    assert image.url.startswith(f"{gradio.url['flux']}{prefix}/file=")


def test_without_a_seed_the_space_picks_one_and_it_is_reported(gradio, client_per_route):
    image = client_per_route.generate("a red fox", provider=Voodoohop_Flux1Schnell(url=gradio.url["flux"]))
    assert image.seed == 1234  # what the test app picks when asked to randomize
    assert pixels(image)[0] == (768, 768)


def test_sd35_streams_its_previews_then_the_final_image_once(gradio, client_per_route):
    events = list(
        client_per_route.stream(
            "a castle",
            negative_prompt=" at night",
            aspect_ratio="16:9",
            seed=3,
            provider=StabilityAI_SD35Large(url=gradio.url["sd35"]),
        )
    )
    events = pictures(events)
    assert [type(event) for event in events] == [Preview, Preview, Image]
    assert [event.seed for event in events] == [3, 3, 3]
    first, second, final = (pixels(event) for event in events)
    assert first[0] == second[0] == final[0] == (1024, 576)
    assert close_to(first[1], colour_of("a castle", 1 / 3))
    assert close_to(second[1], colour_of("a castle", 2 / 3))
    assert close_to(final[1], colour_of("a castle at night"))


def test_a_quota_error_is_typed(gradio, client_per_route):
    provider = BlackForestLabs_Flux1Schnell(url=gradio.url["quota"])
    if gradio4_call(gradio, client_per_route):
        with pytest.raises(hfimage.ProviderError, match="did not say why"):
            client_per_route.generate("a cat", provider=provider)
        return
    with pytest.raises(hfimage.QuotaExceededError) as caught:
        client_per_route.generate("a cat", provider=provider)
    assert caught.value.retry_after == 56.0
    assert "You have exceeded your GPU quota" in str(caught.value)


def test_an_app_error_is_a_provider_error(gradio, client_per_route):
    with pytest.raises(hfimage.ProviderError) as caught:
        client_per_route.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=gradio.url["broken"]))
    assert type(caught.value) is hfimage.ProviderError
    if not gradio4_call(gradio, client_per_route):
        assert str(caught.value) == "BlackForestLabs_Flux1Schnell failed: The model could not load its weights."


def test_fallback_reaches_a_space_that_can_serve(gradio, client_per_route):
    """Out of ZeroGPU quota, the call goes past the other ZeroGPU space to one that is not on ZeroGPU."""
    off_zerogpu = hfimage.Space(gradio.url["flux"])
    providers = [
        BlackForestLabs_Flux1Schnell(url=gradio.url["quota"]),
        Voodoohop_Flux1Schnell(url=gradio.url["flux"]),
        off_zerogpu,
    ]
    image = client_per_route.generate("a red fox", provider=providers, seed=5)
    hidden = gradio.version.startswith("4.") and client_per_route.protocol == "call"  # no quota text: just a failure
    served = "Voodoohop_Flux1Schnell" if hidden else off_zerogpu.name
    assert image.provider == served
    assert image.seed == 5
    assert [attempt.provider for attempt in image.attempts] == ["BlackForestLabs_Flux1Schnell", served]
    assert isinstance(image.attempts[0].error, hfimage.ProviderError)


def test_the_spaces_own_limits_are_checked_before_sending(gradio, client_per_route):
    with pytest.raises(hfimage.InvalidRequestError, match="takes width from 256 to 2048; got 64"):
        client_per_route.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=gradio.url["flux"]), width=64)


def test_saving_writes_the_image_with_its_real_extension(gradio, client_per_route, tmp_path):
    image = client_per_route.generate(
        "a red fox", provider=BlackForestLabs_Flux1Schnell(url=gradio.url["flux"]), seed=1
    )
    path = image.save(tmp_path / "fox")
    assert path == tmp_path / "fox.webp"
    assert path.read_bytes() == image.content
    assert image.save(tmp_path) == tmp_path / "a-red-fox-1.webp"


def queue_events(url, prompt="a cat", steps=2):
    with hfimage.Client(timeout=60, protocol="queue") as client:
        return list(client.stream(prompt, provider=BlackForestLabs_Flux1Schnell(url=url), seed=1, steps=steps))


def test_the_queue_route_reports_start_notices_and_step_progress(gradio):
    events = queue_events(gradio.url["progress"])
    kinds = [type(event) for event in events]
    assert kinds[0] is Queued
    assert kinds.index(Started) < kinds.index(Notice) < kinds.index(Progress) < kinds.index(Image)
    assert events[0].rank == 0
    notice = next(event for event in events if isinstance(event, Notice))
    assert (notice.message, notice.level) == ("Waiting for a GPU", "info")
    steps = [event for event in events if isinstance(event, Progress)]
    assert {(step.total, step.unit, step.description) for step in steps} == {(3.0, "steps", "Sampling")}
    assert all(0 <= step.index <= 3 for step in steps)


def test_a_job_behind_others_reports_its_rank_then_starts(gradio):
    """The busy app runs one job at a time: a third job waits behind one running and one queued."""
    url = gradio.url["busy"]
    results = {}

    def run(name, steps):
        results[name] = queue_events(url, name, steps)

    jobs = (("first", 15), ("second", 5), ("third", 1))
    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
        time.sleep(0.3)
    for thread in threads:
        thread.join(60)
    third = results["third"]
    ranks = [event.rank for event in third if isinstance(event, Queued)]
    assert ranks[0] >= 1
    assert ranks[-1] == 0 or len(ranks) == 1
    kinds = [type(event) for event in third]
    assert kinds.index(Queued) < kinds.index(Started) < kinds.index(Image)


def test_generate_passes_every_event_to_on_event(gradio):
    seen = []
    with hfimage.Client(timeout=60) as client:
        image = client.generate(
            "a cat", provider=BlackForestLabs_Flux1Schnell(url=gradio.url["progress"]), on_event=seen.append
        )
    assert seen[-1] is image
    assert {Queued, Started, Notice, Progress, Image} <= {type(event) for event in seen}


def test_quota_memory_sends_later_calls_straight_to_a_provider_that_can_serve(gradio):
    off_zerogpu = hfimage.Space(gradio.url["flux"])
    providers = [
        BlackForestLabs_Flux1Schnell(url=gradio.url["quota"]),
        Voodoohop_Flux1Schnell(url=gradio.url["flux"]),
        off_zerogpu,
    ]
    with hfimage.Client(timeout=60) as client:
        first = client.generate("a cat", provider=providers)
        second = client.generate("a cat", provider=providers)
        alone = BlackForestLabs_Flux1Schnell(url=gradio.url["quota"])
        with pytest.raises(hfimage.QuotaExceededError):
            client.generate("a cat", provider=alone)  # named alone, it is still tried
    assert [attempt.provider for attempt in first.attempts] == ["BlackForestLabs_Flux1Schnell", off_zerogpu.name]
    assert first.attempts[0].error.retry_after == 56.0
    assert first.attempts[0].error.shared is True
    assert [attempt.provider for attempt in second.attempts] == [off_zerogpu.name]
