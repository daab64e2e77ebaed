"""Uploads, as the wire sees them: where each goes, the form it sends, the values the job then carries,
what is checked before anything reaches the app, and what a server's odd answer becomes."""

import json

import pytest
import responses

import hfimage
from hfimage import InvalidRequestError, ProtocolError
from hfimage._http.auth import HF_HEADER
from hfimage.testing import GRADIO_4, SIGNATURES, Signature, app_config, app_info, solid_png
from hfimage.testing._gradio import _form_files

from ..helpers import EVENT_ID, ROOT, WEBP, file_data, sse

KONTEXT = SIGNATURES["black-forest-labs/FLUX.1-Kontext-Dev"]
FLUX2 = SIGNATURES["black-forest-labs/FLUX.2-dev"]
PNG = solid_png(5, 3, (10, 20, 30))
GIF = b"GIF89a\x02\x00\x02\x00\x00\x00\x00;"
TOKEN = "hf_uploadtoken123456"
META = {"_type": "gradio.FileData"}


def serve(mock, signature=KONTEXT, *, version="6.31.0", max_file_size=None, uploaded=("/tmp/gradio/up/image.png",)):
    """A Gradio app at ROOT with one endpoint, answering an upload with ``uploaded`` and a job with an image."""
    prefix = "" if version.startswith("4.") else "/gradio_api"
    mock.get(f"{ROOT}/config", json={**app_config(signature, version), "max_file_size": max_file_size})
    mock.get(f"{ROOT}{prefix}/info", json=app_info(signature))
    mock.add_callback(responses.POST, f"{ROOT}{prefix}/upload", callback=lambda request: _uploaded(request, uploaded))
    mock.post(f"{ROOT}{prefix}/call/infer", json={"event_id": EVENT_ID})
    outputs = [file_data("out"), 7, {"__type__": "update"}][: len(signature.outputs)]
    mock.get(f"{ROOT}{prefix}/call/infer/{EVENT_ID}", body=sse(("complete", outputs)))
    mock.get(f"{ROOT}{prefix}/file=/tmp/gradio/out/image.webp", body=WEBP, content_type="image/webp")
    return prefix


FORMS: list[tuple[str, bytes, int]] = []
"""Each upload's content type, body (read as it is sent) and Content-Length."""


def _uploaded(request, paths):
    FORMS.append((request.headers["Content-Type"], b"".join(request.body), int(request.headers["Content-Length"])))
    return 200, {}, json.dumps(list(paths))


@pytest.fixture(autouse=True)
def _forms():
    FORMS.clear()


def sent(mock, method="POST"):
    return [
        (call.request.method, call.request.url.removeprefix(ROOT))
        for call in mock.calls
        if call.request.method == method
    ]


def job_data(mock):
    (job,) = [call for call in mock.calls if call.request.url.endswith("/call/infer")]
    return json.loads(job.request.body)["data"]


def form_of(mock):
    assert len([call for call in mock.calls if call.request.url.endswith("/upload")]) == 1
    ((content_type, body, length),) = FORMS
    assert length == len(body)
    return _form_files(content_type, body)


def sent_file(path, name, data, mime):
    return {"path": path, "orig_name": name, "size": len(data), "mime_type": mime, "meta": META}


def edit(image, **params):
    with hfimage.Client(cache=False, protocol="call") as client:
        return client.edit(image, "make it night", space=ROOT, **params)


@pytest.mark.parametrize(("version", "prefix"), [("6.31.0", "/gradio_api"), ("5.49.1", "/gradio_api"), (GRADIO_4, "")])
def test_an_image_is_uploaded_to_the_apps_route_then_named_in_the_job(version, prefix):
    with responses.RequestsMock() as mock:
        serve(mock, version=version)
        image = edit(PNG, seed=3)
        assert sent(mock) == [("POST", f"{prefix}/upload"), ("POST", f"{prefix}/call/infer")]
        assert form_of(mock) == [("files", "image.png", "image/png", PNG)]
        file = sent_file("/tmp/gradio/up/image.png", "image.png", PNG, "image/png")
        assert job_data(mock) == [file, "make it night", 3, False, 2.5, 28]
    assert (image.width, image.height, image.seed, image.content) == (1, 1, 7, WEBP)  # the size is the image's


def test_a_gallery_input_takes_every_image_as_a_gallery_item_uploaded_in_one_form():
    paths = ("/tmp/gradio/a/image.png", "/tmp/gradio/b/image.gif")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        serve(mock, FLUX2, uploaded=paths)
        edit([PNG, GIF], width=512, height=512)
        assert form_of(mock) == [("files", "image.png", "image/png", PNG), ("files", "image.gif", "image/gif", GIF)]
        gallery = job_data(mock)[1]
    assert gallery == [
        {"image": sent_file(paths[0], "image.png", PNG, "image/png"), "caption": None},
        {"image": sent_file(paths[1], "image.gif", GIF, "image/gif"), "caption": None},
    ]


def test_more_images_than_an_image_input_takes_are_refused_before_the_upload():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        serve(mock)
        with pytest.raises(InvalidRequestError) as caught:
            edit([PNG, PNG])
        assert sent(mock) == []
    assert str(caught.value) == (
        f"{ROOT} takes 1 image in 'input_image' (image); got 2. Pass one, or use an app whose image input is a gallery."
    )


def test_an_image_over_the_apps_upload_limit_is_refused_before_anything_is_sent_to_it():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        serve(mock, max_file_size=len(PNG) - 1)
        with pytest.raises(InvalidRequestError) as caught:
            edit(PNG)
        assert sent(mock) == []
    assert str(caught.value) == (
        f"the image (bytes) is {len(PNG)} bytes; {ROOT} takes files of at most {len(PNG) - 1} bytes. "
        "Send a smaller image (scale it down, or save it as JPEG)."
    )


def test_an_image_fetched_from_a_url_over_the_apps_limit_is_refused_before_anything_is_sent_to_it():
    where = "https://images.example.com/big.png"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        serve(mock, max_file_size=10)
        mock.get(where, body=PNG, content_type="image/png")
        with pytest.raises(InvalidRequestError) as caught:
            edit(where)
        assert sent(mock) == []
    assert str(caught.value) == (
        f"{where} is {len(PNG)} bytes; {ROOT} takes files of at most 10 bytes. "
        "Send a smaller image (scale it down, or save it as JPEG)."
    )


def test_an_image_at_the_limit_goes():
    with responses.RequestsMock() as mock:
        serve(mock, max_file_size=len(PNG))
        edit(PNG)
        assert [route for _, route in sent(mock)] == ["/gradio_api/upload", "/gradio_api/call/infer"]


@pytest.mark.parametrize(
    ("answer", "kind", "message"),
    [
        ({"json": {"paths": ["/x"]}}, ProtocolError, "answered the upload of 1 file(s) with \"{'paths': ['/x']}\""),
        ({"json": []}, ProtocolError, "answered the upload of 1 file(s) with '[]', not a list of their paths"),
        ({"json": [7]}, ProtocolError, "answered the upload of 1 file(s) with '[7]'"),
        ({"json": ["/a", "/b"]}, ProtocolError, "answered the upload of 1 file(s) with"),
        (
            {"body": "File size exceeded maximum allowed size of 10 bytes.", "status": 413},
            InvalidRequestError,
            "refused the image as too large",
        ),
        ({"body": "Internal Server Error", "status": 500}, hfimage.ServiceUnavailableError, "(HTTP 500)"),
    ],
    ids=["object", "empty", "not-paths", "too-many", "413", "500"],
)
def test_an_odd_answer_to_the_upload_is_a_typed_error_and_no_job_is_sent(answer, kind, message):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        serve(mock)
        mock.replace(responses.POST, f"{ROOT}/gradio_api/upload", **answer)
        with pytest.raises(kind) as caught:
            edit(PNG)
        assert [route for _, route in sent(mock) if route.endswith("/call/infer")] == []
    assert message in str(caught.value)


def test_a_url_is_fetched_by_hfimage_without_the_token_and_uploaded_with_it():
    with responses.RequestsMock() as mock:
        serve(mock)
        mock.get("https://images.example.com/cats/tabby.png", body=PNG, content_type="image/png")
        edit("https://images.example.com/cats/tabby.png", token=TOKEN)
        fetched, upload, job = (
            call for call in mock.calls if "tabby" in call.request.url or call.request.method == "POST"
        )
        assert form_of(mock) == [("files", "tabby.png", "image/png", PNG)]
    assert not {"Authorization", HF_HEADER} & set(fetched.request.headers)
    assert upload.request.headers[HF_HEADER] == job.request.headers[HF_HEADER] == f"Bearer {TOKEN}"


def test_a_url_on_a_hugging_face_host_is_fetched_without_the_token_too():
    where = "https://huggingface.co/datasets/someone/photos/resolve/main/cat.png"
    with responses.RequestsMock() as mock:
        serve(mock)
        mock.get(where, body=PNG, content_type="image/png")
        edit(where, token=TOKEN)
        (fetched,) = [call for call in mock.calls if call.request.url == where]
    assert not {"Authorization", HF_HEADER} & set(fetched.request.headers)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ({"body": "<html>nope</html>", "content_type": "text/html"}, "answered the image download with text/html"),
        ({"body": b"%PDF-1.7", "content_type": "application/octet-stream"}, "is not a PNG, JPEG, WebP or GIF image"),
    ],
)
def test_a_url_that_is_not_an_image_is_refused_and_nothing_reaches_the_app(reply, message):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        serve(mock)
        mock.get("https://images.example.com/a.png", **reply)
        with pytest.raises(InvalidRequestError, match=r"Cannot send https://images\.example\.com/a\.png: ") as caught:
            edit("https://images.example.com/a.png")
        assert sent(mock) == []
    assert message in str(caught.value)


def test_an_earlier_result_of_the_same_app_is_named_by_its_path_with_no_transfer():
    earlier = hfimage.Image(url=f"{ROOT}/gradio_api/file=/tmp/gradio/old/image%20one.webp", seed=1, width=2, height=2,
                            prompt="p", negative_prompt=None, model="m", provider=ROOT, elapsed=1.0)  # fmt: skip
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        serve(mock)
        edit(earlier)
        assert [route for _, route in sent(mock)] == ["/gradio_api/call/infer"]
        assert job_data(mock)[0]["path"] == "/tmp/gradio/old/image one.webp"
        assert [call.request.url for call in mock.calls if "old" in call.request.url] == []


def test_an_earlier_result_of_another_app_is_fetched_with_the_token_its_job_used_and_uploaded():
    elsewhere = "https://other-space.hf.space/gradio_api/file=/tmp/gradio/x/image.webp"
    earlier = hfimage.Image(url=elsewhere, seed=1, width=2, height=2, prompt="p", negative_prompt=None, model="m",
                            provider="other/space", elapsed=1.0)  # fmt: skip
    with responses.RequestsMock() as mock:
        serve(mock)
        mock.get(elsewhere, body=WEBP, content_type="image/webp")
        edit(earlier, token=TOKEN)
        (fetched,) = [call for call in mock.calls if call.request.url == elsewhere]
        assert form_of(mock) == [("files", "image.webp", "image/webp", WEBP)]
    assert fetched.request.headers[HF_HEADER] == f"Bearer {TOKEN}"


def test_an_app_without_an_image_input_given_one_is_refused_before_anything_is_sent_to_it():
    text_only = Signature("infer", SIGNATURES["black-forest-labs/FLUX.1-schnell"].inputs)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        serve(mock, text_only)
        with pytest.raises(InvalidRequestError) as caught:
            edit(PNG)
        assert sent(mock) == []
    assert str(caught.value).startswith(
        f"{ROOT} has no endpoint hfimage can drive for editing an image: /infer takes no input image."
    )
