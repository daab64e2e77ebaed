"""Proxies and CA bundles from the environment, as requests reads them, worked out once per origin
but read afresh the moment a variable that decides them changes, within one client's life.

A FakeSpace stands in for a forward proxy: it answers a request for any host as the app itself,
and records the absolute target a client sends only to a proxy.
"""

import pytest

import hfimage
from hfimage._http.environment import VARIABLES
from hfimage.providers import BlackForestLabs_Flux1Schnell

APP = "http://127.0.0.2:9"
"""A loopback address where nothing listens: reached through a proxy, or not at all (and no name to
look up, so no resolver is asked)."""


@pytest.fixture(autouse=True)
def _no_proxy_variables(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def generate(client):
    return client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=APP), protocol="call").content


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_from_the_environment_carries_every_request(space, monkeypatch, variable):
    monkeypatch.setenv(variable, space.url)
    with hfimage.Client() as client:
        assert generate(client)[:4] == b"\x89PNG"
    assert [request.target.startswith(f"{APP}/") for request in space.requests] == [True] * 4


def test_a_change_of_the_variables_is_seen_by_the_next_call_of_the_same_client(space, monkeypatch):
    with hfimage.Client(timeout=10) as client:
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # another scheme's proxy: not used
        monkeypatch.setenv("HTTP_PROXY", space.url)
        generate(client)
        sent = len(space.requests)
        monkeypatch.setenv("NO_PROXY", "127.0.0.2")
        with pytest.raises(hfimage.ConnectionError, match=r"127\.0\.0\.2: nothing accepted the connection"):
            generate(client)
        assert len(space.requests) == sent
        monkeypatch.delenv("NO_PROXY")
        generate(client)
        assert len(space.requests) == sent + 3
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        with pytest.raises(hfimage.ConnectionError, match="the proxy refused or failed the connection"):
            generate(client)


def test_the_proxy_given_to_the_client_wins_over_the_environment(space, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with hfimage.Client(proxy=space.url) as client:
        generate(client)
    assert len(space.requests) == 4
