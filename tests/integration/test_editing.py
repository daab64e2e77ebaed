"""Editing an image against fake Gradio apps on 127.0.0.1 (Gradio 4 and 6 layouts): every form of image,
the upload limit, a fallback that uploads again, the deadline and cancellation mid-upload, where the
token goes, and the command line."""

import functools
import io
import threading
import time

import anyio
import pytest
from PIL import Image as PILImage

import hfimage
from hfimage import InvalidRequestError
from hfimage.testing import GRADIO_4, GRADIO_6, SIGNATURES, FakeSpace, Fault, Input, Signature, error, solid_png

from ..helpers import BACKENDS, SLACK, Pipe, run_hfimage

KONTEXT = SIGNATURES["black-forest-labs/FLUX.1-Kontext-Dev"]
QWEN_EDIT = SIGNATURES["Qwen/Qwen-Image-Edit"]
FLUX2 = SIGNATURES["black-forest-labs/FLUX.2-dev"]
PNG = solid_png(5, 3, (10, 20, 30))
TOKEN = "hf_editingtoken12345"


@pytest.fixture(params=[GRADIO_6, GRADIO_4])
def kontext(request):
    with FakeSpace(signature=KONTEXT, version=request.param) as space:
        yield space


@pytest.fixture
def elsewhere():
    """Another server on 127.0.0.1, where images live at URLs."""
    with FakeSpace() as server:
        server.files["/pictures/cat.png"] = PNG
        yield server


def picture_url(server, path="/pictures/cat.png"):
    return f"{server.url}/gradio_api/file={path}"


def image_form(form, tmp_path, elsewhere):
    path = tmp_path / "photo.png"
    path.write_bytes(PNG)
    made = {
        "str path": lambda: str(path),
        "Path": lambda: path,
        "bytes": lambda: PNG,
        "file object": lambda: open(path, "rb"),  # noqa: SIM115 - closed by the test
        "Pillow image": lambda: PILImage.open(io.BytesIO(PNG)),
        "URL": lambda: picture_url(elsewhere),
    }
    return made[form]()


@pytest.mark.parametrize("form", ["str path", "Path", "bytes", "file object", "Pillow image", "URL"])
def test_every_form_of_image_reaches_the_app_as_its_pixels(api, kontext, elsewhere, tmp_path, form):
    given = image_form(form, tmp_path, elsewhere)
    try:
        image = api.edit(given, "make it night", space=kontext.url, seed=9)
    finally:
        if hasattr(given, "close"):
            given.close()
    (upload,) = kontext.uploads
    assert PILImage.open(io.BytesIO(upload.content)).tobytes() == PILImage.open(io.BytesIO(PNG)).tobytes()
    assert upload.content_type == "image/png"
    (received,) = kontext.received
    assert received["input_image"]["path"] == upload.path
    assert received["input_image"]["meta"] == {"_type": "gradio.FileData"}
    assert (received["prompt"], received["seed"], received["randomize_seed"]) == ("make it night", 9, False)
    assert (image.width, image.height) == (5, 3)  # read from what the app sent back: the fake's edit keeps the input
    assert image.model == kontext.url


def test_a_result_is_edited_again_by_the_app_that_made_it_without_a_second_transfer(api, kontext):
    first = api.edit(PNG, "make it night", space=kontext.url)
    second = api.edit(first, "add a moon", space=kontext.url)
    assert len(kontext.uploads) == 1
    assert kontext.received[1]["input_image"]["path"] == first.url.split("/file=", 1)[1]
    assert second.content == PNG


def test_a_result_of_one_app_is_sent_to_another(api, elsewhere):
    with FakeSpace(signature=KONTEXT) as first, FakeSpace(signature=QWEN_EDIT, version=GRADIO_4) as second:
        made = api.edit(picture_url(elsewhere), "make it night", space=first.url)
        edited = api.edit(made, "add a moon", space=second.url)
    assert [upload.content for upload in second.uploads] == [PNG]
    assert edited.content == PNG


@pytest.mark.parametrize("version", [GRADIO_6, GRADIO_4])
def test_a_gallery_input_gets_every_image_in_order(api, version, tmp_path):
    gif = io.BytesIO()
    PILImage.new("RGB", (4, 4), (1, 2, 3)).save(gif, "GIF")
    with FakeSpace(signature=FLUX2, version=version) as space:
        image = api.edit([PNG, gif.getvalue()], "blend them", space=space.url, width=512, height=512)
    assert [upload.content for upload in space.uploads] == [PNG, gif.getvalue()]
    (received,) = space.received
    assert [item["image"]["path"] for item in received["input_images"]] == [upload.path for upload in space.uploads]
    assert [item["caption"] for item in received["input_images"]] == [None, None]
    assert (image.width, image.height) == (512, 512)  # asked of an app with size inputs: known without a download


def test_an_image_over_the_upload_limit_is_refused_and_nothing_is_sent_but_the_apps_description(api):
    limit = f"takes files of at most {len(PNG) - 1} bytes"
    with (
        FakeSpace(signature=KONTEXT, max_file_size=len(PNG) - 1) as space,
        pytest.raises(InvalidRequestError, match=limit),
    ):
        api.edit(PNG, "make it night", space=space.url)
    assert [request.route for request in space.requests] == ["/config", "/gradio_api/info"]


def test_an_app_that_takes_no_image_is_named_and_no_job_is_sent(api):
    refused = "has no endpoint hfimage can drive for editing an image"
    with FakeSpace() as space, pytest.raises(InvalidRequestError, match=refused):
        api.edit(PNG, "make it night", space=space.url)
    assert [request.route for request in space.requests] == ["/config", "/gradio_api/info"]


def test_a_fallback_uploads_the_image_again_to_the_next_space(api):
    with FakeSpace(signature=KONTEXT) as first, FakeSpace(signature=KONTEXT, version=GRADIO_4) as second:
        first.script([error({"error": "CUDA out of memory"})])
        image = api.edit(PNG, "make it night", space=[first.url, second.url])
    assert [upload.content for upload in first.uploads] == [upload.content for upload in second.uploads] == [PNG]
    assert second.received[0]["input_image"]["path"] == second.uploads[0].path
    assert image.provider == second.url
    assert [attempt.provider for attempt in image.attempts] == [first.url, second.url]


def big_image(tmp_path, megabytes):
    """A file that is a PNG by its first bytes, ``megabytes`` long: enough to fill the connection's buffers."""
    path = tmp_path / "big.png"
    with open(path, "wb") as file:
        file.write(PNG[:16])
        file.truncate(megabytes * 2**20)
    return path


@pytest.mark.parametrize(
    "fault",
    [Fault("/gradio_api/upload", read_stall=60, times=1), Fault("/gradio_api/upload", read_pace=0.05, times=1)],
    ids=["server-stops-reading", "server-reads-slowly"],
)
def test_an_upload_ends_at_the_deadline_however_the_server_reads(api, tmp_path, fault):
    with FakeSpace(signature=KONTEXT) as space:
        space.inject(fault)
        started = time.monotonic()
        # 3 s: time enough, on a slow and busy machine, to read the app and begin the upload first
        with pytest.raises(hfimage.TimeoutError, match=r"after 3 s"):
            api.edit(big_image(tmp_path, 64), "make it night", space=space.url, timeout=3)
        assert time.monotonic() - started < 3 + SLACK  # the slow reader would take 50 s
        assert space.faults == []  # the upload had begun
        assert space.received == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_cancelling_an_upload_ends_the_call_at_once(backend, tmp_path):
    path = big_image(tmp_path, 64)

    async def main():
        with FakeSpace(signature=KONTEXT) as space:
            space.inject(Fault("/gradio_api/upload", read_stall=60, times=1))
            async with hfimage.aio.Client(timeout=120) as client, anyio.create_task_group() as group:
                group.start_soon(functools.partial(client.edit, path, "make it night", space=space.url))
                with anyio.fail_after(SLACK):
                    while space.faults:  # until the upload has begun
                        await anyio.sleep(0.01)
                cancelled = time.monotonic()
                group.cancel_scope.cancel()
            with anyio.fail_after(SLACK):  # the worker that was uploading ends too, long before the call's 120 s
                while [thread for thread in threading.enumerate() if thread.name == "hfimage-worker"]:
                    await anyio.sleep(0.01)
            assert time.monotonic() - cancelled < SLACK
            assert space.received == []

    anyio.run(main, backend=backend)


def test_the_token_goes_with_the_upload_where_the_job_goes_and_never_to_an_images_host(api, elsewhere):
    with FakeSpace(signature=KONTEXT) as space:
        api.edit(picture_url(elsewhere), "make it night", provider=hfimage.Space(url=space.url, token=TOKEN))
        upload, job = (request for request in space.requests if request.method == "POST")
    (fetched,) = [request for request in elsewhere.requests if "cat.png" in request.path]
    assert upload.headers["Authorization"] == job.headers["Authorization"] == f"Bearer {TOKEN}"
    assert not any(TOKEN in value for value in fetched.headers.values())


def test_an_image_url_that_is_not_an_image_reaches_no_app(api, elsewhere):
    elsewhere.files["/pictures/notes.png"] = b"just some notes"
    not_an_image = "is not a PNG, JPEG, WebP or GIF image"
    with FakeSpace(signature=KONTEXT) as space, pytest.raises(InvalidRequestError, match=not_an_image):
        api.edit(picture_url(elsewhere, "/pictures/notes.png"), "make it night", space=space.url)
    assert space.uploads == []
    assert space.received == []


def test_the_command_line_edits_with_image(tmp_path, elsewhere):
    (tmp_path / "photo.png").write_bytes(PNG)
    with FakeSpace(signature=FLUX2) as space:
        done = run_hfimage("generate", "blend them", "--image", "photo.png", "--image", picture_url(elsewhere),
                           "--space", space.url, "-o", "out.png", "-q", cwd=tmp_path)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert [upload.content for upload in space.uploads] == [PNG, PNG]
    assert (tmp_path / "out.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("gone.png", "hfimage: error: No image file at gone.png: check the path."),
        ("notes.txt", "hfimage: error: notes.txt is not a PNG, JPEG, WebP or GIF image (it starts with b'hello'); "
                      "apps take only images. Convert it (e.g. with Pillow) and retry."),
    ],
)  # fmt: skip
def test_the_command_line_refuses_a_bad_image_in_one_line_before_sending(tmp_path, image, message):
    (tmp_path / "notes.txt").write_text("hello")
    with FakeSpace(signature=KONTEXT) as space:
        done = run_hfimage("generate", "make it night", "--image", image, "--space", space.url, cwd=tmp_path)
    assert (done.returncode, done.stderr.strip().splitlines()) == (2, [message])
    assert space.requests == []


@pytest.mark.parametrize("backend", ["sync", *BACKENDS])
def test_a_batch_reads_its_image_once_and_sends_it_with_every_prompt(backend):
    prompts = ["make it night", "make it snow", "make it spring"]
    with FakeSpace(signature=KONTEXT) as space:
        given = io.BufferedReader(Pipe(PNG))
        if backend == "sync":
            results = hfimage.Client().generate_many(prompts, image=given, space=space.url, concurrency=2)
        else:

            async def main():
                async with hfimage.aio.Client() as client:
                    return await client.generate_many(prompts, image=given, space=space.url, concurrency=2)

            results = anyio.run(main, backend=backend)
    assert [result.content for result in results] == [PNG] * 3
    assert [upload.content for upload in space.uploads] == [PNG] * 3
    assert sorted(job["prompt"] for job in space.received) == sorted(prompts)


def test_inspect_says_what_an_app_does_with_images(api):
    with FakeSpace(signature=KONTEXT) as editor, FakeSpace(signature=FLUX2) as references, FakeSpace() as text:
        edits, takes, neither = (api.inspect(space.url) for space in (editor, references, text))
    assert (edits.edits, takes.edits, neither.edits) == (True, False, False)
    assert [(spec.name, spec.fed_by, spec.images) for spec in edits.inputs][:2] == [
        ("input_image", "image", "one image"), ("prompt", "prompt", None)
    ]  # fmt: skip
    assert [(spec.name, spec.images) for spec in takes.inputs if spec.images] == [("input_images", "several images")]
    assert str(edits).splitlines()[2] == (
        "an image-editing app: give the image to edit with image= (input_image takes one image)"
    )
    assert str(takes).splitlines()[2] == (
        "takes an input image too, with image= (input_images takes several images); without one it makes an image "
        "from the prompt"
    )
    assert str(neither).splitlines()[2] == ""
    assert "image" in edits.takes
    assert "image" in neither.cannot_take
    assert edits.to_dict()["edits"] is True


def test_the_command_line_inspect_names_the_option(tmp_path):
    with FakeSpace(signature=QWEN_EDIT) as space:
        done = run_hfimage("inspect", space.url)
    assert done.returncode == 0
    assert (
        done.stdout.splitlines()[2]
        == "an image-editing app: give the image to edit with --image (image takes one image)"
    )


def test_a_size_choice_that_names_only_a_ratio_reports_the_size_of_the_image_made(api):
    ratios = Signature(
        "infer", (Input("prompt", "textbox"), Input("aspect_ratio", "radio", "1:1", choices=("1:1", "16:9")))
    )
    with FakeSpace(signature=ratios) as space:
        image = api.generate("a cat", space=space.url, aspect_ratio="16:9")
    assert space.received == [{"prompt": "a cat", "aspect_ratio": "16:9"}]
    assert (image.width, image.height) == (8, 8)  # what the fake made, not a guess from the ratio
