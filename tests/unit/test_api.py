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

CALL_OPTIONS = ("token", "proxy", "timeout", "protocol", "credits")
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
    assert tuple(given) == ("model", "provider", "space", *GENERATION_PARAMETERS, "credits")


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
