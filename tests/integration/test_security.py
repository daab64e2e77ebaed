"""What no server can make hfimage do: leak the token, fetch what is not http(s), or turn TLS checks off."""

import logging
import pickle

import pytest

import hfimage
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs
from hfimage.testing import FakeImageLabs, Reply

TOKEN = "hf_AnotherSecretToken42"


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


def test_imagelabs_gets_no_token_even_from_the_environment(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    with FakeImageLabs() as server, hfimage.Client(token=TOKEN) as client:
        client.generate("a fox", provider=ImageLabs(url=server.url)).content  # noqa: B018
        assert all(TOKEN not in str(request.headers) for request in server.requests)
