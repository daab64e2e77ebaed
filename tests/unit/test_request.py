import pytest

from hfimage import InvalidRequestError
from hfimage._core.request import build_request


def test_a_valid_request_keeps_every_value():
    request = build_request(
        "a cat",
        negative_prompt="dogs",
        width=640,
        height=480,
        steps=4,
        guidance_scale=3,
        seed=7,
    )
    assert request.prompt == "a cat"
    assert request.negative_prompt == "dogs"
    assert (request.width, request.height, request.steps, request.seed) == (640, 480, 4, 7)
    assert build_request("a cat", aspect_ratio=" 16 : 9 ").aspect_ratio == "16:9"
    assert request.guidance_scale == 3.0
    assert request.given() == ["negative_prompt", "width", "height", "steps", "guidance_scale", "seed"]


def test_unset_parameters_are_not_given():
    assert build_request("a cat").given() == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"prompt": ""}, "prompt must be a non-empty string"),
        ({"prompt": "   "}, "prompt must be a non-empty string"),
        ({"prompt": None}, "prompt must be a non-empty string"),
        ({"prompt": 42}, "prompt must be a non-empty string"),
        ({"negative_prompt": 3}, "negative_prompt must be a string; got int"),
        ({"width": 0}, "width must be between 1 and 8192; got 0"),
        ({"width": -5}, "width must be between 1 and 8192; got -5"),
        ({"height": 100000}, "height must be between 1 and 8192; got 100000"),
        ({"width": 512.0}, "width must be a whole number; got 512.0"),
        ({"width": True}, "width must be a whole number; got True"),
        ({"width": "512"}, "width must be a whole number; got '512'"),
        ({"steps": 0}, "steps must be between 1 and 1000; got 0"),
        ({"steps": 10**6}, "steps must be between 1 and 1000"),
        ({"seed": -1}, "seed must be between 0 and"),
        ({"guidance_scale": float("nan")}, "guidance_scale must be a finite number"),
        ({"guidance_scale": -1}, "guidance_scale must be between 0 and 100; got -1"),
        ({"aspect_ratio": "wide"}, "aspect_ratio must look like '16:9'; got 'wide'"),
        ({"aspect_ratio": 1.5}, "aspect_ratio must look like '16:9'; got 1.5"),
        ({"aspect_ratio": "7:3"}, "Unknown aspect_ratio '7:3'. Known ratios: 1:1, 16:9"),
    ],
)
def test_bad_values_are_refused_with_the_reason(params, message):
    params = {"prompt": "a cat", **params}
    with pytest.raises(InvalidRequestError) as caught:
        build_request(**params)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_size_prefers_given_sides_then_the_ratio_then_the_default():
    assert build_request("x").size(default=(768, 768)) == (768, 768)
    assert build_request("x", aspect_ratio="16:9").size(default=(768, 768)) == (1024, 576)
    assert build_request("x", width=300).size(default=(768, 768)) == (300, 768)
