import pytest

from hfimage import ProtocolError, ProviderError, QuotaExceededError
from hfimage._protocols.gradio.app import App, parse_config
from hfimage._protocols.gradio.app_errors import app_error
from hfimage._protocols.gradio.outputs import image_and_seed

ROOT = "http://127.0.0.1:9"


@pytest.mark.parametrize("junk", [[], "text", None, 3])
def test_a_config_that_is_not_an_object_is_a_protocol_error(junk):
    with pytest.raises(ProtocolError):
        parse_config(ROOT, junk)


def test_hostile_config_fields_are_ignored_not_fatal():
    space = parse_config(
        ROOT,
        {
            "api_prefix": 5,
            "version": [],
            "components": "x",
            "dependencies": [None, {"api_name": 3}, {"api_name": "infer"}],
        },
    )
    assert space.api_prefix == ""
    assert space.version is None
    assert space.endpoints["infer"].inputs == ()


def test_the_image_url_is_built_from_the_path_not_the_servers_url():
    space = App(ROOT, "/gradio_api")
    file_data = {
        "path": "/tmp/gradio/a b/image.webp",
        "url": "http://wrong.invalid/c/file=x",
        "meta": {"_type": "gradio.FileData"},
    }
    assert image_and_seed([file_data, 5], space, "P") == (f"{ROOT}/gradio_api/file=/tmp/gradio/a%20b/image.webp", 5)


@pytest.mark.parametrize(
    ("outputs", "expected"),
    [
        ([{"path": "/p.png"}, 5.0], (f"{ROOT}/file=/p.png", 5)),
        ([{"path": "/p.png"}, True], (f"{ROOT}/file=/p.png", None)),
        ([{"path": "/p.png"}, 5.5], (f"{ROOT}/file=/p.png", None)),
        ([{"path": "/p.png"}], (f"{ROOT}/file=/p.png", None)),
        ([{"url": "https://cdn.example.com/i.png"}, 3], ("https://cdn.example.com/i.png", 3)),
        ([None, 3], (None, None)),
        ({"path": "/p.png"}, (None, None)),
        ([], (None, None)),
    ],
)
def test_outputs_give_an_image_and_the_seed_after_it(outputs, expected):
    assert image_and_seed(outputs, App(ROOT, ""), "P") == expected


def test_an_error_without_text_says_so_and_hints_at_quota():
    error = app_error(None, "P")
    assert type(error) is ProviderError
    assert error.provider == "P"
    assert "did not say why" in str(error)
    assert "HF_TOKEN" in str(error)


def test_an_error_text_is_unquoted_and_stripped_of_html():
    error = app_error("'<b>Boom</b> &amp; bust'", "P")
    assert type(error) is ProviderError
    assert str(error) == "P failed: Boom & bust"


def test_a_quota_text_becomes_a_quota_error_with_its_wait():
    error = app_error(
        'You have exceeded your GPU quota (60s requested vs. 56s left). <a href="https://huggingface.co/join">'
        "Create a free account</a> to get more usage quota. Try again in 0:01:00",
        "P",
    )
    assert isinstance(error, QuotaExceededError)
    assert error.retry_after == 60.0
    assert "<a" not in str(error)
    assert "Create a free account to get more usage quota" in str(error)
