"""What no server can make hfimage do: leak the token, fetch what is not http(s), or turn TLS checks off."""

import logging
import pickle
import re
from pathlib import Path

import pytest

import hfimage
from hfimage._http.transport import Transport
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs
from hfimage.testing import FakeImageLabs, Reply

TOKEN = "hf_AnotherSecretToken42"
SOURCE = Path(hfimage.__file__).parent


def test_an_image_never_carries_the_token_in_its_repr_or_pickle(fake_space, caplog):
    caplog.set_level(logging.DEBUG, logger="hfimage")
    with hfimage.Client() as client:
        image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url, token=TOKEN))
        for candidate in (image, *image.attempts):
            assert TOKEN not in repr(candidate)
        assert TOKEN.encode() not in pickle.dumps(image)
        content = image.content
        copy = pickle.loads(pickle.dumps(image))
    assert copy == image
    assert copy.content == content
    assert TOKEN not in caplog.text
    assert all(request.headers.get("Authorization") == f"Bearer {TOKEN}" for request in fake_space.requests)


def test_a_redirect_to_a_local_file_is_never_followed(fake_space):
    outputs = fake_space.image()
    del fake_space.files[outputs[0]["path"]]
    fake_space.script([("complete", outputs)])
    with hfimage.Client() as client:
        image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        fake_space.outage = Reply(302, "", "text/plain", headers={"Location": "file:///etc/passwd"})
        with pytest.raises(hfimage.HFImageError):
            _ = image.content


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x.png", "data:image/png;base64,AAAA"])
def test_downloads_refuse_anything_but_http(url):
    from hfimage._core.deadline import Deadline
    from hfimage._http.channel import Channel
    from hfimage._http.download import download

    with pytest.raises(hfimage.ProtocolError, match="will not fetch"):
        download(Channel(Transport(), Deadline(5), "P"), url, None)  # type: ignore[arg-type]


def test_tls_verification_is_on_and_never_switched_off():
    assert Transport()._session.verify is True
    code = "\n".join(path.read_text() for path in SOURCE.rglob("*.py"))
    assert not re.search(r"verify\s*=\s*False|CERT_NONE|_create_unverified_context", code)


def test_imagelabs_gets_no_token_even_from_the_environment(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    with FakeImageLabs() as server, hfimage.Client(token=TOKEN) as client:
        client.generate("a fox", provider=ImageLabs(url=server.url)).content  # noqa: B018
        assert all(TOKEN not in str(request.headers) for request in server.requests)
