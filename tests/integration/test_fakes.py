"""The fakes of hfimage.testing: scripts kept for a prompt reach that prompt's job, whatever the order."""

import pytest

import hfimage
from hfimage import ProviderError, ServiceUnavailableError
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs
from hfimage.testing import FakeImageLabs, FakeSpace, Reply, error, prompt_colour, solid_png


def test_a_space_script_kept_for_a_prompt_waits_for_that_prompt():
    with FakeSpace() as space:
        space.script([error({"error": "bad luck"})], prompt="a fox")
        space.script([space.final(7)])
        with hfimage.Client() as client:
            provider = BlackForestLabs_Flux1Schnell(url=space.url)
            first = client.generate("a cat", provider=provider, seed=1)
            second = client.generate("a dog", provider=provider, seed=2)
            with pytest.raises(ProviderError, match="bad luck"):
                client.generate("a fox", provider=provider)
            third = client.generate("a fox", provider=provider, seed=3)
            assert first.seed == 7  # the unkeyed script went to the first job
            assert second.content == solid_png(8, 8, prompt_colour("a dog"))  # then the default again
            assert (third.seed, third.content) == (3, solid_png(8, 8, prompt_colour("a fox")))  # kept scripts run once


def test_an_imagelabs_script_kept_for_a_prompt_waits_for_that_prompt():
    with FakeImageLabs() as server:
        server.script(Reply(500, "down"), prompt="a fox")
        with hfimage.Client() as client:
            provider = ImageLabs(url=server.url)
            image = client.generate("a cat", provider=provider)
            with pytest.raises(ServiceUnavailableError):
                client.generate("a fox", provider=provider)
    assert image.url.startswith(server.url)
    assert [request.json()["prompt"] for request in server.requests if request.path == "/txt2img"] == ["a cat", "a fox"]
