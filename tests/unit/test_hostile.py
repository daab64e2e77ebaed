"""Promises kept against hostile servers: the token's scope, the deadline as a wall, prompt
cancellation, only typed errors, bounded work. Each class is tried with several cases, through
the sync API and through hfimage.aio, against the project's fakes on 127.0.0.1."""

import logging
import traceback

import pytest
import requests
import responses

import hfimage
import hfimage.aio
from hfimage._core.text import handed_over
from hfimage._http import sse as _sse
from hfimage._http.urls import url_problem
from hfimage.providers import BlackForestLabs_Flux1Schnell

from ..helpers import EVENT_ID, ROOT, WEBP, file_data, file_url, sse

TOKEN = "hf_HostileTestToken0123456789"
"""What a slow, busy machine may add to the deadline; every fault here would hold a call 20 s or more."""


@pytest.mark.parametrize(
    "location",
    [
        "http://tester-flux.hf.space/gradio_api/file=/moved.webp",  # https -> http
        "https://tester-flux.hf.space:8443/gradio_api/file=/moved.webp",  # another port
        "https://other-space.hf.space/moved.webp",  # another host, even of Hugging Face
    ],
)
def test_a_redirect_that_changes_scheme_port_or_host_drops_every_token_header(location):
    with responses.RequestsMock() as mock, hfimage.Client(token=TOKEN) as client:
        mock.get(f"{ROOT}/config", json={"version": "6.31.0", "api_prefix": "/gradio_api"})
        mock.post(f"{ROOT}/gradio_api/call/infer", json={"event_id": EVENT_ID})
        mock.get(f"{ROOT}/gradio_api/call/infer/{EVENT_ID}", body=sse(("complete", [file_data("f"), 1])))
        mock.get(file_url("f"), status=302, headers={"Location": location})
        mock.get(location, body=WEBP, content_type="image/webp")
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
        assert image.content == WEBP
        assert mock.calls[-2].request.headers["X-HF-Authorization"] == f"Bearer {TOKEN}"
        last = mock.calls[-1].request.headers
        assert "X-HF-Authorization" not in last
        assert "Authorization" not in last


@pytest.mark.parametrize("value", ["hf_abc\n", "  hf_abc  ", "\thf_abc\r\n"])
def test_hf_token_is_stripped_like_token(monkeypatch, value):
    monkeypatch.setenv("HF_TOKEN", value)
    with responses.RequestsMock() as mock, hfimage.Client() as client:
        mock.get(f"{ROOT}/config", json={"version": "6.31.0", "api_prefix": "/gradio_api"})
        mock.post(f"{ROOT}/gradio_api/call/infer", json={"event_id": EVENT_ID})
        mock.get(f"{ROOT}/gradio_api/call/infer/{EVENT_ID}", body=sse(("complete", [file_data("f"), 1])))
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
        assert {call.request.headers["X-HF-Authorization"] for call in mock.calls} == {"Bearer hf_abc"}


def test_a_token_quoted_by_a_cause_never_shows_in_a_traceback_or_a_log(caplog):
    inner = requests.exceptions.InvalidHeader(f"Invalid header value: 'Bearer {TOKEN}'")
    for cause in (inner, KeyError(TOKEN)):
        error = hfimage.ConnectionError("Could not talk to x.hf.space.")
        error.__cause__ = cause
        handed_over(error, {TOKEN})
        text = "".join(traceback.format_exception(error))
        assert TOKEN not in text
        assert "hf_***" in text  # the cause is kept, masked
        with caplog.at_level(logging.ERROR):
            try:
                raise error
            except hfimage.HFImageError:
                logging.getLogger("user").exception("it failed")
        assert TOKEN not in caplog.text


DEEP = "[" * 100_000 + "]" * 100_000


def test_json_nested_deeper_than_python_parses_is_a_protocol_error_wherever_it_comes():
    with responses.RequestsMock() as mock, hfimage.Client() as client:
        for path in ("/config", "/gradio_api/info", "/info"):
            mock.get(f"{ROOT}{path}", body=DEEP)
        with pytest.raises(hfimage.ProtocolError, match="not JSON"):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    with responses.RequestsMock() as mock, hfimage.Client() as client:
        mock.get(f"{ROOT}/config", status=404)
        mock.get(f"{ROOT}/gradio_api/info", status=404)
        mock.get(f"{ROOT}/info", json={})
        mock.post(f"{ROOT}/call/infer", body=DEEP)
        with pytest.raises(hfimage.ProtocolError, match="not JSON"):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))


def test_an_event_over_the_limit_is_refused_as_it_arrives(monkeypatch):
    monkeypatch.setattr(_sse, "MAX_EVENT_BYTES", 2**20)
    received = []

    def endless():
        while True:
            received.append(1024)
            yield b"x" * 1024

    with pytest.raises(hfimage.ProtocolError, match="larger than 1 MiB"):
        list(_sse.sse_events(endless(), "P"))
    assert sum(received) <= 2**20 + 1024


def test_an_event_of_too_many_lines_is_refused():
    event = b"data: 1\n" * (_sse.MAX_EVENT_LINES + 1) + b"\n"
    with pytest.raises(hfimage.ProtocolError, match="more than 64 lines"):
        list(_sse.sse_events([event], "P"))


def test_a_large_event_in_small_pieces_parses_whole():
    data = "x" * (4 * 2**20)
    stream = f"event: complete\ndata: {data}\n\n".encode()
    pieces = [stream[index : index + 1024] for index in range(0, len(stream), 1024)]
    assert list(_sse.sse_events(pieces, "P")) == [("complete", data)]


@pytest.mark.parametrize(
    "url",
    ["http://[::1]:7860", "http://ëxample.com/i.png", "HTTP://LOCALHOST:7860/x", "https://Tester-Flux.HF.space/a?b=1"],
)
def test_unusual_but_unambiguous_urls_are_accepted(url):
    assert url_problem(url) is None
    assert BlackForestLabs_Flux1Schnell(url=url.split("?")[0]).url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://[::1]@x.hf.space/", "it carries user info before its host"),
        ("http://x.hf.space:99999/", "its host cannot be read unambiguously"),
        ("//evil.example/x", None),  # scheme-relative: checked again once joined (see the redirect test)
    ],
)
def test_ambiguous_hosts_are_named(url, problem):
    assert url_problem(url, relative=True) == problem
