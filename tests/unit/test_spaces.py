"""Any Gradio space by its id or URL, found through a fake Hub, driven by its app's own names."""

import pytest
import responses

import hfimage
import hfimage.aio
from hfimage import (
    InvalidRequestError,
    SpaceNotRunningError,
)
from hfimage.testing import SIGNATURES, app_config, app_info

Z_IMAGE = "Tongyi-MAI/Z-Image-Turbo"


def test_imagelabs_cannot_be_inspected():
    with pytest.raises(InvalidRequestError, match="ImageLabs is not a Gradio space"):
        hfimage.inspect("ImageLabs")


@responses.activate
def test_on_hugging_face_a_space_is_found_at_its_host_without_asking_the_hub(monkeypatch):
    monkeypatch.delenv("HF_ENDPOINT")
    host = "https://tongyi-mai-z-image-turbo.hf.space"
    responses.get(f"{host}/config", json=app_config(SIGNATURES[Z_IMAGE]))
    responses.get(f"{host}/gradio_api/info", json=app_info(SIGNATURES[Z_IMAGE]))
    description = hfimage.Client().inspect(Z_IMAGE)
    assert description.url == host
    assert [call.request.url for call in responses.calls] == [f"{host}/config", f"{host}/gradio_api/info"]


@responses.activate
def test_on_hugging_face_the_hub_explains_a_host_that_does_not_answer_as_an_app(monkeypatch):
    monkeypatch.delenv("HF_ENDPOINT")
    host = "https://tongyi-mai-z-image-turbo.hf.space"
    page = "<!DOCTYPE html><html><body>This Space has been paused by its owner.</body></html>"
    for path in ("/config", "/gradio_api/info"):
        responses.get(f"{host}{path}", body=page, status=404, content_type="text/html")
    responses.get(
        f"https://huggingface.co/api/spaces/{Z_IMAGE}",
        json={"id": Z_IMAGE, "sdk": "gradio", "host": host, "runtime": {"stage": "PAUSED"}},
    )
    with pytest.raises(SpaceNotRunningError, match="is paused by its owner"):
        hfimage.Client().generate("a cat", space=Z_IMAGE)
    assert not any("/call/" in call.request.url or "/queue/" in call.request.url for call in responses.calls)


def test_a_hub_address_that_is_not_a_url_is_refused_naming_its_source(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "huggingface.co")
    with pytest.raises(InvalidRequestError, match="The HF_ENDPOINT environment variable must be an http"):
        hfimage.generate("a cat", space=Z_IMAGE)
