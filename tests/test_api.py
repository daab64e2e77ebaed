"""The public surface: one list of parameters that every signature and the CLI follow, the same
calls in hfimage and hfimage.aio, and the declared seam (plan, run, quota memory) callers build on."""

import argparse
import inspect

import pytest

import hfimage
import hfimage.aio
from hfimage._core.request import _CHECKS, GENERATION_PARAMETERS, build_request
from hfimage.cli._options import generation_params
from hfimage.cli._parsers import generation_options
from hfimage.parameters import PARAMETERS
from hfimage.providers import BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell
from hfimage.testing import FakeSpace, error

CALL_OPTIONS = ("token", "proxy", "timeout", "protocol")
QUOTA = {"error": "Space app has reached its GPU limit. Please retry in 0:00:56"}
"""A space's own GPU limit: it rests that space alone, so the next one (ZeroGPU or not) is tried."""


def keywords(function):
    """A function's keyword parameters, with ``**params: Unpack[GenerateParams]`` spelled out."""
    names = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            names += PARAMETERS
        elif parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            names.append(parameter.name)
    return names


def test_the_parameters_are_one_list_that_everything_follows():
    assert ("model", "provider", "space", *GENERATION_PARAMETERS, *CALL_OPTIONS) == PARAMETERS
    assert tuple(_CHECKS) == GENERATION_PARAMETERS
    assert list(inspect.signature(build_request).parameters) == ["prompt", "given"]
    for function in (hfimage.generate, hfimage.Client.generate, hfimage.Client.stream, hfimage.Client.plan):
        assert [name for name in keywords(function) if name != "on_event"] == list(PARAMETERS), function


def test_the_command_line_has_an_option_for_every_generation_parameter():
    parser = argparse.ArgumentParser()
    generation_options(parser)
    given = generation_params(parser.parse_args([]))
    assert tuple(given) == ("model", "provider", "space", *GENERATION_PARAMETERS)


@pytest.mark.parametrize("name", ["generate", "generate_many", "stream", "inspect"])
def test_hfimage_and_hfimage_aio_expose_the_same_calls_with_the_same_signatures(name):
    sync_function, async_function = getattr(hfimage, name), getattr(hfimage.aio, name)
    assert inspect.signature(sync_function).parameters.keys() == inspect.signature(async_function).parameters.keys()
    sync_method, async_method = getattr(hfimage.Client, name), getattr(hfimage.aio.Client, name)
    assert inspect.signature(sync_method).parameters.keys() == inspect.signature(async_method).parameters.keys()
    assert inspect.iscoroutinefunction(async_function) == (name != "stream")
    assert hfimage.aio.Space is hfimage.Space


def test_the_clients_share_their_settings():
    sync = list(inspect.signature(hfimage.Client).parameters)
    asynchronous = list(inspect.signature(hfimage.aio.Client).parameters)
    assert sync[:4] == asynchronous[:4] == ["token", "proxy", "timeout", "protocol"]


@pytest.mark.parametrize("module", [hfimage, hfimage.aio])
def test_every_exported_name_resolves(module):
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_an_unknown_parameter_is_refused_by_name_before_anything_is_sent(fake_space):
    provider = BlackForestLabs_Flux1Schnell(url=fake_space.url)
    with hfimage.Client() as client, pytest.raises(hfimage.InvalidRequestError) as caught:
        client.generate("a cat", provider=provider, negative_promt="dogs")  # type: ignore[call-arg]
    assert str(caught.value).startswith("generate() has no parameter 'negative_promt'; it takes model, provider, ")
    assert fake_space.requests == []


def test_a_plan_is_checked_then_run_and_a_quota_memory_can_be_passed_in(fake_space):
    memory = hfimage.QuotaMemory()
    fake_space.script([error(QUOTA)])
    second_space = FakeSpace()
    providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second_space.url)]
    with second_space:
        with hfimage.Client(quota=memory) as client:
            plan = client.plan("a cat", provider=providers, seed=3)
            assert isinstance(plan, hfimage.Plan)
            assert fake_space.requests == []  # planning sends nothing
            image = hfimage.final_image(client.run(plan, hfimage.Cancellation()))
        assert (image.provider, image.seed) == ("Voodoohop_Flux1Schnell", 3)
        assert memory.remaining(providers[0].key) == pytest.approx(56, abs=2)
        with hfimage.Client(quota=memory) as another:
            again = another.generate("a cat", provider=providers)
    assert again.attempts == (hfimage.Attempt("Voodoohop_Flux1Schnell"),)  # the memory was shared


def test_a_cancelled_run_stops_before_sending(fake_space):
    cancellation = hfimage.Cancellation()
    cancellation.cancel()
    with hfimage.Client() as client:
        plan = client.plan("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        with pytest.raises(hfimage.CallCancelledError, match="The call was cancelled"):
            next(client.run(plan, cancellation))
    assert fake_space.requests == []
