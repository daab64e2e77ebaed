"""The token reaches only the hosts it is meant for, and never shows in reprs, logs or errors."""

import pickle

import pytest

import hfimage
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, error

TOKEN = "hf_SecretTokenValue123"


def test_a_server_that_echoes_the_token_cannot_put_it_in_an_error():
    with FakeSpace() as space, hfimage.Client() as client:
        space.script([error({"error": f"bad credentials: Bearer {TOKEN}"})])
        with pytest.raises(hfimage.ProviderError) as caught:
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url, token=TOKEN))
        assert space.requests[1].headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
    assert TOKEN not in pickle.dumps(caught.value).decode("latin-1")
    assert "Bearer hf_***" in str(caught.value)
