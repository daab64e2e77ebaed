"""Promises of the surface around a call kept against hostile input: names an app sends that would
change a URL, a space that is not there, a Hub that is silent, secrets in configuration, damaged
and concurrent state files, a clock set back, limits read long ago, huge lists, a stalled resolver."""

import os
import socket
import traceback

import pytest
import responses

import hfimage
import hfimage.aio
from hfimage import QuotaMemory
from hfimage._core.quota_memory import MAX_REST
from hfimage.errors import MESSAGE_CHARS, QuotaExceededError
from hfimage.testing._png import solid_png

from ..helpers import EVENT_ID, ROOT, FakeClock, file_data, sse

PASSWORD = "s3cret-Pa55"


def config(*api_names):
    """A Gradio 5 config with one text-to-image endpoint per name."""
    components = [{"id": 1, "type": "textbox", "props": {"label": "prompt", "value": ""}},
                  {"id": 2, "type": "image", "props": {}}]  # fmt: skip
    dependencies = [
        {"id": index, "api_name": name, "inputs": [1], "outputs": [2], "queue": False}
        for index, name in enumerate(api_names)
    ]
    return {"version": "5.0.0", "protocol": "sse_v3", "api_prefix": "/gradio_api", "components": components,
            "dependencies": dependencies}  # fmt: skip


def info(*api_names):
    parameter = {"parameter_name": "prompt", "parameter_has_default": False, "component": "Textbox"}
    return {"named_endpoints": {f"/{name}": {"parameters": [parameter], "returns": [{"component": "Image"}]}
                                for name in api_names}}  # fmt: skip


HOSTILE_NAMES = ["../../steal", "infer/../../../steal", "..", "a/b", "infer?x=1", "infer#x", "in fer", "%2e%2e"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("where", ["config", "info"])
def test_an_endpoint_name_that_would_change_the_url_is_never_called(name, where):
    with responses.RequestsMock() as mock, hfimage.Client(cache=False) as client:
        mock.get(f"{ROOT}/config", json=config(name) if where == "config" else config())
        mock.get(f"{ROOT}/gradio_api/info", json=info(name))
        with pytest.raises(hfimage.InvalidRequestError, match="will not put in a URL") as caught:
            client.generate("a cat", space=ROOT)
        assert [call.request.method for call in mock.calls] == ["GET", "GET"]
    assert repr(name) in str(caught.value)


def test_a_hostile_endpoint_beside_a_usable_one_is_left_out_and_the_usable_one_called():
    with responses.RequestsMock() as mock, hfimage.Client(cache=False) as client:
        mock.get(f"{ROOT}/config", json=config("../steal", "generate"))
        mock.get(f"{ROOT}/gradio_api/info", json=info("../steal", "generate"))
        mock.post(f"{ROOT}/gradio_api/call/generate", json={"event_id": EVENT_ID})
        mock.get(f"{ROOT}/gradio_api/call/generate/{EVENT_ID}", body=sse(("complete", [file_data("f")])))
        mock.get(
            f"{ROOT}/gradio_api/file=/tmp/gradio/f/image.webp",
            body=solid_png(3, 2, (0, 0, 0)),
            content_type="image/png",
        )
        image = client.generate("a cat", space=ROOT)
        posted = [call.request.url for call in mock.calls if call.request.method == "POST"]
    assert posted == [f"{ROOT}/gradio_api/call/generate"]
    assert image.url == f"{ROOT}/gradio_api/file=/tmp/gradio/f/image.webp"
    assert (image.width, image.height) == (3, 2)  # the app has no size inputs: the image says


@pytest.mark.parametrize("name", [*HOSTILE_NAMES, "", "/", 7])
def test_the_users_endpoint_is_checked_by_the_same_rule_before_anything_is_sent(name):
    with pytest.raises(hfimage.InvalidRequestError, match="endpoint= is an API endpoint's name"):
        hfimage.Space("http://127.0.0.1:9", endpoint=name)


def test_a_plain_name_in_any_script_is_an_endpoint_name():
    assert hfimage.Space("http://127.0.0.1:9", endpoint="/générer-image_2").endpoint == "générer-image_2"


@pytest.mark.parametrize("url", [f"https://user:{PASSWORD}@hub.example", f"https://{PASSWORD}@hub.example/"])
def test_a_hub_address_with_a_password_is_refused_without_showing_it(monkeypatch, url):
    monkeypatch.setenv("HF_ENDPOINT", url)
    with pytest.raises(hfimage.InvalidRequestError, match="without a user or password") as caught:
        hfimage.Client(cache=False).generate("a cat", space="owner/name")
    shown = str(caught.value) + repr(caught.value) + "".join(traceback.format_exception(caught.value))
    assert PASSWORD not in shown
    with pytest.raises(hfimage.InvalidRequestError) as given:
        hfimage.Client(hub_url=url)
    assert PASSWORD not in str(given.value) + repr(given.value)


def test_no_error_shows_a_urls_password_or_a_token_whatever_built_its_message():
    token = "hf_" + "A1b2C3d4" * 4
    error = hfimage.ProviderError(
        f"failed at http://me:{PASSWORD}@proxy.example:8080 with {token}", url=f"https://u:{PASSWORD}@x.example/a"
    )
    shown = str(error) + repr(error)
    assert PASSWORD not in shown
    assert token not in shown
    assert "http://***@proxy.example:8080" in str(error)


def test_every_message_is_bounded():
    error = hfimage.ProtocolError("x" * 10_000_000)
    assert MESSAGE_CHARS - 100 < len(str(error)) <= MESSAGE_CHARS
    assert str(error).endswith("characters cut)")


def test_a_rest_longer_than_any_is_kept_no_longer_than_the_limit():
    clock = FakeClock()
    memory = QuotaMemory(clock=clock)
    for wait in (float("inf"), 10.0**300, float("nan")):
        memory.remember("P", QuotaExceededError("q", retry_after=wait))
        assert memory.remaining("P") in (MAX_REST, 300.0)


def test_a_save_keeps_the_rests_another_writer_saved_since_this_one_read(tmp_path):
    path = tmp_path / "quota.json"
    clock = FakeClock()
    first, second = QuotaMemory(path, clock=clock), QuotaMemory(path, clock=clock)
    second.remember("B", QuotaExceededError("q", retry_after=60))
    first.remember("A", QuotaExceededError("q", retry_after=30))
    assert QuotaMemory(path, clock=clock).cooling() == {"A": 30.0, "B": 60.0}
    assert first.remaining("B") == 60.0


def test_for_one_provider_the_rest_announced_last_wins(tmp_path):
    path = tmp_path / "quota.json"
    clock = FakeClock()
    early = QuotaMemory(path, clock=clock)
    early.remember("A", QuotaExceededError("q", retry_after=600))
    clock.now += 10
    QuotaMemory(path, clock=clock).remember("A", QuotaExceededError("q", retry_after=30))
    early.remember("B", QuotaExceededError("q", retry_after=5))
    assert QuotaMemory(path, clock=clock).cooling() == {"A": 30.0, "B": 5.0}


def test_a_clock_set_back_never_makes_a_rest_outlast_what_was_announced():
    clock = FakeClock()
    memory = QuotaMemory(clock=clock)
    memory.remember("P", QuotaExceededError("q", retry_after=60))
    clock.now -= 3600
    assert memory.remaining("P") == 60.0
    assert memory.cooling() == {"P": 60.0}


def test_a_clock_set_back_is_bounded_across_processes_too(tmp_path):
    clock = FakeClock()
    QuotaMemory(tmp_path / "quota.json", clock=clock).remember("P", QuotaExceededError("q", retry_after=60))
    clock.now -= 3600
    assert QuotaMemory(tmp_path / "quota.json", clock=clock).remaining("P") == 60.0


@pytest.mark.parametrize("content", ["hf_" + "a" * 5000, "x" * 10_000_000])
def test_a_token_file_of_any_size_is_refused_as_not_a_token_without_being_read_whole(tmp_path, monkeypatch, content):
    path = tmp_path / "token"
    path.write_text(content)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(path))
    with pytest.raises(hfimage.InvalidRequestError, match="is not a Hugging Face token") as caught:
        hfimage.Client(cache=False).generate("a cat", space="http://127.0.0.1:9")
    assert "aaaaaaaa" not in str(caught.value)


def test_a_token_path_that_is_a_pipe_is_no_token_and_does_not_block(tmp_path, monkeypatch):
    pipe = tmp_path / "token"
    os.mkfifo(pipe)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(pipe))
    assert hfimage.Client(cache=False).token_source is None


def test_a_resolver_that_fails_is_a_connection_error_naming_the_host(monkeypatch):
    def getaddrinfo(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(hfimage.ConnectionError, match=r"nowhere\.test: its name could not be resolved") as caught:
        hfimage.generate("a cat", space="http://nowhere.test:9", timeout=5)
    assert caught.value.reason == "name"


@pytest.mark.parametrize("prefix", ["@evil.example", "/../../steal", "//evil.example", "/a b", "/gradio_api?x"])
def test_an_api_prefix_that_would_change_the_url_is_refused_and_nothing_is_sent_under_it(prefix):
    with responses.RequestsMock() as mock, hfimage.Client(cache=False) as client:
        mock.get(f"{ROOT}/config", json={**config("infer"), "api_prefix": prefix})
        mock.get(f"{ROOT}/gradio_api/info", status=404)
        mock.get(f"{ROOT}/info", status=404)
        with pytest.raises(hfimage.ProtocolError, match="does not answer as a Gradio app"):
            client.generate("a cat", space=ROOT)
        assert {call.request.method for call in mock.calls} == {"GET"}


@pytest.mark.parametrize("url", [f"https://me:{PASSWORD}@owner-name.hf.space", f"http://{PASSWORD}@127.0.0.1:9"])
def test_a_space_url_with_a_password_is_refused_without_showing_it(url):
    with pytest.raises(hfimage.InvalidRequestError, match="cannot carry a user name or password") as caught:
        hfimage.generate("a cat", space=url)
    assert PASSWORD not in str(caught.value) + repr(caught.value)


def test_a_clients_repr_does_not_show_its_proxys_password():
    shown = repr(hfimage.Client(proxy=f"http://me:{PASSWORD}@proxy.example:3128", cache=False))
    assert PASSWORD not in shown
    assert "http://***@proxy.example:3128" in shown


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("9" * 400, MAX_REST), ("86400", 86400.0), ("\u00b2", None), ("\u0661\u0662", None), ("soon", None)],
)
def test_a_retry_after_header_of_any_content_is_a_bounded_wait_or_none(header, seconds):
    with responses.RequestsMock() as mock, hfimage.Client(cache=False) as client:
        mock.get(f"{ROOT}/config", status=429, headers={"Retry-After": header})
        with pytest.raises(hfimage.RateLimitError) as caught:
            client.generate("a cat", space=ROOT)
    assert caught.value.retry_after == seconds
