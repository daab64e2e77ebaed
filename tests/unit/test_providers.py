import pytest

import hfimage
from hfimage import InvalidRequestError
from hfimage._core.request import build_request
from hfimage._protocols.gradio.api_info import with_names
from hfimage._protocols.gradio.app import named_by, parse_config
from hfimage.providers import BlackForestLabs_Flux1Schnell, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from hfimage.testing import SIGNATURES, app_config

ROOT = "http://127.0.0.1:7860"


def mapped(provider, signature, **params):
    """What the provider would send the app, by input name, and the size it reports (the app's config only,
    as a built-in provider reads it)."""
    space = parse_config(ROOT, app_config(signature))
    job = provider.prepare(build_request("a cat", **params))
    binding, filled = provider.inputs_for(space, job.request)
    return filled.named(binding), (filled.width, filled.height)


SD35 = SIGNATURES["stabilityai/stable-diffusion-3.5-large"]

FLUX = SIGNATURES["black-forest-labs/FLUX.1-schnell"]


def test_sd35_sends_the_seeds_defaults_in_the_spaces_order():
    sent, size = mapped(StabilityAI_SD35Large(), SD35)
    assert list(sent.values()) == ["a cat", "", 0, True, 1024, 1024, 4.5, 50]
    assert size == (1024, 1024)


def test_sd35_takes_every_parameter():
    sent, _ = mapped(
        StabilityAI_SD35Large(), SD35, negative_prompt="blur", seed=9, aspect_ratio="16:9", steps=20, guidance_scale=0
    )
    assert list(sent.values()) == ["a cat", "blur", 9, False, 1024, 576, 0.0, 20]


def test_sd35_refuses_a_table_size_outside_the_apps_limits():
    with pytest.raises(InvalidRequestError, match="StabilityAI_SD35Large takes height from 512 to 1440; got 440"):
        mapped(StabilityAI_SD35Large(), SD35, aspect_ratio="21:9")


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
    sent, reported = mapped(StabilityAI_SD35Large(), SD35, aspect_ratio=ratio)
    assert (sent["width"], sent["height"]) == size == reported


@pytest.mark.parametrize("cls", [BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell])
def test_flux_sends_the_seeds_defaults(cls):
    sent, _ = mapped(cls(), FLUX)
    assert list(sent.values()) == ["a cat", 0, True, 768, 768, 2]


@pytest.mark.parametrize(
    ("width", "height", "sent"),
    [(1000, 500, (1000, 496)), (300, 263, (296, 256)), (1024, 1024, (1024, 1024))],
)
def test_flux_floors_sizes_to_a_multiple_of_8(width, height, sent):
    got, size = mapped(BlackForestLabs_Flux1Schnell(), FLUX, width=width, height=height)
    assert size == sent
    assert (got["width"], got["height"]) == sent


def test_flux_refuses_a_size_below_the_apps_limit_quoting_what_was_asked():
    with pytest.raises(InvalidRequestError, match="takes height from 256 to 2048; got 7"):
        mapped(BlackForestLabs_Flux1Schnell(), FLUX, width=300, height=7)


def test_flux_with_a_seed_turns_randomizing_off():
    assert mapped(BlackForestLabs_Flux1Schnell(), FLUX, seed=123)[0]["seed"] == 123
    assert mapped(BlackForestLabs_Flux1Schnell(), FLUX, seed=123)[0]["randomize_seed"] is False
    assert mapped(BlackForestLabs_Flux1Schnell(), FLUX, seed=0)[0]["randomize_seed"] is False


def test_flux_takes_an_aspect_ratio_too():
    sent, _ = mapped(BlackForestLabs_Flux1Schnell(), FLUX, aspect_ratio="3:2")
    assert (sent["width"], sent["height"]) == (1024, 680)


@pytest.mark.parametrize(("param", "value"), [("negative_prompt", "dogs"), ("guidance_scale", 3.0)])
def test_flux_refuses_parameters_it_does_not_take(param, value):
    with pytest.raises(InvalidRequestError, match=f"BlackForestLabs_Flux1Schnell does not take {param}"):
        BlackForestLabs_Flux1Schnell().prepare(build_request("a cat", **{param: value}))


def test_a_built_in_provider_reads_the_apps_names_when_its_config_no_longer_matches_its_signature():
    space = parse_config(ROOT, app_config(SD35))
    target = BlackForestLabs_Flux1Schnell().target
    assert named_by(space, target.signature, target.endpoint) is None
    named = with_names(space, {"named_endpoints": {}}, "P")
    assert named_by(named, target.signature, target.endpoint) is named


@pytest.mark.parametrize("url", ["ftp://example.com", "http://", "file:///etc/passwd"])
def test_a_provider_url_must_be_http_with_a_host(url):
    with pytest.raises(InvalidRequestError, match="must be an http"):
        BlackForestLabs_Flux1Schnell(url=url)


@pytest.mark.parametrize("given", ["not a url", "owner", "a/b/c", "../x", "-owner/name"])
def test_something_neither_an_id_nor_a_url_is_refused_saying_what_would_do(given):
    with pytest.raises(InvalidRequestError, match=r"by its id, 'owner/name' .* or by the URL of its app"):
        hfimage.Space(given)


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
    assert by_name["z-image-turbo"].providers == ("Tongyi-MAI/Z-Image-Turbo", "mrfakename/Z-Image-Turbo")
    assert by_name["flux-dev"].providers == ("black-forest-labs/FLUX.1-dev",)
    assert by_name["sd-3.5-turbo"].providers == ("stabilityai/stable-diffusion-3.5-large-turbo",)
    assert by_name["qwen-image"].providers == ("Qwen/Qwen-Image",)
