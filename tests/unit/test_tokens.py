"""The token reaches only the hosts it is meant for, and never shows in reprs, logs or errors."""

import logging

import responses

import hfimage
from hfimage.providers import BlackForestLabs_Flux1Schnell

from ..helpers import API, EVENT_ID, ROOT, WEBP, file_data, file_url, sse

TOKEN = "hf_SecretTokenValue123"

LOCAL = "http://127.0.0.1:7860"

CDN = "https://cdn.example.com/image.webp"


def register(mock, root, prefix="/gradio_api", final=None):
    mock.get(f"{root}/config", json={"version": "6.31.0", "api_prefix": prefix})
    mock.post(f"{root}{prefix}/call/infer", json={"event_id": EVENT_ID})
    mock.get(f"{root}{prefix}/call/infer/{EVENT_ID}", body=sse(("complete", [final or file_data("f"), 1])))


def token_headers(call):
    headers = call.request.headers
    return {name: headers[name] for name in ("X-HF-Authorization", "Authorization") if name in headers}


def test_the_clients_token_goes_to_the_space_on_every_request_as_x_hf_authorization():
    with responses.RequestsMock() as mock, hfimage.Client(token=TOKEN) as client:
        register(mock, ROOT)
        mock.get(file_url("f"), body=WEBP, content_type="image/webp")
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT)).content  # noqa: B018
        assert len(mock.calls) == 4
        for call in mock.calls:
            assert token_headers(call) == {"X-HF-Authorization": f"Bearer {TOKEN}"}


def test_the_token_comes_from_hf_token_when_none_is_given(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    with responses.RequestsMock() as mock, hfimage.Client() as client:
        register(mock, ROOT)
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
        assert token_headers(mock.calls[1]) == {"X-HF-Authorization": f"Bearer {TOKEN}"}


def test_a_call_token_overrides_the_clients():
    with responses.RequestsMock() as mock, hfimage.Client(token="hf_other") as client:
        register(mock, ROOT)
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT), token=TOKEN)
        assert token_headers(mock.calls[1]) == {"X-HF-Authorization": f"Bearer {TOKEN}"}


def test_a_provider_pointed_at_another_host_gets_no_client_token():
    with responses.RequestsMock() as mock, hfimage.Client(token=TOKEN) as client:
        register(mock, LOCAL)
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=LOCAL))
        assert [token_headers(call) for call in mock.calls] == [{}, {}, {}]


def test_a_provider_given_its_own_token_sends_it_to_its_own_host_only():
    with responses.RequestsMock() as mock, hfimage.Client(token="hf_client") as client:
        register(mock, LOCAL, final={"path": "/x.png", "url": CDN, "meta": {"_type": "gradio.FileData"}})
        mock.get(f"{LOCAL}/gradio_api/file=/x.png", status=302, headers={"Location": CDN})
        mock.get(CDN, body=WEBP, content_type="image/webp")
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=LOCAL, token=TOKEN))
        assert image.content == WEBP
        sent = [(call.request.url, token_headers(call)) for call in mock.calls]
    own = {"Authorization": f"Bearer {TOKEN}"}
    assert sent == [
        (f"{LOCAL}/config", own),
        (f"{LOCAL}/gradio_api/call/infer", own),
        (f"{LOCAL}/gradio_api/call/infer/{EVENT_ID}", own),
        (f"{LOCAL}/gradio_api/file=/x.png", own),
        (CDN, {}),
    ]


def test_an_image_url_on_another_host_gets_no_token():
    with responses.RequestsMock() as mock, hfimage.Client(token=TOKEN) as client:
        register(mock, ROOT, final={"url": CDN})
        mock.get(CDN, body=WEBP, content_type="image/webp")
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
        assert image.url == CDN
        assert image.content == WEBP
        assert token_headers(mock.calls[-1]) == {}


def test_a_redirect_to_another_host_drops_the_x_hf_authorization_header():
    with responses.RequestsMock() as mock, hfimage.Client(token=TOKEN) as client:
        register(mock, ROOT)
        mock.get(file_url("f"), status=302, headers={"Location": CDN})
        mock.get(CDN, body=WEBP, content_type="image/webp")
        image = client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
        assert image.content == WEBP
        assert token_headers(mock.calls[-2]) == {"X-HF-Authorization": f"Bearer {TOKEN}"}
        assert mock.calls[-1].request.url == CDN
        assert token_headers(mock.calls[-1]) == {}


def test_a_redirect_within_the_space_keeps_the_token():
    with responses.RequestsMock() as mock, hfimage.Client(token=TOKEN) as client:
        register(mock, ROOT)
        mock.get(file_url("f"), status=302, headers={"Location": f"{API}/file=/moved.webp"})
        mock.get(f"{API}/file=/moved.webp", body=WEBP, content_type="image/webp")
        assert client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT)).content == WEBP
        assert token_headers(mock.calls[-1]) == {"X-HF-Authorization": f"Bearer {TOKEN}"}


def test_reprs_never_show_the_token():
    client = hfimage.Client(token=TOKEN)
    assert repr(client) == "Client(token='hf_***', proxy=None, timeout=300.0, token_source='token=')"
    assert TOKEN not in repr(BlackForestLabs_Flux1Schnell(token=TOKEN).credential(None))
    client.close()


def test_debug_logs_have_one_line_per_request_and_no_token(caplog):
    caplog.set_level(logging.DEBUG, logger="hfimage")
    with responses.RequestsMock() as mock, hfimage.Client(token=TOKEN) as client:
        register(mock, ROOT)
        client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=ROOT))
    lines = [record.getMessage() for record in caplog.records if record.name == "hfimage"]
    assert [line.split(" -> ")[0] for line in lines] == [
        f"GET {ROOT}/config",
        f"POST {API}/call/infer",
        f"GET {API}/call/infer/{EVENT_ID}",
    ]
    assert all(" -> 200 in " in line for line in lines)
    assert TOKEN not in caplog.text
