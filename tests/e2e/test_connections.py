"""Connections: a client reuses one from call to call on both routes, because it reads each event
stream to its end; a stream that goes on after its result costs only its own connection."""

import urllib3.util.connection

import hfimage
import hfimage.aio
from hfimage.providers import StabilityAI_SD35Large

ROUTES = ["call", "queue"]


def test_against_real_gradio_no_call_after_the_first_opens_a_connection(gradio, monkeypatch):
    opened = []
    create_connection = urllib3.util.connection.create_connection

    def counting(address, *args, **kwargs):
        opened.append(address)
        return create_connection(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    provider = StabilityAI_SD35Large(url=gradio.url["sd35"])
    for protocol in ROUTES:
        with hfimage.Client(protocol=protocol, timeout=60) as client:
            assert client.generate("a castle", provider=provider, seed=1).content
            opened.clear()
            images = [client.generate(f"a castle {index}", provider=provider, seed=1) for index in range(3)]
            assert all(image.content for image in images)
            assert opened == [], protocol
