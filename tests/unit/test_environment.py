"""Proxies and CA bundles from the environment, as requests reads them, worked out once per origin
but read afresh the moment a variable that decides them changes, within one client's life.

A FakeSpace stands in for a forward proxy: it answers a request for any host as the app itself,
and records the absolute target a client sends only to a proxy.
"""

import pytest

from hfimage._http.environment import VARIABLES, EnvironmentSettings
from hfimage._http.transport import Transport

"""A loopback address where nothing listens: reached through a proxy, or not at all (and no name to
look up, so no resolver is asked)."""


@pytest.fixture(autouse=True)
def _no_proxy_variables(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_settings_are_requests_own_and_follow_the_ca_bundle_variable(monkeypatch, tmp_path):
    transport = Transport()
    settings = EnvironmentSettings(transport._session)
    assert settings.for_url("https://a.example/x", None, stream=True) == {
        "proxies": {}, "stream": True, "verify": True, "cert": None
    }  # fmt: skip
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert settings.for_url("https://a.example/y", None, stream=False) == {
        "proxies": {"https": "http://proxy.example:3128"}, "stream": False, "verify": str(tmp_path / "ca.pem"),
        "cert": None,
    }  # fmt: skip
    handed = settings.for_url("https://a.example/z", None, stream=False)
    handed["proxies"].clear()  # a caller that changes what it was handed changes nothing kept
    assert settings.for_url("https://a.example/", None, stream=False)["proxies"] == {
        "https": "http://proxy.example:3128"
    }
    transport.close()
