"""Code written against the seeds' async generators runs unchanged but for its import line."""

import copy

import anyio
import pytest

import hfimage.aio
from hfimage.aio import (
    BlackForestLabs_Flux1Schnell,
    ImageLabs,
    ImagePreview,
    ImageResponse,
    ResponseError,
    StabilityAI_SD35Large,
    Voodoohop_Flux1Schnell,
)
from hfimage.testing import SD35_INPUTS, FakeImageLabs, FakeSpace, error, heartbeat

from ..helpers import posted_data


@pytest.fixture
def sd35(monkeypatch):
    with FakeSpace(inputs=SD35_INPUTS) as space:
        monkeypatch.setattr(StabilityAI_SD35Large, "url", space.url)
        yield space


@pytest.fixture
def voodoohop(monkeypatch, fake_space):
    monkeypatch.setattr(Voodoohop_Flux1Schnell, "url", fake_space.url)
    return fake_space


def posted(space):
    return posted_data(space)


def test_the_first_seed_example_runs_as_written(sd35, capsys):
    sd35.script([sd35.preview(3), heartbeat(), sd35.final(3)])

    async def example():
        model = "stabilityai-stable-diffusion-3-5-large"
        messages = [{"role": "user", "content": "A cat wearing a hat"}]
        async for image in StabilityAI_SD35Large.create_async_generator(model=model, messages=messages):
            print(image.url)

    anyio.run(example)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2
    assert all(line.startswith(f"{sd35.url}/gradio_api/file=/tmp/gradio/") for line in printed)
    assert posted(sd35) == [["A cat wearing a hat", "", 0, True, 1024, 1024, 4.5, 50]]


def test_the_second_seed_example_runs_as_written(sd35, capsys):
    async def example():
        model = "stabilityai-stable-diffusion-3-5-large"
        messages = [{"role": "user", "content": "A dog playing guitar"}]
        async for image in StabilityAI_SD35Large.create_async_generator(
            model=model, messages=messages, aspect_ratio="16:9", seed=42
        ):
            print(image.url)

    anyio.run(example)
    assert len(capsys.readouterr().out.splitlines()) == 1
    # As in the seed, randomize_seed (default True) wins over seed=42: the space picks the seed.
    assert posted(sd35) == [["A dog playing guitar", "", 0, True, 1024, 576, 4.5, 50]]


def test_the_voodoohop_example_with_await_runs_as_written(voodoohop, capsys):
    async def main():
        messages = [{"role": "user", "content": "A cat wearing a hat"}]
        generator = Voodoohop_Flux1Schnell.create_async_generator(
            model="voodoohop-flux-1-schnell", messages=messages, width=512, height=512
        )
        async for image_response in await generator:
            print(f"Image URL: {image_response.images[0]}")

    anyio.run(main)
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"Image URL: {voodoohop.url}/gradio_api/file=")
    assert posted(voodoohop) == [["A cat wearing a hat", 0, True, 512, 512, 2]]


def test_previews_and_finals_have_the_seed_shapes(sd35):
    sd35.script([sd35.preview(3), heartbeat(), sd35.final(3)])

    async def collect():
        messages = [{"role": "user", "content": "A cat"}]
        return [item async for item in StabilityAI_SD35Large.create_async_generator("sd-3.5", messages)]

    preview, final = anyio.run(collect)
    assert type(preview) is ImagePreview
    assert type(final) is ImageResponse
    assert isinstance(preview, ImageResponse)
    assert final.images == [final.url]
    assert final.alt == "A cat"
    assert str(final) == f"[![A cat]({final.url})]({final.url})"


def test_subclassing_to_change_the_url_works(fake_space):
    class LocalFlux(BlackForestLabs_Flux1Schnell):
        url = fake_space.url

    async def collect():
        messages = [{"role": "user", "content": "a fox"}]
        return [item async for item in LocalFlux.create_async_generator("flux", messages, seed=5, randomize_seed=False)]

    (image,) = anyio.run(collect)
    assert image.url.startswith(fake_space.url)
    assert posted(fake_space) == [["a fox", 5, False, 768, 768, 2]]


def test_api_key_goes_to_the_space_as_a_bearer_token(fake_space):
    class Private(StabilityAI_SD35Large):
        url = fake_space.url

    with FakeSpace(inputs=SD35_INPUTS) as space:
        Private.url = space.url

        async def run():
            messages = [{"role": "user", "content": "x"}]
            return [i async for i in Private.create_async_generator("sd-3.5", messages, api_key="hf_abc")]

        anyio.run(run)
        assert {request.headers.get("Authorization") for request in space.requests} == {"Bearer hf_abc"}


def test_messages_become_the_prompt_and_are_not_changed(voodoohop):
    messages = [
        {"role": "user", "content": "ignored: not in the trailing run"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "a red"},
        {"role": "user", "content": "fox"},
    ]
    before = copy.deepcopy(messages)

    async def run():
        return [i async for i in Voodoohop_Flux1Schnell.create_async_generator("flux", messages)]

    (image,) = anyio.run(run)
    assert messages == before
    assert image.alt == "a red\nfox"
    assert posted(voodoohop)[0][0] == "a red\nfox"


def test_imagelabs_uses_the_last_message_and_its_defaults(monkeypatch):
    with FakeImageLabs() as server:
        monkeypatch.setattr(ImageLabs, "url", server.url)

        async def run():
            messages = [{"role": "user", "content": "first"}, {"role": "assistant", "content": "last"}]
            return [i async for i in ImageLabs.create_async_generator("anything", messages)]

        (image,) = anyio.run(run)
        body = next(request.json() for request in server.requests if request.route == "/txt2img")
    assert image.url.startswith(f"{server.url}/images/")
    assert (body["prompt"], body["negative_prompt"], body["width"], body["height"]) == ("last", "", 1152, 896)


def test_errors_are_typed_and_caught_as_response_error(voodoohop):
    voodoohop.script([error({"error": "You have exceeded your ZeroGPU runs limit."})])

    async def run():
        return [
            i async for i in Voodoohop_Flux1Schnell.create_async_generator("flux", [{"role": "user", "content": "x"}])
        ]

    with pytest.raises(ResponseError) as caught:
        anyio.run(run)
    assert isinstance(caught.value, hfimage.QuotaExceededError)
