import pytest

import hfimage
from hfimage import InvalidRequestError
from hfimage._core.request import build_request
from hfimage.providers import BlackForestLabs_Flux1Schnell, StabilityAI_SD35Large, Voodoohop_Flux1Schnell


def inputs(provider, **params):
    return dict(provider.prepare(build_request("a cat", **params)).inputs)


def test_sd35_sends_the_seeds_defaults_in_the_spaces_order():
    job = StabilityAI_SD35Large().prepare(build_request("a cat"))
    assert job.values == ["a cat", "", 0, True, 1024, 1024, 4.5, 50]
    assert (job.width, job.height) == (1024, 1024)


def test_sd35_takes_every_parameter():
    job = StabilityAI_SD35Large().prepare(
        build_request("a cat", negative_prompt="blur", seed=9, aspect_ratio="21:9", steps=20, guidance_scale=0)
    )
    assert job.values == ["a cat", "blur", 9, False, 1024, 440, 0.0, 20]


@pytest.mark.parametrize(
    ("ratio", "size"),
    [
        ("1:1", (1024, 1024)),
        ("16:9", (1024, 576)),
        ("9:16", (576, 1024)),
        ("3:2", (1024, 682)),
        ("4:5", (832, 1040)),
        ("1:2", (512, 1024)),
    ],
)
def test_sd35_sizes_come_from_the_aspect_ratio_table(ratio, size):
    got = inputs(StabilityAI_SD35Large(), aspect_ratio=ratio)
    assert (got["width"], got["height"]) == size


@pytest.mark.parametrize("cls", [BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell])
def test_flux_sends_the_seeds_defaults(cls):
    assert cls().prepare(build_request("a cat")).values == ["a cat", 0, True, 768, 768, 2]


@pytest.mark.parametrize(
    ("width", "height", "sent"),
    [(1000, 500, (1000, 496)), (100, 7, (96, 32)), (33, 39, (32, 32)), (1024, 1024, (1024, 1024))],
)
def test_flux_floors_sizes_to_a_multiple_of_8_and_at_least_32(width, height, sent):
    job = BlackForestLabs_Flux1Schnell().prepare(build_request("a cat", width=width, height=height))
    assert (job.width, job.height) == sent
    assert job.values[3:5] == list(sent)


def test_flux_with_a_seed_turns_randomizing_off():
    assert inputs(BlackForestLabs_Flux1Schnell(), seed=123)["seed"] == 123
    assert inputs(BlackForestLabs_Flux1Schnell(), seed=123)["randomize_seed"] is False
    assert inputs(BlackForestLabs_Flux1Schnell(), seed=0)["randomize_seed"] is False


def test_flux_takes_an_aspect_ratio_too():
    got = inputs(BlackForestLabs_Flux1Schnell(), aspect_ratio="3:2")
    assert (got["width"], got["height"]) == (1024, 680)


@pytest.mark.parametrize(("param", "value"), [("negative_prompt", "dogs"), ("guidance_scale", 3.0)])
def test_flux_refuses_parameters_it_does_not_take(param, value):
    with pytest.raises(InvalidRequestError, match=f"BlackForestLabs_Flux1Schnell does not take {param}"):
        BlackForestLabs_Flux1Schnell().prepare(build_request("a cat", **{param: value}))


@pytest.mark.parametrize("url", ["ftp://example.com", "not a url", "http://", "file:///etc/passwd"])
def test_a_provider_url_must_be_http_with_a_host(url):
    with pytest.raises(InvalidRequestError, match="must be an http"):
        BlackForestLabs_Flux1Schnell(url=url)


def test_a_provider_repr_names_its_url_but_never_its_token():
    provider = BlackForestLabs_Flux1Schnell(url="http://127.0.0.1:7860/", token="hf_secretvalue")
    assert repr(provider) == "BlackForestLabs_Flux1Schnell(url='http://127.0.0.1:7860')"
    assert "hf_secret" not in repr(provider.credential(None))


def test_models_lists_names_aliases_and_providers_in_fallback_order():
    by_name = {info.name: info for info in hfimage.models()}
    assert by_name["flux"].aliases == ("flux-schnell",)
    assert by_name["flux"].providers == ("BlackForestLabs_Flux1Schnell", "Voodoohop_Flux1Schnell")
    assert by_name["sd-3.5"].aliases == ("sd-3.5-large", "stabilityai-stable-diffusion-3-5-large")
    assert by_name["sd-3.5"].providers == ("StabilityAI_SD35Large",)
    assert by_name["voodoohop-flux-1-schnell"].providers == ("Voodoohop_Flux1Schnell",)
    assert by_name["black-forest-labs-flux-1-schnell"].providers == ("BlackForestLabs_Flux1Schnell",)
